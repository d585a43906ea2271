import { Body, Controller, Get, HttpCode, Param, Post, Put, Query } from '@nestjs/common';
import type { Page } from '@qingting/shared';
import { AuthUser, CurrentUser, Roles } from '../identity/auth.decorators';
import { orderIdParam } from '../orders/dto';
import { AnnouncementBody, CreateGroupBody, LeaveBody, ListGroupsQuery, MuteBody, OpsGroupsQuery, ReviewBody, TermBody } from './dto';
import type { GroupView, MembershipView, MemberView } from './group-view';
import { GroupsService } from './groups.service';
import { JoinAnswer, MembershipsService } from './memberships.service';

/** `:id` path parameters are UUIDs (else 400 `request/invalid`). */
const uuid = orderIdParam;

/** Paid groups for talkers and listeners (PRODUCT.md §7). */
@Controller('api/groups')
export class GroupsController {
  constructor(
    private readonly groups: GroupsService,
    private readonly memberships: MembershipsService,
  ) {}

  @Post()
  create(@CurrentUser() user: AuthUser, @Body() body: CreateGroupBody): Promise<GroupView> {
    return this.groups.create(user.id, body);
  }

  @Get()
  list(@CurrentUser() user: AuthUser, @Query() query: ListGroupsQuery): Promise<Page<GroupView>> {
    return this.groups.listOpen(user.id, query);
  }

  @Get('mine')
  mine(@CurrentUser() user: AuthUser): Promise<{ owned: GroupView[]; joined: GroupView[] }> {
    return this.groups.mine(user.id);
  }

  @Get(':id')
  get(@CurrentUser() user: AuthUser, @Param('id', uuid()) id: string): Promise<GroupView> {
    return this.groups.get(user.id, id);
  }

  @Post(':id/join')
  @HttpCode(200)
  join(@CurrentUser() user: AuthUser, @Param('id', uuid()) id: string, @Body() body: TermBody): Promise<JoinAnswer> {
    return this.memberships.join(user, id, body.termDays);
  }

  @Post(':id/renew')
  @HttpCode(200)
  renew(@CurrentUser() user: AuthUser, @Param('id', uuid()) id: string, @Body() body: TermBody): Promise<JoinAnswer> {
    return this.memberships.renew(user, id, body.termDays);
  }

  @Post(':id/leave')
  @HttpCode(200)
  leave(@CurrentUser() user: AuthUser, @Param('id', uuid()) id: string, @Body() body: LeaveBody): Promise<MembershipView> {
    return this.memberships.leave(user, id, body.expectRefund ?? false);
  }

  @Get(':id/members')
  members(@CurrentUser() user: AuthUser, @Param('id', uuid()) id: string): Promise<MemberView[]> {
    return this.memberships.members(user, id);
  }

  @Post(':id/members/:userId/mute')
  @HttpCode(200)
  mute(@CurrentUser() user: AuthUser, @Param('id', uuid()) id: string, @Param('userId', uuid()) userId: string, @Body() body: MuteBody): Promise<MemberView> {
    return this.memberships.mute(user, id, userId, body.minutes);
  }

  @Post(':id/members/:userId/unmute')
  @HttpCode(200)
  unmute(@CurrentUser() user: AuthUser, @Param('id', uuid()) id: string, @Param('userId', uuid()) userId: string): Promise<MemberView> {
    return this.memberships.mute(user, id, userId, null);
  }

  @Post(':id/members/:userId/remove')
  @HttpCode(200)
  remove(@CurrentUser() user: AuthUser, @Param('id', uuid()) id: string, @Param('userId', uuid()) userId: string): Promise<MemberView> {
    return this.memberships.remove(user, id, userId);
  }

  @Put(':id/announcement')
  announce(@CurrentUser() user: AuthUser, @Param('id', uuid()) id: string, @Body() body: AnnouncementBody): Promise<GroupView> {
    return this.groups.announce(user.id, id, body.text);
  }
}

/** A listener's OPEN groups, for their profile page. */
@Controller('api/listeners')
export class ListenerGroupsController {
  constructor(private readonly groups: GroupsService) {}

  @Get(':id/groups')
  list(@CurrentUser() user: AuthUser, @Param('id', uuid()) id: string): Promise<GroupView[]> {
    return this.groups.ofListener(user.id, id);
  }
}

/** Reviewers and admins: the approval queue, group detail, review and closing. */
@Controller('api/ops/groups')
@Roles('REVIEWER', 'ADMIN')
export class OpsGroupsController {
  constructor(private readonly groups: GroupsService) {}

  @Get()
  list(@Query() query: OpsGroupsQuery): Promise<Page<GroupView>> {
    return this.groups.opsList(query);
  }

  @Get(':id')
  detail(@Param('id', uuid()) id: string) {
    return this.groups.opsDetail(id);
  }

  @Post(':id/review')
  @HttpCode(200)
  review(@CurrentUser() user: AuthUser, @Param('id', uuid()) id: string, @Body() body: ReviewBody): Promise<GroupView> {
    return this.groups.review(user.id, id, body);
  }

  @Post(':id/close')
  @HttpCode(200)
  close(@CurrentUser() user: AuthUser, @Param('id', uuid()) id: string): Promise<GroupView> {
    return this.groups.close(user.id, id);
  }
}

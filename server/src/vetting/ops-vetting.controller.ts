import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { AuthUser, CurrentUser, Roles } from '../identity/auth.decorators';
import { QueueQuery, ReasonBody, RevealBody } from './dto';
import { uuidParam } from './params';
import { ReviewService } from './review.service';
import { TierService } from './tier.service';

/** Reviewers: the vetting queue and decisions. */
@Controller('api/ops/vetting/applications')
@Roles('REVIEWER')
export class OpsVettingController {
  constructor(private readonly review: ReviewService) {}

  @Get()
  queue(@Query() query: QueueQuery) {
    return this.review.queue(query);
  }

  @Get(':id')
  detail(@Param('id', uuidParam()) id: string) {
    return this.review.detail(id);
  }

  /** Real name or ID number in clear text; every call writes a `sensitive.read` audit row. */
  @Post(':id/sensitive')
  @HttpCode(200)
  reveal(@CurrentUser() user: AuthUser, @Param('id', uuidParam()) id: string, @Body() body: RevealBody) {
    return this.review.reveal(user, id, body.field);
  }

  @Post(':id/approve')
  @HttpCode(200)
  approve(@CurrentUser() user: AuthUser, @Param('id', uuidParam()) id: string) {
    return this.review.decide(user, id, 'approve');
  }

  @Post(':id/reject')
  @HttpCode(200)
  reject(@CurrentUser() user: AuthUser, @Param('id', uuidParam()) id: string, @Body() body: ReasonBody) {
    return this.review.decide(user, id, 'reject', body.reason);
  }

  @Post(':id/request-changes')
  @HttpCode(200)
  requestChanges(@CurrentUser() user: AuthUser, @Param('id', uuidParam()) id: string, @Body() body: ReasonBody) {
    return this.review.decide(user, id, 'request_changes', body.reason);
  }
}

/** Moderators and admins: suspension; admins: re-evaluate a tier on demand. */
@Controller('api/ops/listeners')
export class OpsListenersController {
  constructor(private readonly tiers: TierService) {}

  @Post(':id/suspend')
  @HttpCode(200)
  @Roles('MODERATOR', 'ADMIN')
  suspend(@CurrentUser() user: AuthUser, @Param('id', uuidParam()) id: string, @Body() body: ReasonBody) {
    return this.tiers.suspend(user, id, body.reason);
  }

  @Post(':id/unsuspend')
  @HttpCode(200)
  @Roles('MODERATOR', 'ADMIN')
  unsuspend(@CurrentUser() user: AuthUser, @Param('id', uuidParam()) id: string, @Body() body: ReasonBody) {
    return this.tiers.unsuspend(user, id, body.reason);
  }

  @Post(':id/evaluate-tier')
  @HttpCode(200)
  @Roles('ADMIN')
  evaluate(@CurrentUser() user: AuthUser, @Param('id', uuidParam()) id: string) {
    return this.tiers.evaluate(id, user.id);
  }
}

import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import type { Page, SessionView, VoiceCallView } from '@qingting/shared';
import { AuthUser, CurrentUser } from '../identity/auth.decorators';
import { orderIdParam } from '../orders/dto';
import type { OrderView } from '../orders/order-view';
import { ExtendBody, GiftBody, ListSessionsQuery } from './dto';
import { SessionLifecycleService } from './session-lifecycle.service';
import { SessionsService } from './sessions.service';

/** A party's timed sessions (contract: shared/src/sessions.ts). */
@Controller('api/sessions')
export class SessionsController {
  constructor(
    private readonly sessions: SessionsService,
    private readonly lifecycle: SessionLifecycleService,
  ) {}

  @Get()
  list(@CurrentUser() user: AuthUser, @Query() query: ListSessionsQuery): Promise<Page<SessionView>> {
    return this.sessions.list(user.id, query);
  }

  @Get('by-order/:orderId')
  byOrder(@CurrentUser() user: AuthUser, @Param('orderId', orderIdParam()) orderId: string): Promise<SessionView> {
    return this.sessions.byOrder(user.id, orderId);
  }

  @Get(':id')
  get(@CurrentUser() user: AuthUser, @Param('id', orderIdParam()) id: string): Promise<SessionView> {
    return this.sessions.get(user.id, id);
  }

  @Post(':id/join')
  @HttpCode(200)
  join(@CurrentUser() user: AuthUser, @Param('id', orderIdParam()) id: string): Promise<SessionView> {
    return this.lifecycle.join(user.id, id);
  }

  @Post(':id/end')
  @HttpCode(200)
  end(@CurrentUser() user: AuthUser, @Param('id', orderIdParam()) id: string): Promise<SessionView> {
    return this.lifecycle.end(user.id, id);
  }

  @Post(':id/extend')
  @HttpCode(200)
  extend(@CurrentUser() user: AuthUser, @Param('id', orderIdParam()) id: string, @Body() body: ExtendBody): Promise<OrderView> {
    return this.lifecycle.extend(user.id, id, body.units);
  }

  @Post(':id/gifts')
  @HttpCode(200)
  gift(@CurrentUser() user: AuthUser, @Param('id', orderIdParam()) id: string, @Body() body: GiftBody): Promise<OrderView> {
    return this.lifecycle.gift(user.id, id, body.giftCode);
  }

  @Post(':id/voice/call')
  @HttpCode(200)
  call(@CurrentUser() user: AuthUser, @Param('id', orderIdParam()) id: string): Promise<VoiceCallView> {
    return this.lifecycle.call(user.id, id);
  }
}

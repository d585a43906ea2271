import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import type { Page } from '@qingting/shared';
import { PageQuery } from '../common/page-query.dto';
import { AuthUser, CurrentUser, Roles } from '../identity/auth.decorators';
import { CreatePayoutBody, OpsPayoutsQuery, payoutIdParam } from './dto';
import { EarningMovementView, EarningsService, EarningsSummary } from './earnings.service';
import { OpsPayoutDetail, OpsPayoutView, PayoutsService, PayoutView } from './payouts.service';

/** The listener's earnings: balances and the history of every movement. */
@Controller('api/earnings')
@Roles('LISTENER')
export class EarningsController {
  constructor(private readonly earnings: EarningsService) {}

  @Get()
  summary(@CurrentUser() user: AuthUser): Promise<EarningsSummary> {
    return this.earnings.summary(user.id);
  }

  @Get('history')
  history(@CurrentUser() user: AuthUser, @Query() query: PageQuery): Promise<Page<EarningMovementView>> {
    return this.earnings.history(user.id, query);
  }
}

/** The listener's withdrawals: request, list, detail (with what the confirmation needs), sync after confirming. */
@Controller('api/payouts')
@Roles('LISTENER')
export class PayoutsController {
  constructor(private readonly payouts: PayoutsService) {}

  @Post()
  request(@CurrentUser() user: AuthUser, @Body() body: CreatePayoutBody): Promise<PayoutView> {
    return this.payouts.request(user.id, body.amountFen);
  }

  @Get()
  list(@CurrentUser() user: AuthUser, @Query() query: PageQuery): Promise<Page<PayoutView>> {
    return this.payouts.list(user.id, query);
  }

  @Get(':id')
  get(@CurrentUser() user: AuthUser, @Param('id', payoutIdParam()) id: string): Promise<PayoutView> {
    return this.payouts.get(user.id, id);
  }

  @Post(':id/sync')
  @HttpCode(200)
  sync(@CurrentUser() user: AuthUser, @Param('id', payoutIdParam()) id: string): Promise<PayoutView> {
    return this.payouts.sync(user.id, id);
  }
}

/** Finance and admins: every payout, by status or listener, and one with its ledger lines. */
@Controller('api/ops/payouts')
@Roles('FINANCE', 'ADMIN')
export class OpsPayoutsController {
  constructor(private readonly payouts: PayoutsService) {}

  @Get()
  list(@Query() query: OpsPayoutsQuery): Promise<Page<OpsPayoutView>> {
    return this.payouts.opsList(query);
  }

  @Get(':id')
  detail(@Param('id', payoutIdParam()) id: string): Promise<OpsPayoutDetail> {
    return this.payouts.opsDetail(id);
  }
}

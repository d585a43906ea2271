import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { AuthUser, CurrentUser, Roles } from '../identity/auth.decorators';
import { LedgerService } from '../ledger/ledger.service';
import { orderIdParam, OpsOrdersQuery, OpsRefundBody } from './dto';
import { OpsOrdersService } from './ops-orders.service';

/** Support agents, finance and admins: order search and detail; finance: manual refunds. */
@Controller('api/ops/orders')
@Roles('AGENT', 'FINANCE', 'ADMIN')
export class OpsOrdersController {
  constructor(private readonly ops: OpsOrdersService) {}

  @Get()
  search(@Query() query: OpsOrdersQuery) {
    return this.ops.search(query);
  }

  @Get(':id')
  detail(@Param('id', orderIdParam()) id: string) {
    return this.ops.detail(id);
  }

  @Post(':id/refund')
  @HttpCode(200)
  @Roles('FINANCE')
  refund(@CurrentUser() user: AuthUser, @Param('id', orderIdParam()) id: string, @Body() body: OpsRefundBody) {
    return this.ops.refund(user, id, body.amountFen, body.reason);
  }
}

/** Finance and admins: the ledger invariant report. */
@Controller('api/ops/ledger')
@Roles('FINANCE', 'ADMIN')
export class OpsLedgerController {
  constructor(private readonly ledger: LedgerService) {}

  @Get('check')
  check() {
    return this.ledger.check();
  }
}

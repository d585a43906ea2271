import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import type { Page } from '@qingting/shared';
import { AuthUser, CurrentUser } from '../identity/auth.decorators';
import { CancelBody, CheckoutBody, CreateOrderBody, DeclineBody, ListOrdersQuery, orderIdParam, PackageBalancesQuery, PayBody } from './dto';
import type { OrderView } from './order-view';
import { OrdersService, PayAnswer } from './orders.service';
import { PackageBalanceView, PackageMinutesService } from './package-minutes.service';

/** Talkers' and listeners' orders: create, pay, sync, cancel, accept, decline, list, detail. */
@Controller('api/orders')
export class OrdersController {
  constructor(
    private readonly orders: OrdersService,
    private readonly packages: PackageMinutesService,
  ) {}

  @Post()
  create(@CurrentUser() user: AuthUser, @Body() body: CreateOrderBody): Promise<OrderView> {
    return this.orders.create(user, body);
  }

  /** Create and prepay in one call (`payment` null for an order paid with package minutes). */
  @Post('checkout')
  checkout(@CurrentUser() user: AuthUser, @Body() body: CheckoutBody): Promise<{ order: OrderView; payment: PayAnswer | null }> {
    const { returnUrl, ...order } = body;
    return this.orders.checkout(user, order, returnUrl);
  }

  @Get()
  list(@CurrentUser() user: AuthUser, @Query() query: ListOrdersQuery): Promise<Page<OrderView>> {
    return this.orders.list(user, query);
  }

  /** My topic-package balances (with one listener when `listenerId` is given). Before `:id`. */
  @Get('packages')
  packageBalances(@CurrentUser() user: AuthUser, @Query() query: PackageBalancesQuery): Promise<PackageBalanceView[]> {
    return this.packages.balances(user.id, query.listenerId);
  }

  @Get(':id')
  get(@CurrentUser() user: AuthUser, @Param('id', orderIdParam()) id: string): Promise<OrderView> {
    return this.orders.get(user, id);
  }

  @Post(':id/pay')
  @HttpCode(200)
  pay(@CurrentUser() user: AuthUser, @Param('id', orderIdParam()) id: string, @Body() body: PayBody): Promise<PayAnswer> {
    return this.orders.pay(user, id, body.returnUrl);
  }

  @Post(':id/sync')
  @HttpCode(200)
  sync(@CurrentUser() user: AuthUser, @Param('id', orderIdParam()) id: string): Promise<OrderView> {
    return this.orders.sync(user, id);
  }

  @Post(':id/cancel')
  @HttpCode(200)
  cancel(@CurrentUser() user: AuthUser, @Param('id', orderIdParam()) id: string, @Body() body: CancelBody): Promise<OrderView> {
    return this.orders.cancel(user, id, body.reason);
  }

  @Post(':id/accept')
  @HttpCode(200)
  accept(@CurrentUser() user: AuthUser, @Param('id', orderIdParam()) id: string): Promise<OrderView> {
    return this.orders.accept(user, id);
  }

  @Post(':id/decline')
  @HttpCode(200)
  decline(@CurrentUser() user: AuthUser, @Param('id', orderIdParam()) id: string, @Body() body: DeclineBody): Promise<OrderView> {
    return this.orders.decline(user, id, body.reason);
  }
}

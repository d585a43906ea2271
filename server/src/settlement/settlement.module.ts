import { Module } from '@nestjs/common';
import { OrdersModule } from '../orders/orders.module';
import { EarningsService } from './earnings.service';
import { PayoutsService } from './payouts.service';
import { EarningsController, OpsPayoutsController, PayoutsController } from './settlement.controllers';

/**
 * Listener earnings and payouts (PRODUCT.md §11). Other modules call `EarningsService.holdUntil`
 * when earnings start their dispute window (a session ends, a gift is paid); a topic package's
 * start when it completes (the orders module's `completed` hook).
 */
@Module({
  imports: [OrdersModule],
  controllers: [EarningsController, PayoutsController, OpsPayoutsController],
  providers: [EarningsService, PayoutsService],
  exports: [EarningsService],
})
export class SettlementModule {}

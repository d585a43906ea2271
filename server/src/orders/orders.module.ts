import { Module } from '@nestjs/common';
import { ListenersModule } from '../listeners/listeners.module';
import { CatalogueController } from './catalogue.controller';
import { OpsLedgerController, OpsOrdersController } from './ops-orders.controller';
import { OpsOrdersService } from './ops-orders.service';
import { OrdersController } from './orders.controller';
import { OrdersService } from './orders.service';
import { RefundService } from './refund.service';

/** Orders, checkout, refunds and the catalogue (PRODUCT.md §3); the ledger is its own (global) module. */
@Module({
  imports: [ListenersModule],
  controllers: [OrdersController, CatalogueController, OpsOrdersController, OpsLedgerController],
  providers: [OrdersService, RefundService, OpsOrdersService],
  exports: [OrdersService, RefundService],
})
export class OrdersModule {}

import { Module } from '@nestjs/common';
import { ListenersModule } from '../listeners/listeners.module';
import { CatalogueController, WorkbenchPackagesController } from './catalogue.controller';
import { OpsLedgerController, OpsOrdersController } from './ops-orders.controller';
import { OpsOrdersService } from './ops-orders.service';
import { OrderHooks } from './order-hooks';
import { OrdersController } from './orders.controller';
import { OrdersService } from './orders.service';
import { PackageMinutesService } from './package-minutes.service';
import { RefundService } from './refund.service';
import { SessionOrdersService } from './session-orders.service';
import { TopicPackagesService } from './topic-packages.service';

/** Orders, checkout, refunds and the catalogue (PRODUCT.md §3); the ledger is its own (global) module. */
@Module({
  imports: [ListenersModule],
  controllers: [OrdersController, CatalogueController, WorkbenchPackagesController, OpsOrdersController, OpsLedgerController],
  providers: [OrdersService, RefundService, OpsOrdersService, OrderHooks, SessionOrdersService, PackageMinutesService, TopicPackagesService],
  exports: [OrdersService, RefundService, OrderHooks, SessionOrdersService, PackageMinutesService],
})
export class OrdersModule {}

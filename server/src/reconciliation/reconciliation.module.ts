import { Module } from '@nestjs/common';
import { OrdersModule } from '../orders/orders.module';
import { FinanceService } from './finance.service';
import { LocalRecords } from './local-records';
import { OpsReconciliationController } from './ops-reconciliation.controller';
import { ReconciliationJob } from './reconciliation.job';
import { ReconciliationService } from './reconciliation.service';

/** WeChat Pay reconciliation (daily job, ops console, CLI) and the finance figures (PRODUCT.md §11). */
@Module({
  imports: [OrdersModule],
  controllers: [OpsReconciliationController],
  providers: [ReconciliationService, ReconciliationJob, LocalRecords, FinanceService],
  exports: [ReconciliationService],
})
export class ReconciliationModule {}

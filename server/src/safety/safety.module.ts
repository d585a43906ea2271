import { Module } from '@nestjs/common';
import { CrisisAlertsService } from './crisis-alerts.service';
import { OpsSafetyController } from './ops-safety.controller';

/** Crisis safety (PRODUCT.md §4): the alert queue that chat, posts and questions raise into. */
@Module({
  controllers: [OpsSafetyController],
  providers: [CrisisAlertsService],
  exports: [CrisisAlertsService],
})
export class SafetyModule {}

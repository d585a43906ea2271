import { Global, Module } from '@nestjs/common';
import { SchedulerService } from './scheduler.service';

/** Timers as rows in PostgreSQL, run exactly once across instances (see SchedulerService). */
@Global()
@Module({ providers: [SchedulerService], exports: [SchedulerService] })
export class SchedulerModule {}

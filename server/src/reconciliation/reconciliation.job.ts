import { BeforeApplicationShutdown, Injectable, Logger, OnApplicationBootstrap, OnModuleInit } from '@nestjs/common';
import type { Prisma } from '@qingting/prisma';
import { DomainError } from '../common/errors/domain-error';
import { AppConfig } from '../infra/config/app-config';
import { SchedulerService } from '../scheduler/scheduler.service';
import { billDateOf } from '../wechat/protocol/time';
import { addDays } from './bill-date';
import { ReconciliationService } from './reconciliation.service';

/** The daily reconciliation; key = the bill date, due after RECONCILE_AFTER_HOUR (China time) the next day. */
export const RECONCILE_DAILY_JOB = 'reconcile.daily';
/** A scheduled run that failed (or found the bill not ready) is tried again this much later… */
const RETRY_MS = 10 * 60_000;
/** …up to this many failed scheduled runs per date, and never for bills older than a week. */
const MAX_FAILED_RUNS = 3;
const GIVE_UP_AFTER_DAYS = 7;

/**
 * Runs the reconciliation of the previous day once a day, exactly once across instances: the
 * scheduler's job (kind + date) is claimed by one instance, and each run chains the next day's
 * job, so the chain continues as long as any instance runs (start-up re-creates it). The run is
 * started after the job's transaction rather than inside it: a million-line bill takes longer
 * than a job transaction may stay open, and on the embedded database the job's transaction holds
 * the only connection. A crash mid-run leaves a RUNNING run whose heartbeat stops; start-up and
 * the retries below run the date again.
 */
@Injectable()
export class ReconciliationJob implements OnModuleInit, OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(ReconciliationJob.name);
  private readonly background = new Set<Promise<void>>();
  private closing = false;

  constructor(
    private readonly scheduler: SchedulerService,
    private readonly config: AppConfig,
    private readonly reconciliation: ReconciliationService,
  ) {}

  /**
   * Not in NODE_ENV=test processes: dozens of test apps share one database there, and a daily job
   * any of them could claim would reconcile against whichever simulator that app has. The
   * reconciliation tests start their app in development mode to run it.
   */
  private get enabled(): boolean {
    return this.config.NODE_ENV !== 'test';
  }

  onModuleInit(): void {
    if (this.enabled) this.scheduler.register(RECONCILE_DAILY_JOB, (job, tx) => this.fire(job.key, tx));
  }

  /**
   * Creates today's job (due tomorrow) and, when yesterday has no finished run, yesterday's (due
   * now at the latest). Days missed while every instance was down for longer are reconciled from
   * the ops console or the CLI.
   */
  async onApplicationBootstrap(): Promise<void> {
    if (!this.enabled || !this.config.SCHEDULER_ENABLED) return;
    try {
      const today = billDateOf(new Date());
      const yesterday = addDays(today, -1);
      // Not run yet (due tomorrow): only (re)writes its due time.
      await this.scheduler.schedule(RECONCILE_DAILY_JOB, today, this.dueAt(today));
      if (!(await this.reconciliation.countRuns(yesterday, 'DONE'))) {
        await this.scheduler.schedule(RECONCILE_DAILY_JOB, yesterday, new Date(Math.max(Date.now(), this.dueAt(yesterday).getTime())));
      }
    } catch (err) {
      this.logger.error({ err }, 'could not schedule the daily reconciliation');
    }
  }

  /** Lets a scheduled run that is being interrupted record its retry before the database closes. */
  async beforeApplicationShutdown(): Promise<void> {
    this.closing = true;
    while (this.background.size) await Promise.all(this.background);
  }

  /** When the bill of `billDate` is reconciled: RECONCILE_AFTER_HOUR:00 China time on the next day. */
  dueAt(billDate: string): Date {
    return new Date(Date.parse(`${billDate}T00:00:00+08:00`) + 86_400_000 + this.config.RECONCILE_AFTER_HOUR * 3_600_000);
  }

  /** The date whose job is due next: yesterday until RECONCILE_AFTER_HOUR today, today after. */
  upcoming(now = new Date()): string {
    const today = billDateOf(now);
    const yesterday = addDays(today, -1);
    return now < this.dueAt(yesterday) ? yesterday : today;
  }

  private async fire(billDate: string, tx: Prisma.TransactionClient): Promise<void> {
    if (this.closing) throw new Error('shutting down: another instance (or the next start) runs this job');
    // The next day's job, or (when this one ran late, e.g. for an old date) the next one still in the
    // future: a chain of past-due jobs would replay every day since. It has not run yet, so this only
    // (re)writes its due time.
    const next = this.dueAt(addDays(billDate, 1)) > new Date() ? addDays(billDate, 1) : this.upcoming();
    if (next !== billDate) await this.scheduler.schedule(RECONCILE_DAILY_JOB, next, this.dueAt(next), {}, tx);
    const running = this.runScheduled(billDate).finally(() => this.background.delete(running));
    this.background.add(running);
  }

  /** One scheduled attempt; anything short of a DONE run is retried later (bounded). Exposed for tests. */
  async runScheduled(billDate: string): Promise<void> {
    try {
      if (await this.reconciliation.countRuns(billDate, 'DONE')) return;
      const run = await (await this.reconciliation.start(billDate, 'schedule')).done;
      if (run.status === 'FAILED') await this.retryLater(billDate, `${run.error?.code}: ${run.error?.message}`);
    } catch (err) {
      // Another run of the date is going (or its instance died and it is not yet stale): look again later.
      const reason = err instanceof DomainError ? err.code : String(err);
      await this.retryLater(billDate, reason).catch((e) => this.logger.error({ err: e, billDate }, 'could not reschedule the reconciliation'));
    }
  }

  private async retryLater(billDate: string, reason: string): Promise<void> {
    const tooOld = addDays(billDate, GIVE_UP_AFTER_DAYS) < billDateOf(new Date());
    if (tooOld || (await this.reconciliation.countRuns(billDate, 'FAILED', 'schedule')) >= MAX_FAILED_RUNS) {
      this.logger.error({ billDate, reason }, 'ALERT: the daily reconciliation gave up on this date; run it from the ops console or the CLI');
      return;
    }
    this.logger.warn({ billDate, reason }, `daily reconciliation not done; retrying in ${RETRY_MS / 60_000} minutes`);
    await this.scheduler.schedule(RECONCILE_DAILY_JOB, billDate, new Date(Date.now() + RETRY_MS));
  }
}

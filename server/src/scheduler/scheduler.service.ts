import { Injectable, Logger, OnApplicationBootstrap, BeforeApplicationShutdown } from '@nestjs/common';
import type { Prisma } from '@qingting/prisma';
import { AppConfig } from '../infra/config/app-config';
import { PrismaService } from '../infra/database/prisma.service';

export interface DueJob {
  id: string;
  kind: string;
  key: string;
  dueAt: Date;
  payload: Prisma.JsonValue;
  attempts: number;
}

/** Runs inside the transaction that marks the job done: a throw rolls both back and the job is retried. */
export type JobHandler = (job: DueJob, tx: Prisma.TransactionClient) => Promise<void>;

/** Retry delays after a failed run: 1 s, 5 s, 30 s, then every 5 minutes. */
const RETRY_DELAYS_MS = [1_000, 5_000, 30_000, 300_000];

/**
 * Timers as rows. `schedule` writes (or moves) a job, inside the caller's transaction when given
 * one, so a timer exists exactly when the state that needs it does. Every instance polls; a due
 * job is claimed with `FOR UPDATE SKIP LOCKED` and run in the same transaction that marks it
 * done, so exactly one instance runs it, and a job whose instance dies mid-run is simply
 * claimed again. Jobs survive restarts because they live in PostgreSQL.
 */
@Injectable()
export class SchedulerService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(SchedulerService.name);
  private readonly handlers = new Map<string, JobHandler>();
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  /** Not polling (disabled, or not started yet, or shutting down). */
  private stopped = true;
  private shuttingDown = false;

  constructor(
    private readonly prisma: PrismaService,
    private readonly config: AppConfig,
  ) {}

  /** Registers the handler of a kind; modules do this in onModuleInit. */
  register(kind: string, handler: JobHandler): void {
    if (this.handlers.has(kind)) throw new Error(`a handler for ${kind} is already registered`);
    this.handlers.set(kind, handler);
  }

  /** Creates the job, or moves an existing not-yet-run job of the same kind and key. */
  async schedule(kind: string, key: string, dueAt: Date, payload: Prisma.InputJsonValue = {}, tx?: Prisma.TransactionClient): Promise<void> {
    await (tx ?? this.prisma.client).scheduledJob.upsert({
      where: { kind_key: { kind, key } },
      create: { kind, key, dueAt, payload },
      update: { dueAt, payload, doneAt: null, attempts: 0, lastError: null },
    });
    if (!tx) this.wake(dueAt);
  }

  /** Drops a job that has not run; true when there was one. */
  async cancel(kind: string, key: string, tx?: Prisma.TransactionClient): Promise<boolean> {
    const { count } = await (tx ?? this.prisma.client).scheduledJob.deleteMany({ where: { kind, key, doneAt: null } });
    return count > 0;
  }

  onApplicationBootstrap(): void {
    if (!this.config.SCHEDULER_ENABLED) return;
    this.stopped = false;
    this.wake(new Date());
  }

  /** Stops polling and lets a job in progress finish (its transaction commits or rolls back). */
  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    this.shuttingDown = true;
    clearTimeout(this.timer);
    await this.running;
  }

  /** Runs every job due now, one transaction each; returns how many ran. Also what tests call to drive time. */
  async runDue(): Promise<number> {
    let ran = 0;
    while (!this.shuttingDown) {
      const outcome = await this.runOne();
      if (outcome === 'none') break;
      if (outcome === 'ran') ran += 1;
    }
    return ran;
  }

  private async runOne(): Promise<'ran' | 'failed' | 'none'> {
    // Only kinds this instance knows: during a rolling deploy, new kinds wait for new instances.
    const kinds = [...this.handlers.keys()];
    if (!kinds.length) return 'none';
    let claimed: DueJob | undefined;
    try {
      return await this.prisma.client.$transaction(
        async (tx) => {
          const [job] = await tx.$queryRaw<DueJob[]>`
            SELECT id, kind, key, due_at AS "dueAt", payload, attempts FROM scheduled_jobs
            WHERE done_at IS NULL AND due_at <= now() AND kind = ANY(${kinds})
            ORDER BY due_at LIMIT 1 FOR UPDATE SKIP LOCKED`;
          if (!job) return 'none';
          claimed = job;
          await this.handlers.get(job.kind)!(job, tx);
          await tx.scheduledJob.update({ where: { id: job.id }, data: { doneAt: new Date(), attempts: { increment: 1 } } });
          return 'ran';
        },
        { timeout: 30_000 },
      );
    } catch (err) {
      if (!claimed) throw err;
      const delay = RETRY_DELAYS_MS[Math.min(claimed.attempts, RETRY_DELAYS_MS.length - 1)];
      this.logger.error({ err, kind: claimed.kind, key: claimed.key, attempt: claimed.attempts + 1 }, `job failed; retrying in ${delay} ms`);
      await this.prisma.client.scheduledJob.updateMany({
        where: { id: claimed.id, doneAt: null },
        data: { attempts: { increment: 1 }, lastError: String((err as Error)?.message ?? err).slice(0, 1000), dueAt: new Date(Date.now() + delay) },
      });
      return 'failed';
    }
  }

  /** Polls now-ish, then again at the next due job or after SCHEDULER_POLL_MS, whichever is sooner. */
  private wake(at: Date): void {
    if (this.stopped) return;
    const delay = Math.max(0, at.getTime() - Date.now());
    if (delay > this.config.SCHEDULER_POLL_MS) return; // the regular poll comes first
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.tick(), delay);
  }

  private async tick(): Promise<void> {
    if (this.stopped || this.running) return;
    this.running = this.runDue()
      .then(() => undefined)
      .catch((err) => this.logger.error({ err }, 'scheduler poll failed'));
    await this.running;
    this.running = undefined;
    if (this.stopped) return;
    const next = await this.prisma.client.scheduledJob
      .findFirst({ where: { doneAt: null, kind: { in: [...this.handlers.keys()] } }, orderBy: { dueAt: 'asc' }, select: { dueAt: true } })
      .catch(() => null);
    const pollAt = Date.now() + this.config.SCHEDULER_POLL_MS;
    const at = next && next.dueAt.getTime() < pollAt ? next.dueAt : new Date(pollAt);
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.tick(), Math.max(0, at.getTime() - Date.now()));
  }
}

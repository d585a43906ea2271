import { Injectable, Logger, OnApplicationBootstrap, BeforeApplicationShutdown } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { Prisma, SqlReader } from '@qingting/prisma';
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

/**
 * Runs inside the transaction that marks the job done: a throw rolls both back and the job is
 * retried. Returning a Date runs it again then instead (a job that polls, e.g. a refund whose
 * notification may never come).
 */
export type JobHandler = (job: DueJob, tx: Prisma.TransactionClient) => Promise<void | Date>;

/**
 * A kind whose due jobs are run many at a time, in one plain-SQL transaction that also marks them
 * all done: for bursts where one transaction per job cannot keep up (a thousand sessions ending in
 * the same second). A throw rolls the whole batch back and each job is retried. What it returns
 * runs after the commit (pushes to clients, say), and a failure there is only logged.
 */
export type BatchJobHandler = (jobs: DueJob[], tx: SqlReader) => Promise<void | (() => Promise<void>)>;

/**
 * Effects outside the database (pushes, WeChat messages, counters in Redis) after a commit. Run
 * with no transaction open, at least once: a claim leases the job (moves its due time
 * EFFECT_LEASE_MS ahead) and it is marked done after the handler returns, so a job whose
 * instance dies mid-run is run again when the lease ends. A throw retries it later. The handler
 * may read through the pool (on the embedded database, a read inside a held transaction would
 * wait for it forever).
 */
export type EffectJobHandler = (job: DueJob) => Promise<void>;

/**
 * Single jobs, batch kinds and effects are claimed by separate loops, so a backlog of one never delays the
 * other (the follow-up jobs of a thousand batch-ended sessions must not hold back the next ends).
 */
interface Lane {
  name: 'single' | 'batch' | 'effects';
  kinds(): string[];
  /** Claims and runs what is due: 'ran' (something, go on), 'failed' (go on), 'none' (nothing due). */
  runOnce(kinds: string[]): Promise<'ran' | 'failed' | 'none'>;
  workers(): number;
  /** The least time between two polls: effects are not urgent, and waiting a little gathers them into fewer claims. */
  minGapMs: number;
  timer?: NodeJS.Timeout;
  running?: Promise<number>;
}

const DONE_KEPT_MS = 7 * 86_400_000;
const PURGE_EVERY_MS = 3_600_000;

/** Due, not done, of the kinds in $1, oldest due first (the partial index `scheduled_jobs_open_due_idx`). */
const CLAIM_SQL = `SELECT id, kind, key, due_at AS "dueAt", payload, attempts FROM scheduled_jobs
  WHERE done_at IS NULL AND due_at <= now() AND kind = ANY($1) ORDER BY due_at`;

/** How long a claimed effect job is left to its instance before another may run it. */
const EFFECT_LEASE_MS = 300_000;
/** Effect jobs are looked for at most this often (they run this much later at worst). */
const EFFECT_POLL_GAP_MS = 100;
/** Effect jobs claimed (and run concurrently) at once. */
const EFFECT_BATCH = 50;

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
  private readonly batchHandlers = new Map<string, { handler: BatchJobHandler; size: number }>();
  private readonly effectHandlers = new Map<string, EffectJobHandler>();
  private readonly lanes: Lane[] = [
    { name: 'batch', kinds: () => [...this.batchHandlers.keys()], runOnce: (kinds) => this.runBatch(kinds), workers: () => 1, minGapMs: 0 },
    {
      name: 'single',
      kinds: () => [...this.handlers.keys()],
      runOnce: (kinds) => this.runOne(kinds),
      // The embedded database has one connection: one job at a time there.
      workers: () => (this.config.embeddedDatabase ? 1 : this.config.SCHEDULER_CONCURRENCY),
      minGapMs: 0,
    },
    { name: 'effects', kinds: () => [...this.effectHandlers.keys()], runOnce: (kinds) => this.runEffects(kinds), workers: () => 1, minGapMs: EFFECT_POLL_GAP_MS },
  ];
  /** Not polling (disabled, or not started yet, or shutting down). */
  private stopped = true;
  private shuttingDown = false;
  private lastPurge = 0;

  constructor(
    private readonly prisma: PrismaService,
    private readonly config: AppConfig,
  ) {}

  /** Registers the handler of a kind; modules do this in onModuleInit. */
  register(kind: string, handler: JobHandler): void {
    this.assertNew(kind);
    this.handlers.set(kind, handler);
  }

  /** Registers a kind run `size` jobs per transaction (see BatchJobHandler). */
  registerBatch(kind: string, handler: BatchJobHandler, size: number): void {
    this.assertNew(kind);
    this.batchHandlers.set(kind, { handler, size });
  }

  /** Registers a kind whose handler has effects outside the database and runs in no transaction (see EffectJobHandler). */
  registerEffect(kind: string, handler: EffectJobHandler): void {
    this.assertNew(kind);
    this.effectHandlers.set(kind, handler);
  }

  private assertNew(kind: string): void {
    if (this.handlers.has(kind) || this.batchHandlers.has(kind) || this.effectHandlers.has(kind)) throw new Error(`a handler for ${kind} is already registered`);
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

  /**
   * The upsert `schedule` makes, as SQL text with parameters numbered from `$first`: for hot paths
   * that write their state and its timer in one plain-SQL statement (order creation).
   */
  jobUpsertSql(kind: string, key: string, dueAt: Date, payload: Prisma.InputJsonValue = {}, first = 1): { text: string; values: unknown[] } {
    const [id, k, ky, due, data] = [0, 1, 2, 3, 4].map((i) => `$${first + i}`);
    return {
      text: `INSERT INTO scheduled_jobs (id, kind, key, due_at, payload) VALUES (${id}::uuid, ${k}, ${ky}, ${due}::timestamptz, ${data}::jsonb)
             ON CONFLICT (kind, key) DO UPDATE SET due_at = EXCLUDED.due_at, payload = EXCLUDED.payload, done_at = NULL, attempts = 0, last_error = NULL`,
      values: [randomUUID(), kind, key, dueAt, JSON.stringify(payload)],
    };
  }

  /** `schedule` inside a plain-SQL transaction (the hot paths that bypass Prisma). */
  async scheduleSql(tx: SqlReader, kind: string, key: string, dueAt: Date, payload: Prisma.InputJsonValue = {}): Promise<void> {
    const upsert = this.jobUpsertSql(kind, key, dueAt, payload);
    await tx.query(upsert.text, upsert.values);
  }

  /**
   * `cancel` as SQL text with parameters numbered from `$first`, for a statement of the caller's.
   * A job running right now (its row locked) is skipped, not waited for: its handler must find
   * the state moved on and do nothing.
   */
  jobCancelSql(kind: string, key: string, first = 1): { text: string; values: unknown[] } {
    return {
      text: `DELETE FROM scheduled_jobs WHERE id IN (SELECT id FROM scheduled_jobs WHERE kind = $${first} AND key = $${first + 1} AND done_at IS NULL FOR UPDATE SKIP LOCKED)`,
      values: [kind, key],
    };
  }

  /** `scheduleSql` for many keys of one kind in one statement (a batch handler's follow-ups). */
  async scheduleManySql(tx: SqlReader, kind: string, jobs: readonly { key: string; dueAt: Date; payload?: Prisma.InputJsonValue }[]): Promise<void> {
    if (!jobs.length) return;
    await tx.query(
      `INSERT INTO scheduled_jobs (id, kind, key, due_at, payload)
       SELECT gen_random_uuid(), $1, j.key, j.due_at, j.payload FROM unnest($2::text[], $3::timestamptz[], $4::jsonb[]) AS j(key, due_at, payload)
       ON CONFLICT (kind, key) DO UPDATE SET due_at = EXCLUDED.due_at, payload = EXCLUDED.payload, done_at = NULL, attempts = 0, last_error = NULL`,
      [kind, jobs.map((j) => j.key), jobs.map((j) => j.dueAt), jobs.map((j) => JSON.stringify(j.payload ?? {}))],
    );
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

  /** Stops polling and lets jobs in progress finish (their transactions commit or roll back). */
  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    this.shuttingDown = true;
    for (const lane of this.lanes) clearTimeout(lane.timer);
    await Promise.all(this.lanes.map((lane) => lane.running));
  }

  /**
   * Runs every job due now, batch kinds first, until a pass finds nothing (a job may schedule
   * another due at once); returns how many jobs ran. What tests call to drive time. On the
   * embedded database the lanes take turns: it has one connection.
   */
  async runDue(): Promise<number> {
    let total = 0;
    for (;;) {
      let ran = 0;
      for (const lane of this.lanes) ran += await this.drain(lane);
      total += ran;
      if (!ran || this.shuttingDown) return total;
    }
  }

  /**
   * Runs a lane's due jobs, its workers at a time (a burst must not queue behind one
   * connection), until none is due; returns how many ran.
   */
  private async drain(lane: Lane): Promise<number> {
    // Only kinds this instance knows: during a rolling deploy, new kinds wait for new instances.
    const kinds = lane.kinds();
    if (!kinds.length) return 0;
    let ran = 0;
    const worker = async () => {
      while (!this.shuttingDown) {
        const outcome = await lane.runOnce(kinds);
        if (outcome === 'none') return;
        if (outcome === 'ran') ran += 1;
      }
    };
    await Promise.all(Array.from({ length: lane.workers() }, worker));
    return ran;
  }

  private async runOne(kinds: string[]): Promise<'ran' | 'failed' | 'none'> {
    let claimed: DueJob | undefined;
    try {
      return await this.prisma.client.$transaction(
        async (tx) => {
          const [job] = await tx.$queryRawUnsafe<DueJob[]>(`${CLAIM_SQL} LIMIT 1 FOR UPDATE SKIP LOCKED`, kinds);
          if (!job) return 'none';
          claimed = job;
          // The handler's writes roll back to here on a failure; the job row stays locked while
          // its retry is recorded, so no other worker can run it again before its retry time.
          await tx.$executeRawUnsafe('SAVEPOINT job_handler');
          try {
            const again = await this.handlers.get(job.kind)!(job, tx);
            // Raw: every job pays for this statement, and a raw one skips Prisma's query compiler.
            if (again) await tx.$executeRawUnsafe('UPDATE scheduled_jobs SET due_at = $2::timestamptz, attempts = attempts + 1 WHERE id = $1::uuid', job.id, again);
            else await tx.$executeRawUnsafe('UPDATE scheduled_jobs SET done_at = clock_timestamp(), attempts = attempts + 1 WHERE id = $1::uuid', job.id);
            return 'ran';
          } catch (err) {
            await tx.$executeRawUnsafe('ROLLBACK TO SAVEPOINT job_handler');
            await tx.scheduledJob.update({ where: { id: job.id }, data: this.retryOf(job, err) });
            return 'failed';
          }
        },
        { timeout: 30_000 },
      );
    } catch (err) {
      if (!claimed) throw err;
      // The transaction itself broke (e.g. it timed out): record the retry outside it.
      await this.prisma.client.scheduledJob.updateMany({ where: { id: claimed.id, doneAt: null }, data: this.retryOf(claimed, err) });
      return 'failed';
    }
  }

  /**
   * Claims up to a batch of due jobs of the oldest due batch kind and runs them in one plain-SQL
   * transaction that marks them done. On a failure the batch rolls back and every job in it is
   * given its retry time (jobs that would succeed alone wait too: batches are for bursts of
   * uniform work, where a failure is the database's, not one job's).
   */
  private async runBatch(kinds: string[]): Promise<'ran' | 'failed' | 'none'> {
    let claimed: DueJob[] = [];
    let afterCommit: (() => Promise<void>) | undefined;
    try {
      afterCommit = await this.prisma.sql.transaction(async (tx) => {
        const [first] = await tx.query<{ kind: string }>(`SELECT kind FROM (${CLAIM_SQL} LIMIT 1) due`, [kinds]);
        if (!first) return undefined;
        const { handler, size } = this.batchHandlers.get(first.kind)!;
        claimed = await tx.query<DueJob>(`${CLAIM_SQL} LIMIT $2 FOR UPDATE SKIP LOCKED`, [[first.kind], size]);
        if (!claimed.length) return undefined;
        const effects = await handler(claimed, tx);
        // One done time for the batch (clock_timestamp() would differ per row).
        await tx.query('UPDATE scheduled_jobs SET done_at = t.at, attempts = attempts + 1 FROM (SELECT clock_timestamp() AS at) t WHERE id = ANY($1::uuid[])', [claimed.map((j) => j.id)]);
        return effects ?? undefined;
      });
    } catch (err) {
      if (!claimed.length) throw err;
      await this.prisma.client.scheduledJob.updateMany({ where: { id: { in: claimed.map((j) => j.id) }, doneAt: null }, data: this.retryOf(claimed[0], err) });
      return 'failed';
    }
    if (!claimed.length) return 'none';
    if (afterCommit) await afterCommit().catch((err: unknown) => this.logger.error({ err, kind: claimed[0].kind, jobs: claimed.length }, 'after-commit effects of a batch failed'));
    return 'ran';
  }

  /**
   * Leases up to EFFECT_BATCH due effect jobs in one statement, runs their handlers concurrently
   * with no transaction open, then marks the ones that succeeded done (unless rescheduled
   * meanwhile: only a row still under this lease) and gives the others their retry time.
   */
  private async runEffects(kinds: string[]): Promise<'ran' | 'failed' | 'none'> {
    const jobs = await this.prisma.sql.query<DueJob & { leasedUntil: Date }>(
      `WITH picked AS (${CLAIM_SQL} LIMIT $2 FOR UPDATE SKIP LOCKED)
       UPDATE scheduled_jobs j SET due_at = clock_timestamp() + make_interval(secs => $3) FROM picked WHERE j.id = picked.id
       RETURNING picked.id, picked.kind, picked.key, picked."dueAt", picked.payload, picked.attempts, j.due_at AS "leasedUntil"`,
      [kinds, EFFECT_BATCH, EFFECT_LEASE_MS / 1000],
    );
    if (!jobs.length) return 'none';
    const outcomes = await Promise.allSettled(jobs.map((job) => this.effectHandlers.get(job.kind)!(job)));
    const done = jobs.filter((_, i) => outcomes[i].status === 'fulfilled');
    await this.prisma.sql.query(
      `UPDATE scheduled_jobs j SET done_at = clock_timestamp(), attempts = j.attempts + 1
         FROM unnest($1::uuid[], $2::timestamptz[]) AS d(id, leased_until) WHERE j.id = d.id AND j.due_at = d.leased_until AND j.done_at IS NULL`,
      [done.map((j) => j.id), done.map((j) => j.leasedUntil)],
    );
    for (const [i, outcome] of outcomes.entries()) {
      if (outcome.status === 'fulfilled') continue;
      const job = jobs[i];
      await this.prisma.client.scheduledJob.updateMany({ where: { id: job.id, dueAt: job.leasedUntil, doneAt: null }, data: this.retryOf(job, outcome.reason) });
    }
    return done.length === jobs.length ? 'ran' : 'failed';
  }

  private retryOf(job: DueJob, err: unknown): Prisma.ScheduledJobUpdateManyMutationInput {
    const delay = RETRY_DELAYS_MS[Math.min(job.attempts, RETRY_DELAYS_MS.length - 1)];
    this.logger.error({ err, kind: job.kind, key: job.key, attempt: job.attempts + 1 }, `job failed; retrying in ${delay} ms`);
    return { attempts: { increment: 1 }, lastError: String((err as Error)?.message ?? err).slice(0, 1000), dueAt: new Date(Date.now() + delay) };
  }

  /** Done jobs are kept DONE_KEPT_MS for inspection, then deleted (at most one purge an hour per instance). */
  private async purgeDone(): Promise<void> {
    if (Date.now() - this.lastPurge < PURGE_EVERY_MS) return;
    this.lastPurge = Date.now();
    await this.prisma.client.scheduledJob.deleteMany({ where: { doneAt: { lt: new Date(Date.now() - DONE_KEPT_MS) } } });
  }

  /** Polls now-ish, then again at the next due job or after SCHEDULER_POLL_MS, whichever is sooner. */
  private wake(at: Date): void {
    if (this.stopped) return;
    const delay = Math.max(0, at.getTime() - Date.now());
    if (delay > this.config.SCHEDULER_POLL_MS) return; // the regular poll comes first
    for (const lane of this.lanes) {
      clearTimeout(lane.timer);
      lane.timer = setTimeout(() => void this.tick(lane), delay);
    }
  }

  private async tick(lane: Lane): Promise<void> {
    if (this.stopped || lane.running) return;
    lane.running = this.drain(lane).catch((err) => {
      this.logger.error({ err, lane: lane.name }, 'scheduler poll failed');
      return 0;
    });
    await lane.running;
    if (lane.name === 'single') await this.purgeDone().catch((err) => this.logger.error({ err }, 'purging done jobs failed'));
    lane.running = undefined;
    if (this.stopped) return;
    const kinds = lane.kinds();
    const [next] = kinds.length
      ? await this.prisma.sql.query<{ dueAt: Date }>('SELECT due_at AS "dueAt" FROM scheduled_jobs WHERE done_at IS NULL AND kind = ANY($1) ORDER BY due_at LIMIT 1', [kinds]).catch(() => [])
      : [];
    const pollAt = Date.now() + this.config.SCHEDULER_POLL_MS;
    const at = Math.max(next && next.dueAt.getTime() < pollAt ? next.dueAt.getTime() : pollAt, Date.now() + lane.minGapMs);
    clearTimeout(lane.timer);
    lane.timer = setTimeout(() => void this.tick(lane), Math.max(0, at - Date.now()));
  }
}

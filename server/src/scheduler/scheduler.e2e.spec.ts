import { randomUUID } from 'node:crypto';
import { startTestApp, TestApp } from '../../test/test-app';
import { PrismaService } from '../infra/database/prisma.service';
import { SchedulerService } from './scheduler.service';

/**
 * Real timers against real PostgreSQL: several app instances on one database, as in production.
 * A handler's effect is an audit row written in the job's transaction, so "ran exactly once" is
 * counted in the database, whichever instance ran it.
 */
describe('SchedulerService (e2e, several instances)', () => {
  const apps: TestApp[] = [];
  const kind = `test.job.${randomUUID().slice(0, 8)}`;
  const failKind = `${kind}.fail`;
  let failuresLeft = 2;

  async function instance(): Promise<TestApp> {
    const t = await startTestApp({ SCHEDULER_POLL_MS: '100' });
    const scheduler = t.app.get(SchedulerService);
    scheduler.register(kind, async (job, tx) => {
      await tx.auditLog.create({ data: { action: kind, subjectType: 'job', subjectId: job.key } });
    });
    scheduler.register(failKind, async (job, tx) => {
      await tx.auditLog.create({ data: { action: failKind, subjectType: 'job', subjectId: job.key } });
      if (failuresLeft-- > 0) throw new Error('not yet');
    });
    apps.push(t);
    return t;
  }

  afterAll(async () => {
    for (const t of apps) await t.close().catch(() => undefined);
  });

  const ranCount = (t: TestApp, key?: string, action = kind) => t.prisma.auditLog.count({ where: { action, ...(key ? { subjectId: key } : {}) } });

  async function until(check: () => Promise<boolean>, ms = 10_000): Promise<void> {
    const end = Date.now() + ms;
    while (!(await check())) {
      if (Date.now() > end) throw new Error('timed out waiting');
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  it('runs each due job exactly once across two instances polling the same database', async () => {
    const [a, b] = [await instance(), await instance()];
    const keys = Array.from({ length: 60 }, (_, i) => `burst-${i}`);
    const due = new Date(Date.now() + 300);
    await Promise.all(keys.map((key, i) => (i % 2 ? a : b).app.get(SchedulerService).schedule(kind, key, due)));
    await until(async () => (await ranCount(a)) >= keys.length);
    await new Promise((r) => setTimeout(r, 400)); // time for any duplicate to show
    const perKey = await a.prisma.auditLog.groupBy({ by: ['subjectId'], where: { action: kind }, _count: true });
    expect(perKey).toHaveLength(keys.length);
    expect(perKey.every((k) => k._count === 1)).toBe(true);
    expect(await a.prisma.scheduledJob.count({ where: { kind, doneAt: null } })).toBe(0);
  });

  it('fires a job within a second of its due time', async () => {
    const t = apps[0];
    const dueAt = new Date(Date.now() + 1_000);
    await t.app.get(SchedulerService).schedule(kind, 'punctual', dueAt);
    await until(async () => (await ranCount(t, 'punctual')) === 1, 5_000);
    const job = await t.prisma.scheduledJob.findUniqueOrThrow({ where: { kind_key: { kind, key: 'punctual' } } });
    expect(job.doneAt!.getTime() - dueAt.getTime()).toBeGreaterThanOrEqual(0);
    expect(job.doneAt!.getTime() - dueAt.getTime()).toBeLessThan(1_000);
  });

  it('keeps a job across a restart: scheduled by one instance that stops, run by a new one', async () => {
    const first = await instance();
    await first.app.get(SchedulerService).schedule(kind, 'survivor', new Date(Date.now() + 1_500));
    await first.close();
    apps.splice(apps.indexOf(first), 1);
    // Stop the other instances too, so only the new one can run it.
    for (const t of apps.splice(0)) await t.close();
    const second = await instance();
    await until(async () => (await ranCount(second, 'survivor')) === 1);
  });

  it('runs a burst of due jobs SCHEDULER_CONCURRENCY at a time, each once', async () => {
    // An instance of its own with the poller off, so only runDue claims these jobs.
    const t = await startTestApp({ SCHEDULER_ENABLED: 'false', SCHEDULER_CONCURRENCY: '4' });
    apps.push(t);
    const scheduler = t.app.get(SchedulerService);
    const burstKind = `${kind}.burst`;
    let active = 0;
    let mostAtOnce = 0;
    scheduler.register(burstKind, async (job, tx) => {
      active += 1;
      mostAtOnce = Math.max(mostAtOnce, active);
      // Long enough for every worker to have claimed a job while this one still runs.
      await new Promise((r) => setTimeout(r, 300));
      await tx.auditLog.create({ data: { action: burstKind, subjectType: 'job', subjectId: job.key } });
      active -= 1;
    });
    for (let i = 0; i < 10; i++) await scheduler.schedule(burstKind, `burst-${i}`, new Date(Date.now() - 1000));
    expect(await scheduler.runDue()).toBe(10);
    expect(mostAtOnce).toBe(4);
    expect(await ranCount(t, undefined, burstKind)).toBe(10);
  });

  it('runs a batch kind many jobs per transaction, marks them done with it, and runs the after-commit effects', async () => {
    const t = await startTestApp({ SCHEDULER_ENABLED: 'false' });
    apps.push(t);
    const scheduler = t.app.get(SchedulerService);
    const batchKind = `${kind}.batch`;
    const batches: string[][] = [];
    const afterCommit: string[] = [];
    let failNext = true;
    scheduler.registerBatch(
      batchKind,
      async (jobs, tx) => {
        await tx.query(
          `INSERT INTO audit_logs (id, action, subject_type, subject_id) SELECT gen_random_uuid(), $1, 'job', key FROM unnest($2::text[]) AS key`,
          [batchKind, jobs.map((j) => j.key)],
        );
        // The first batch fails after its writes: they must vanish, and its jobs wait for their retry.
        if (failNext) {
          failNext = false;
          throw new Error('database hiccup');
        }
        batches.push(jobs.map((j) => j.key));
        return async () => void afterCommit.push(...jobs.map((j) => j.key));
      },
      4,
    );
    const keys = Array.from({ length: 10 }, (_, i) => `batch-${i}`);
    for (const key of keys) await scheduler.schedule(batchKind, key, new Date(Date.now() - 1000));

    // The failed batch: nothing written, its 4 jobs moved to their retry time, the other 6 run in batches of 4 and 2.
    await scheduler.runDue();
    const failed = await t.prisma.scheduledJob.findMany({ where: { kind: batchKind, lastError: { not: null } } });
    expect(failed).toHaveLength(4);
    expect(failed.every((j) => j.attempts === 1 && j.doneAt === null && j.lastError === 'database hiccup' && j.dueAt.getTime() > Date.now())).toBe(true);
    expect(batches.map((b) => b.length)).toEqual([4, 2]);
    expect(await ranCount(t, undefined, batchKind)).toBe(6);

    // Once due again they run, each job exactly once in all.
    await t.prisma.scheduledJob.updateMany({ where: { kind: batchKind, doneAt: null }, data: { dueAt: new Date(Date.now() - 1000) } });
    await scheduler.runDue();
    expect(batches.flat().sort()).toEqual([...keys].sort());
    expect(afterCommit.sort()).toEqual([...keys].sort());
    const perKey = await t.prisma.auditLog.groupBy({ by: ['subjectId'], where: { action: batchKind }, _count: true });
    expect(perKey.map((k) => k._count)).toEqual(keys.map(() => 1));
    // A batch is one transaction: its jobs share one done time.
    const done = await t.prisma.scheduledJob.findMany({ where: { kind: batchKind } });
    expect(done.every((j) => j.doneAt !== null)).toBe(true);
    const doneAt = new Map(done.map((j) => [j.key, j.doneAt!.getTime()]));
    for (const batch of batches) expect(new Set(batch.map((key) => doneAt.get(key))).size).toBe(1);
    expect(() => scheduler.register(batchKind, async () => undefined)).toThrow(/already registered/);
  });

  it('runs effect jobs outside any transaction, at least once: a failure is retried, each success marked done once', async () => {
    const t = await startTestApp({ SCHEDULER_ENABLED: 'false' });
    apps.push(t);
    const scheduler = t.app.get(SchedulerService);
    const effectKind = `${kind}.effect`;
    const runs: string[] = [];
    let failOnce = true;
    scheduler.registerEffect(effectKind, async (job) => {
      // No transaction is open: the job's own row is readable through the pool, and already leased (due later).
      const [row] = await t.app.get(PrismaService).sql.query<{ dueAt: Date; doneAt: Date | null }>('SELECT due_at AS "dueAt", done_at AS "doneAt" FROM scheduled_jobs WHERE id = $1', [job.id]);
      expect(row.doneAt).toBeNull();
      expect(row.dueAt.getTime()).toBeGreaterThan(Date.now() + 60_000);
      runs.push(job.key);
      if (job.key === 'flaky' && failOnce) {
        failOnce = false;
        throw new Error('push failed');
      }
    });
    for (const key of ['a', 'b', 'flaky']) await scheduler.schedule(effectKind, key, new Date(Date.now() - 1000));
    await scheduler.runDue();
    expect(runs.sort()).toEqual(['a', 'b', 'flaky']);
    const jobs = new Map((await t.prisma.scheduledJob.findMany({ where: { kind: effectKind } })).map((j) => [j.key, j]));
    expect(jobs.get('a')).toMatchObject({ attempts: 1, lastError: null });
    expect(jobs.get('a')!.doneAt).not.toBeNull();
    expect(jobs.get('flaky')).toMatchObject({ doneAt: null, attempts: 1, lastError: 'push failed' });
    expect(jobs.get('flaky')!.dueAt.getTime()).toBeLessThan(Date.now() + 60_000);

    // Its retry time comes: it runs again and is done; the others do not run again.
    await t.prisma.scheduledJob.updateMany({ where: { kind: effectKind, doneAt: null }, data: { dueAt: new Date(Date.now() - 1000) } });
    await scheduler.runDue();
    expect(runs.sort()).toEqual(['a', 'b', 'flaky', 'flaky']);
    expect(await t.prisma.scheduledJob.count({ where: { kind: effectKind, doneAt: null } })).toBe(0);

    // A job leased by an instance that died (due later, not done) runs again once the lease is over.
    await t.prisma.scheduledJob.create({ data: { kind: effectKind, key: 'orphan', dueAt: new Date(Date.now() + 300_000) } });
    await scheduler.runDue();
    expect(runs).not.toContain('orphan');
    await t.prisma.scheduledJob.updateMany({ where: { kind: effectKind, key: 'orphan' }, data: { dueAt: new Date(Date.now() - 1) } });
    await scheduler.runDue();
    expect(runs.filter((k) => k === 'orphan')).toHaveLength(1);
  });

  it('deletes jobs done more than a week ago, keeps recent ones', async () => {
    const t = apps[0];
    const old = `${kind}.old`;
    const now = Date.now();
    await t.prisma.scheduledJob.createMany({
      data: [
        { kind: old, key: 'week-old', dueAt: new Date(now - 8 * 86_400_000), doneAt: new Date(now - 8 * 86_400_000) },
        { kind: old, key: 'yesterday', dueAt: new Date(now - 86_400_000), doneAt: new Date(now - 86_400_000) },
      ],
    });
    // A new instance purges on its first poll.
    await instance();
    await until(async () => (await t.prisma.scheduledJob.count({ where: { kind: old, key: 'week-old' } })) === 0);
    expect(await t.prisma.scheduledJob.count({ where: { kind: old, key: 'yesterday' } })).toBe(1);
  });

  it('moves a rescheduled job and drops a cancelled one', async () => {
    const t = apps[0];
    const scheduler = t.app.get(SchedulerService);
    await scheduler.schedule(kind, 'moved', new Date(Date.now() + 60_000));
    await scheduler.schedule(kind, 'moved', new Date(Date.now() + 200));
    await scheduler.schedule(kind, 'cancelled', new Date(Date.now() + 300));
    expect(await scheduler.cancel(kind, 'cancelled')).toBe(true);
    await until(async () => (await ranCount(t, 'moved')) === 1);
    await new Promise((r) => setTimeout(r, 500));
    expect(await ranCount(t, 'cancelled')).toBe(0);
    expect(await scheduler.cancel(kind, 'moved')).toBe(false); // already ran
  });

  it('rolls back a failing run (its writes vanish) and retries it later until it succeeds', async () => {
    const t = apps[0];
    await t.app.get(SchedulerService).schedule(failKind, 'flaky', new Date());
    await until(async () => (await t.prisma.scheduledJob.findUniqueOrThrow({ where: { kind_key: { kind: failKind, key: 'flaky' } } })).doneAt !== null, 15_000);
    const job = await t.prisma.scheduledJob.findUniqueOrThrow({ where: { kind_key: { kind: failKind, key: 'flaky' } } });
    expect(job.attempts).toBe(3);
    expect(job.lastError).toBe('not yet');
    // Two failed runs left nothing behind; only the successful one's write remains.
    expect(await ranCount(t, 'flaky', failKind)).toBe(1);
  }, 30_000);
});

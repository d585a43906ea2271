import { randomUUID } from 'node:crypto';
import { startTestApp, TestApp } from '../../test/test-app';
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

import { ledgerCheck, waitFor } from '../../test/orders';
import { activeSession, sessionRow, shiftSession, waitForSession } from '../../test/sessions';
import { startTestApp, TestApp } from '../../test/test-app';
import { startTestSimulator, TestSimulator } from '../../test/wechat';

const endedEvents = (t: TestApp, sessionId: string) => t.prisma.sessionEvent.count({ where: { sessionId, kind: 'status:ENDED' } });

/** The paid end is a row in PostgreSQL: it survives a restart and runs on exactly one instance. */
describe('session end across restarts and instances (e2e)', () => {
  let wx: TestSimulator;
  const apps: TestApp[] = [];

  beforeAll(async () => {
    wx = await startTestSimulator();
  });
  afterAll(async () => {
    for (const app of apps) await app.close().catch(() => undefined);
    await wx?.close();
  });

  it('ends the session once on a new instance when the server was down at the end time', async () => {
    const first = await startTestApp(wx.env);
    apps.push(first);
    const s = await activeSession(first, wx, { units: 1 });
    // The paid end 1.5 s from now; the server goes away before it.
    await shiftSession(first, s.sessionId, 898.5);
    await first.close();
    apps.pop();
    await new Promise((r) => setTimeout(r, 2_000));

    const second = await startTestApp(wx.env);
    apps.push(second);
    const after = await waitForSession(second, s.sessionId, 'ENDED', 10_000);
    expect(after).toMatchObject({ endReason: 'TIME_UP', usedSeconds: 900, chargedFen: 2000 });
    // Ended late (the server was down), but billed for the paid time only.
    expect(after.endedAt!.getTime()).toBeGreaterThan(after.endsAt!.getTime());
    expect(await endedEvents(second, s.sessionId)).toBe(1);
    expect((await second.prisma.order.findUniqueOrThrow({ where: { id: s.orderId } })).status).toBe('COMPLETED');
    await second.close();
    apps.pop();
  }, 60_000);

  it('ends each session exactly once with two instances polling the same timers', async () => {
    const a = await startTestApp(wx.env);
    const b = await startTestApp(wx.env);
    apps.push(a, b);
    const sessions = [];
    for (let i = 0; i < 8; i++) sessions.push(await activeSession(i % 2 ? a : b, wx, { units: 1 }));
    // All due at the same moment, a second from now.
    const dueAt = Date.now() + 1_000;
    for (const s of sessions) await shiftSession(a, s.sessionId, ((await sessionRow(a, s.sessionId)).endsAt!.getTime() - dueAt) / 1000);
    for (const s of sessions) await waitForSession(a, s.sessionId, 'ENDED', 10_000);
    for (const s of sessions) {
      expect(await endedEvents(a, s.sessionId)).toBe(1);
      const row = await sessionRow(a, s.sessionId);
      expect(row).toMatchObject({ endReason: 'TIME_UP', chargedFen: 2000 });
      // Within a second of the paid end (the timers poll at least every 500 ms).
      expect(row.endedAt!.getTime() - row.endsAt!.getTime()).toBeLessThan(1_000);
    }
    const done = await a.prisma.scheduledJob.findMany({ where: { kind: 'session.end', key: { in: sessions.map((s) => s.sessionId) } } });
    expect(done.every((j) => j.doneAt && j.attempts === 1)).toBe(true);
    await waitFor(() => ledgerCheck(a), (c) => c.ok, 5_000, 'ledger');
  }, 90_000);
});

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SchedulerService } from '../src/scheduler/scheduler.service';
import { post, waitFor, waitForStatus } from './orders';
import { activeSession, shiftSession } from './sessions';
import { startTestApp, TestApp } from './test-app';
import { startTestSimulator, TestSimulator } from './wechat';

/**
 * `pnpm dev`'s defaults: the embedded database (PGlite: one connection, so a read through the
 * pool while a transaction is held would wait for it forever) and the in-process Redis stand-in.
 * A whole paid session, from checkout to the end's follow-up jobs, with the app answering after.
 */
describe('the app on embedded defaults (PGlite, no Redis)', () => {
  let wx: TestSimulator;
  let t: TestApp;
  let dir: string;

  beforeAll(async () => {
    wx = await startTestSimulator();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'qingting-embedded-'));
    t = await startTestApp({ ...wx.env, DATABASE_URL: '', PGLITE_DIR: dir, REDIS_URL: '', MIGRATE_ON_START: 'true', SCHEDULER_POLL_MS: '100' });
  }, 60_000);
  afterAll(async () => {
    await t?.close();
    await wx?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('pays, accepts, runs and ends a session, and every follow-up job completes', async () => {
    expect(t.config.embeddedDatabase).toBe(true);
    const s = await activeSession(t, wx);
    await shiftSession(t, s.sessionId, 900);
    // The payment's follow-up, the end, its settlement and its after-end effects: each done (the poller or runDue, whichever comes first).
    const followUps = async () => {
      await t.app.get(SchedulerService).runDue();
      return t.prisma.scheduledJob.count({ where: { kind: { in: ['order.paid', 'session.end', 'session.settle', 'session.ended'] }, doneAt: { not: null } } });
    };
    await waitFor(followUps, (done) => done === 4, 10_000, 'the follow-up jobs done');
    expect(await t.prisma.order.findUniqueOrThrow({ where: { id: s.orderId } })).toMatchObject({ status: 'COMPLETED' });
    // Still answering: nothing holds the one connection.
    const view = await t.request(`/api/sessions/${s.sessionId}`, { headers: s.talker.headers, signal: AbortSignal.timeout(5_000) });
    expect(view.body).toMatchObject({ status: 'ENDED', endReason: 'TIME_UP' });
  }, 60_000);

  it('ends a session early and refunds the unused part through WeChat Pay', async () => {
    const s = await activeSession(t, wx, { units: 2 });
    await shiftSession(t, s.sessionId, 300);
    const res = await post(t, `/api/sessions/${s.sessionId}/end`, s.talker.headers);
    expect(res.body).toMatchObject({ status: 'ENDED', endReason: 'TALKER_ENDED', chargedFen: 2000 });
    expect((await waitForStatus(t, s.orderId, 'PARTIALLY_REFUNDED')).refundedFen).toBe(2000);
    expect((await t.request('/health/ready', { signal: AbortSignal.timeout(5_000) })).status).toBe(200);
  }, 60_000);
});

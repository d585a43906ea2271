import type { OrderStatus } from '@qingting/prisma';
import { loginAs } from '../../test/auth';
import { createOrder, fireTimer, ledgerCheck, listenerWithSession, payOrder, post, waitFor, waitForStatus } from '../../test/orders';
import { startTestApp, TestApp } from '../../test/test-app';
import { craftNotification, startTestSimulator, TestSimulator } from '../../test/wechat';
import { SessionService } from '../identity/session.service';
import { ACCOUNTS } from '../ledger/ledger.rules';
import { moveOrder } from '../orders/order-state';
import { SchedulerService } from '../scheduler/scheduler.service';
import { EARNINGS_RELEASE_JOB, EarningsService } from './earnings.service';
import { PAYOUT_CHECK_JOB, PAYOUT_SUBMIT_JOB } from './payouts.service';

type Headers = Record<string, string>;

/** A 2-unit order at 20 CNY: 4000 paid, 1200 commission, 2800 for the listener. */
const LISTENER_SHARE = 2800;
const DAILY_LIMIT = 5000;

describe('settlement: earnings and payouts (e2e: app + simulator + PostgreSQL)', () => {
  let wx: TestSimulator;
  let t: TestApp;

  beforeAll(async () => {
    // Refunds stay PROCESSING until a test completes them, so "being refunded" can be observed.
    wx = await startTestSimulator({ refundAutoCompleteMs: null });
    t = await startTestApp({ ...wx.env, PAYOUT_DAILY_LIMIT_FEN: String(DAILY_LIMIT) });
  });
  afterAll(async () => {
    await t?.close();
    await wx?.close();
  });

  // --- fixtures: the real order flow, then the state the sessions module would leave ---

  type Listener = Awaited<ReturnType<typeof listenerWithSession>>;

  function move(orderId: string, from: OrderStatus, to: OrderStatus) {
    return t.prisma.$transaction((tx) => moveOrder(tx, orderId, from, to, { actorId: null, reason: `test: ${from} → ${to}` }));
  }

  /** A talker pays a 2-unit order and the listener accepts; the session then "ends" (→ COMPLETED). */
  async function completedOrder(listener?: Listener) {
    const talker = await loginAs(t);
    const l = listener ?? (await listenerWithSession(t));
    const { body } = await createOrder(t, talker.headers, { listenerId: l.user.id, serviceType: 'TEXT', units: 2 });
    await payOrder(t, wx, talker.headers, body.id);
    const accepted = await post(t, `/api/orders/${body.id}/accept`, l.headers);
    if (accepted.status !== 200) throw new Error(`accept: ${accepted.status} ${JSON.stringify(accepted.body)}`);
    await move(body.id, 'ACCEPTED', 'COMPLETED');
    return { talker, listener: l, orderId: body.id as string };
  }

  /** What the sessions module does when a session ends: hold the earnings for the dispute window. */
  function hold(orderId: string, listenerId: string, releaseAt = new Date(Date.now() + t.config.DISPUTE_WINDOW_HOURS * 3600_000)) {
    return t.prisma.$transaction((tx) => t.app.get(EarningsService).holdUntil(orderId, listenerId, releaseAt, tx));
  }

  /** A completed, held order whose window is over and released: the listener has 2800 withdrawable. */
  async function releasedOrder(listener?: Listener) {
    const o = await completedOrder(listener);
    await hold(o.orderId, o.listener.user.id);
    await fireTimer(t, EARNINGS_RELEASE_JOB, o.orderId);
    await waitFor(() => t.prisma.earningHold.findUniqueOrThrow({ where: { orderId: o.orderId } }), (h) => h.releasedAt !== null, 10_000, 'release');
    return o;
  }

  const earnings = (headers: Headers) => t.request('/api/earnings', { headers }).then((r) => r.body);

  async function refund(orderId: string, amountFen: number) {
    const finance = await loginAs(t, ['FINANCE']);
    const res = await post(t, `/api/ops/orders/${orderId}/refund`, finance.headers, { amountFen, reason: '测试退款' });
    if (res.status !== 200) throw new Error(`refund: ${res.status} ${JSON.stringify(res.body)}`);
    await waitForStatus(t, orderId, 'REFUNDING');
  }

  /** Completes the order's refunds at the simulator (which notifies the app) and waits for the order to settle. */
  async function completeRefunds(orderId: string, status: OrderStatus) {
    const refunds = await waitFor(() => t.prisma.refund.findMany({ where: { orderId, status: 'PROCESSING' } }), (r) => r.length > 0, 10_000, 'refund submitted');
    for (const r of refunds) await wx.control(`/__sim/refunds/${r.outRefundNo}/complete`);
    return waitForStatus(t, orderId, status);
  }

  async function expectBalanced() {
    const check = await ledgerCheck(t);
    expect(check).toMatchObject({ ok: true, unbalanced: [], mismatches: [] });
  }

  describe('earnings', () => {
    it('holds a completed order\'s earnings for the dispute window, then releases them to withdrawable exactly once', async () => {
      const { orderId, listener } = await completedOrder();
      expect(await earnings(listener.headers)).toEqual({ heldFen: LISTENER_SHARE, withdrawableFen: 0, pendingPayoutFen: 0, paidOutFen: 0, lifetimeFen: LISTENER_SHARE, payoutMinFen: 1000, payoutDailyLimitFen: DAILY_LIMIT });

      const releaseAt = new Date(Date.now() + t.config.DISPUTE_WINDOW_HOURS * 3600_000);
      expect(await hold(orderId, listener.user.id, releaseAt)).toBe(true);
      const job = await t.prisma.scheduledJob.findUniqueOrThrow({ where: { kind_key: { kind: EARNINGS_RELEASE_JOB, key: orderId } } });
      expect(job.dueAt.getTime()).toBe(releaseAt.getTime());
      expect(await t.prisma.earningHold.findUniqueOrThrow({ where: { orderId } })).toMatchObject({ listenerId: listener.user.id, releaseAt, releasedFen: null, releasedAt: null });

      // Before the window is over nothing moves.
      await t.app.get(SchedulerService).runDue();
      expect((await earnings(listener.headers)).withdrawableFen).toBe(0);

      await fireTimer(t, EARNINGS_RELEASE_JOB, orderId);
      expect(await earnings(listener.headers)).toMatchObject({ heldFen: 0, withdrawableFen: LISTENER_SHARE, pendingPayoutFen: 0, paidOutFen: 0, lifetimeFen: LISTENER_SHARE });
      const released = await t.prisma.earningHold.findUniqueOrThrow({ where: { orderId } });
      expect(released.releasedFen).toBe(LISTENER_SHARE);
      expect(released.releasedAt).not.toBeNull();
      // The window is over: the order is SETTLED, with the reason in its history.
      expect((await t.prisma.order.findUniqueOrThrow({ where: { id: orderId } })).status).toBe('SETTLED');
      expect((await t.prisma.orderTransition.findFirstOrThrow({ where: { orderId, to: 'SETTLED' } })).reason).toBe('争议期结束，倾听者收益已结算');

      // Holding again (a late call) or firing again changes nothing.
      expect(await hold(orderId, listener.user.id)).toBe(false);
      await fireTimer(t, EARNINGS_RELEASE_JOB, orderId);
      expect((await earnings(listener.headers)).withdrawableFen).toBe(LISTENER_SHARE);
      const postings = await t.prisma.ledgerTransaction.findMany({ where: { orderId, kind: 'RELEASE' }, include: { entries: true } });
      expect(postings).toHaveLength(1);
      expect(postings[0].entries.map((e) => [e.account, e.amountFen]).sort()).toEqual([
        [ACCOUNTS.available(listener.user.id), -LISTENER_SHARE],
        [ACCOUNTS.held(listener.user.id), LISTENER_SHARE],
      ]);
      await expectBalanced();
    });

    it('moves a hold that is not released yet, and refuses one for another listener\'s order', async () => {
      const { orderId, listener } = await completedOrder();
      await hold(orderId, listener.user.id, new Date(Date.now() + 3600_000));
      const later = new Date(Date.now() + 7200_000);
      await hold(orderId, listener.user.id, later);
      expect((await t.prisma.earningHold.findUniqueOrThrow({ where: { orderId } })).releaseAt).toEqual(later);
      expect((await t.prisma.scheduledJob.findUniqueOrThrow({ where: { kind_key: { kind: EARNINGS_RELEASE_JOB, key: orderId } } })).dueAt).toEqual(later);
      const stranger = await listenerWithSession(t);
      await expect(hold(orderId, stranger.user.id)).rejects.toThrow(/another listener/);
    });

    it('postpones the release while the order is disputed, and releases once the dispute is over', async () => {
      const { orderId, listener } = await completedOrder();
      await hold(orderId, listener.user.id);
      await move(orderId, 'COMPLETED', 'DISPUTED');

      await fireTimer(t, EARNINGS_RELEASE_JOB, orderId);
      expect(await earnings(listener.headers)).toMatchObject({ heldFen: LISTENER_SHARE, withdrawableFen: 0 });
      const postponed = await t.prisma.scheduledJob.findUniqueOrThrow({ where: { kind_key: { kind: EARNINGS_RELEASE_JOB, key: orderId } } });
      expect(postponed.doneAt).toBeNull();
      expect(postponed.dueAt.getTime()).toBeGreaterThan(Date.now() + 3500_000);
      expect((await t.prisma.earningHold.findUniqueOrThrow({ where: { orderId } })).releaseAt).toEqual(postponed.dueAt);

      // Still disputed an hour later: postponed again.
      await fireTimer(t, EARNINGS_RELEASE_JOB, orderId);
      const again = await t.prisma.scheduledJob.findUniqueOrThrow({ where: { kind_key: { kind: EARNINGS_RELEASE_JOB, key: orderId } } });
      expect(again.doneAt).toBeNull();
      expect((await earnings(listener.headers)).withdrawableFen).toBe(0);

      // Decided without a refund: the next look releases everything.
      await move(orderId, 'DISPUTED', 'COMPLETED');
      await fireTimer(t, EARNINGS_RELEASE_JOB, orderId);
      expect(await earnings(listener.headers)).toMatchObject({ heldFen: 0, withdrawableFen: LISTENER_SHARE });
      await expectBalanced();
    });

    it('releases only what a partial refund before the release left (and waits while the refund is in flight)', async () => {
      const { orderId, listener } = await completedOrder();
      await hold(orderId, listener.user.id);
      await refund(orderId, 1000);

      await fireTimer(t, EARNINGS_RELEASE_JOB, orderId);
      expect((await t.prisma.earningHold.findUniqueOrThrow({ where: { orderId } })).releasedAt).toBeNull();

      await completeRefunds(orderId, 'PARTIALLY_REFUNDED');
      // 1000 refunded: 300 of it was commission, 700 comes out of the hold.
      expect(await earnings(listener.headers)).toMatchObject({ heldFen: LISTENER_SHARE - 700, withdrawableFen: 0, lifetimeFen: LISTENER_SHARE - 700 });

      await fireTimer(t, EARNINGS_RELEASE_JOB, orderId);
      expect(await earnings(listener.headers)).toMatchObject({ heldFen: 0, withdrawableFen: LISTENER_SHARE - 700 });
      expect((await t.prisma.earningHold.findUniqueOrThrow({ where: { orderId } })).releasedFen).toBe(LISTENER_SHARE - 700);
      await expectBalanced();
    });

    it('releases nothing for an order refunded in full before the window ended', async () => {
      const { orderId, listener } = await completedOrder();
      await hold(orderId, listener.user.id);
      await refund(orderId, 4000);
      await completeRefunds(orderId, 'REFUNDED');
      await fireTimer(t, EARNINGS_RELEASE_JOB, orderId);
      expect(await t.prisma.earningHold.findUniqueOrThrow({ where: { orderId } })).toMatchObject({ releasedFen: 0, releasedAt: expect.any(Date) });
      expect(await earnings(listener.headers)).toMatchObject({ heldFen: 0, withdrawableFen: 0, pendingPayoutFen: 0, paidOutFen: 0, lifetimeFen: 0 });
      expect(await t.prisma.ledgerTransaction.count({ where: { orderId, kind: 'RELEASE' } })).toBe(0);
      await expectBalanced();
    });

    it('claws a refund after the release back from withdrawable', async () => {
      const { orderId, listener } = await releasedOrder();
      expect((await t.prisma.order.findUniqueOrThrow({ where: { id: orderId } })).status).toBe('SETTLED');
      await refund(orderId, 2000);
      await completeRefunds(orderId, 'PARTIALLY_REFUNDED');
      expect(await earnings(listener.headers)).toMatchObject({ heldFen: 0, withdrawableFen: LISTENER_SHARE - 1400, lifetimeFen: LISTENER_SHARE - 1400 });
      const clawback = await t.prisma.ledgerEntry.findMany({ where: { transaction: { orderId, kind: 'REFUND' } } });
      expect(clawback.map((e) => [e.account, e.amountFen]).sort()).toEqual([
        [ACCOUNTS.clearing, -2000],
        [ACCOUNTS.available(listener.user.id), 1400],
        [ACCOUNTS.commission, 600],
      ].sort());
      await refund(orderId, 2000);
      await completeRefunds(orderId, 'REFUNDED');
      expect(await earnings(listener.headers)).toMatchObject({ heldFen: 0, withdrawableFen: 0, lifetimeFen: 0 });
      await expectBalanced();
    });

    it('pages the history of movements, with orders but no talker identity; listeners only', async () => {
      const { orderId, listener, talker } = await releasedOrder();
      const first = await t.request('/api/earnings/history?limit=1', { headers: listener.headers });
      expect(first.status).toBe(200);
      expect(first.body.items).toEqual([expect.objectContaining({ kind: 'RELEASE', order: { id: orderId, kind: 'SESSION' }, payoutId: null, heldFen: -LISTENER_SHARE, withdrawableFen: LISTENER_SHARE, pendingPayoutFen: 0 })]);
      const second = await t.request(`/api/earnings/history?limit=1&cursor=${first.body.nextCursor}`, { headers: listener.headers });
      expect(second.body).toEqual({ items: [expect.objectContaining({ kind: 'EARNING', heldFen: LISTENER_SHARE, withdrawableFen: 0 })], nextCursor: null });
      const text = JSON.stringify([first.body, second.body]);
      expect(text).not.toContain(talker.user.id);
      expect(text).not.toContain(talker.user.alias);
      expect(text).not.toMatch(/openid/);

      expect((await t.request('/api/earnings', { headers: talker.headers })).status).toBe(403);
      expect((await t.request('/api/earnings/history?cursor=!!', { headers: listener.headers })).body.code).toBe('request/invalid');
    });
  });

  describe('payouts', () => {
    const requestPayout = (headers: Headers, amountFen: unknown, app: TestApp = t) => post(app, '/api/payouts', headers, { amountFen });
    const payoutRow = (id: string) => t.prisma.payout.findUniqueOrThrow({ where: { id } });
    const waitForPayout = (id: string, status: string) => waitFor(() => payoutRow(id), (p) => p.status === status, 15_000, `payout ${id} → ${status}`);

    it('pays out: reserves the amount, the listener confirms at WeChat, the notification completes it', async () => {
      const { listener } = await releasedOrder();
      const res = await requestPayout(listener.headers, 1000);
      expect(res.status).toBe(201);
      const p = await payoutRow(res.body.id);
      expect(res.body).toMatchObject({
        amountFen: 1000,
        status: 'WAIT_USER_CONFIRM',
        confirm: { mchId: wx.sim.keys.mchid, appId: wx.sim.keys.appid, package: p.packageInfo, simulatorUrl: `${wx.sim.url}/__sim/transfers/${p.outBillNo}` },
      });
      expect(p.transferBillNo).toEqual(expect.any(String));
      expect(await earnings(listener.headers)).toMatchObject({ withdrawableFen: LISTENER_SHARE - 1000, pendingPayoutFen: 1000, paidOutFen: 0 });

      // What WeChat was asked: the listener's openid, scene 1005 with its report, the amount.
      const transfer = wx.sim.store.state.transfers[p.outBillNo];
      expect(transfer).toMatchObject({ openid: listener.user.openid, transfer_amount: 1000, transfer_scene_id: '1005', state: 'WAIT_USER_CONFIRM' });

      await wx.control(`/__sim/transfers/${p.outBillNo}/confirm`);
      const done = await waitForPayout(p.id, 'SUCCESS');
      expect(done.finishedAt).not.toBeNull();
      expect(await earnings(listener.headers)).toMatchObject({ heldFen: 0, withdrawableFen: LISTENER_SHARE - 1000, pendingPayoutFen: 0, paidOutFen: 1000, lifetimeFen: LISTENER_SHARE });
      const mine = await t.request(`/api/payouts/${p.id}`, { headers: listener.headers });
      expect(mine.body).toMatchObject({ status: 'SUCCESS', confirm: null });
      const history = await t.request('/api/earnings/history?limit=2', { headers: listener.headers });
      expect(history.body.items.map((i: { kind: string; payoutId: string }) => [i.kind, i.payoutId])).toEqual([['PAYOUT_PAID', p.id], ['PAYOUT', p.id]]);
      await expectBalanced();
    });

    it.each([
      ['rejects', 'reject', 'CANCELLED'],
      ['fails', 'fail', 'FAILED'],
    ])('returns the money to withdrawable when WeChat %s the transfer', async (_what, outcome, status) => {
      const { listener } = await releasedOrder();
      const res = await requestPayout(listener.headers, 1500);
      const p = await payoutRow(res.body.id);
      await wx.control(`/__sim/transfers/${p.outBillNo}/${outcome}`);
      const done = await waitForPayout(p.id, status);
      expect(done.failReason).toEqual(expect.any(String));
      expect(await earnings(listener.headers)).toMatchObject({ withdrawableFen: LISTENER_SHARE, pendingPayoutFen: 0, paidOutFen: 0 });
      expect(await t.prisma.auditLog.count({ where: { subjectType: 'payout', subjectId: p.id, action: `payout.${status.toLowerCase()}` } })).toBe(1);
      // The money is back: the listener may withdraw again at once.
      expect((await requestPayout(listener.headers, LISTENER_SHARE)).status).toBe(201);
      await expectBalanced();
    });

    it('refuses below the minimum, above the balance and bad amounts, changing nothing', async () => {
      const { listener } = await releasedOrder();
      const below = await requestPayout(listener.headers, t.config.PAYOUT_MIN_FEN - 1);
      expect([below.status, below.body.code]).toEqual([400, 'payout/below_minimum']);
      expect(below.body.message).toContain('10.00');
      const above = await requestPayout(listener.headers, LISTENER_SHARE + 1);
      expect([above.status, above.body.code]).toEqual([400, 'payout/insufficient_balance']);
      expect(above.body.message).toContain('28.00');
      for (const bad of ['1000', 10.5, null, -5]) expect((await requestPayout(listener.headers, bad)).body.code).toBe('request/invalid');
      expect(await t.prisma.payout.count({ where: { listenerId: listener.user.id } })).toBe(0);
      expect(await earnings(listener.headers)).toMatchObject({ withdrawableFen: LISTENER_SHARE, pendingPayoutFen: 0 });
      // A talker cannot withdraw; a listener cannot see another's payout.
      const talker = await loginAs(t);
      expect((await requestPayout(talker.headers, 1000)).status).toBe(403);
    });

    it('refuses above the daily limit (China day), counting succeeded and open payouts but not failed ones', async () => {
      const l = await listenerWithSession(t);
      await releasedOrder(l);
      await releasedOrder(l); // 5600 withdrawable; the limit is 5000
      const first = await requestPayout(l.headers, 2000);
      await wx.control(`/__sim/transfers/${(await payoutRow(first.body.id)).outBillNo}/confirm`);
      await waitForPayout(first.body.id, 'SUCCESS');
      const rejected = await requestPayout(l.headers, 3000);
      await wx.control(`/__sim/transfers/${(await payoutRow(rejected.body.id)).outBillNo}/reject`);
      await waitForPayout(rejected.body.id, 'CANCELLED');

      const over = await requestPayout(l.headers, 3001);
      expect([over.status, over.body.code]).toEqual([400, 'payout/daily_limit']);
      expect(over.body.message).toContain('30.00');
      expect((await requestPayout(l.headers, 3000)).status).toBe(201);
      await expectBalanced();
    });

    it('lets only one of several concurrent withdrawals through, and none while one is open', async () => {
      const { listener } = await releasedOrder();
      const results = await Promise.all(Array.from({ length: 5 }, () => requestPayout(listener.headers, 1500)));
      expect(results.map((r) => r.status).sort()).toEqual([201, 409, 409, 409, 409]);
      expect(results.filter((r) => r.status === 409).every((r) => r.body.code === 'payout/in_progress')).toBe(true);
      expect(await t.prisma.payout.count({ where: { listenerId: listener.user.id } })).toBe(1);
      expect(await earnings(listener.headers)).toMatchObject({ withdrawableFen: LISTENER_SHARE - 1500, pendingPayoutFen: 1500 });
      await expectBalanced();
    });

    it('applies duplicate notifications, and a notification racing a sync, exactly once', async () => {
      const { listener } = await releasedOrder();
      const res = await requestPayout(listener.headers, 1000);
      const p = await payoutRow(res.body.id);
      // The listener confirms and the app syncs at the same time as the notification arrives.
      await wx.control(`/__sim/transfers/${p.outBillNo}/confirm`);
      const syncs = await Promise.all(Array.from({ length: 3 }, () => post(t, `/api/payouts/${p.id}/sync`, listener.headers)));
      expect(syncs.every((s) => s.status === 200 && s.body.status === 'SUCCESS')).toBe(true);
      await waitForPayout(p.id, 'SUCCESS');
      // The same outcome delivered again under new notification ids, concurrently.
      const done = await payoutRow(p.id);
      const resource = { out_bill_no: p.outBillNo, transfer_bill_no: done.transferBillNo, state: 'SUCCESS', mch_id: wx.sim.keys.mchid, transfer_amount: 1000, openid: listener.user.openid, create_time: '2026-01-01T10:00:00+08:00', update_time: '2026-01-01T10:01:00+08:00' };
      const answers = await Promise.all(
        Array.from({ length: 4 }, () => {
          const n = craftNotification(wx.sim.keys, { eventType: 'MCHTRANSFER.BILL.FINISHED', resource });
          return t.request('/api/wechat/notify/transfer', { method: 'POST', headers: n.headers, body: n.body });
        }),
      );
      expect(answers.map((a) => a.status)).toEqual([204, 204, 204, 204]);
      expect(await t.prisma.ledgerTransaction.count({ where: { idempotencyKey: { startsWith: `payout:${p.id}:` } } })).toBe(2); // reserve + paid
      expect(await earnings(listener.headers)).toMatchObject({ pendingPayoutFen: 0, paidOutFen: 1000, withdrawableFen: LISTENER_SHARE - 1000 });
      await expectBalanced();
    });

    it('records a notification for an unknown bill with an alert and changes nothing', async () => {
      const before = await t.prisma.payout.findMany({ orderBy: { id: 'asc' } });
      const n = craftNotification(wx.sim.keys, {
        eventType: 'MCHTRANSFER.BILL.FINISHED',
        resource: { out_bill_no: 'UNKNOWNBILL0001', transfer_bill_no: '1330000000000000000000000000001', state: 'SUCCESS', mch_id: wx.sim.keys.mchid, transfer_amount: 1000, openid: 'someone', create_time: '2026-01-01T10:00:00+08:00', update_time: '2026-01-01T10:01:00+08:00' },
      });
      const res = await t.request('/api/wechat/notify/transfer', { method: 'POST', headers: n.headers, body: n.body });
      expect(res.status).toBe(204);
      expect(await t.prisma.auditLog.count({ where: { action: 'payout.transfer_unknown', subjectId: 'UNKNOWNBILL0001' } })).toBe(1);
      expect(await t.prisma.payout.findMany({ orderBy: { id: 'asc' } })).toEqual(before);
      await expectBalanced();
    });

    it('refuses a withdrawal while a clawback left the balance negative', async () => {
      const { listener, orderId } = await releasedOrder();
      const res = await requestPayout(listener.headers, LISTENER_SHARE);
      await wx.control(`/__sim/transfers/${(await payoutRow(res.body.id)).outBillNo}/confirm`);
      await waitForPayout(res.body.id, 'SUCCESS');
      await refund(orderId, 4000);
      await completeRefunds(orderId, 'REFUNDED');
      expect(await earnings(listener.headers)).toMatchObject({ withdrawableFen: -LISTENER_SHARE, paidOutFen: LISTENER_SHARE, lifetimeFen: 0 });
      const refused = await requestPayout(listener.headers, 1000);
      expect([refused.status, refused.body.code]).toEqual([400, 'payout/insufficient_balance']);
      expect(refused.body.message).toContain('扣回');
      // New earnings first pay back what is owed.
      await releasedOrder(listener);
      expect((await earnings(listener.headers)).withdrawableFen).toBe(0);
      await expectBalanced();
    });

    it('shows finance every payout by status or listener, and one with its ledger lines; no one else', async () => {
      const { listener } = await releasedOrder();
      const res = await requestPayout(listener.headers, 1200);
      await wx.control(`/__sim/transfers/${(await payoutRow(res.body.id)).outBillNo}/confirm`);
      await waitForPayout(res.body.id, 'SUCCESS');
      const finance = await loginAs(t, ['FINANCE']);
      const list = await t.request(`/api/ops/payouts?status=SUCCESS&listenerId=${listener.user.id}`, { headers: finance.headers });
      expect(list.status).toBe(200);
      expect(list.body.items).toEqual([expect.objectContaining({ id: res.body.id, amountFen: 1200, status: 'SUCCESS', listener: expect.objectContaining({ id: listener.user.id, alias: listener.user.alias }) })]);
      expect((await t.request(`/api/ops/payouts?status=FAILED&listenerId=${listener.user.id}`, { headers: finance.headers })).body.items).toEqual([]);
      const detail = await t.request(`/api/ops/payouts/${res.body.id}`, { headers: finance.headers });
      expect(detail.body.ledger.map((e: { kind: string; account: string; amountFen: number }) => [e.kind, e.account, e.amountFen])).toEqual([
        ['PAYOUT', ACCOUNTS.available(listener.user.id), 1200],
        ['PAYOUT', ACCOUNTS.payoutPending(listener.user.id), -1200],
        ['PAYOUT_PAID', ACCOUNTS.payoutPending(listener.user.id), 1200],
        ['PAYOUT_PAID', ACCOUNTS.clearing, -1200],
      ]);
      expect(JSON.stringify([list.body, detail.body])).not.toContain(listener.user.openid);
      expect((await t.request('/api/ops/payouts?status=NOPE', { headers: finance.headers })).body.code).toBe('request/invalid');
      expect((await t.request('/api/ops/payouts/00000000-0000-4000-8000-000000000000', { headers: finance.headers })).body.code).toBe('payout/not_found');
      const agent = await loginAs(t, ['AGENT']);
      expect((await t.request('/api/ops/payouts', { headers: agent.headers })).status).toBe(403);
      const other = await listenerWithSession(t);
      expect((await t.request(`/api/payouts/${res.body.id}`, { headers: other.headers })).body.code).toBe('payout/not_found');
    });

    describe('when the notification or WeChat itself does not answer', () => {
      /**
       * More instances on the same database, running no timers: one whose notify URL goes nowhere,
       * one whose WeChat Pay is down, one whose transfers WeChat refuses (a scene id it rejects).
       */
      let silent: TestApp;
      let cutOff: TestApp;
      let refused: TestApp;
      beforeAll(async () => {
        const env = { ...wx.env, PAYOUT_DAILY_LIMIT_FEN: String(DAILY_LIMIT), SCHEDULER_ENABLED: 'false' };
        silent = await startTestApp({ ...env, WECHAT_NOTIFY_BASE_URL: 'http://127.0.0.1:9' });
        cutOff = await startTestApp({ ...env, WECHAT_PAY_API_BASE: 'http://127.0.0.1:9' });
        refused = await startTestApp({ ...env, WECHAT_TRANSFER_SCENE_ID: 'x'.repeat(40) });
      });
      afterAll(async () => {
        await silent?.close();
        await cutOff?.close();
        await refused?.close();
      });

      async function headersOn(app: TestApp, userId: string): Promise<Headers> {
        const { token } = await app.app.get(SessionService).issue(userId);
        return { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
      }

      it('finds the outcome by query when the notification is lost (sync, then the sweep)', async () => {
        const a = await releasedOrder();
        const headers = await headersOn(silent, a.listener.user.id);
        const first = await requestPayout(headers, 1000, silent);
        expect(first.body.status).toBe('WAIT_USER_CONFIRM');
        await wx.control(`/__sim/transfers/${(await payoutRow(first.body.id)).outBillNo}/confirm`);
        const synced = await post(silent, `/api/payouts/${first.body.id}/sync`, headers);
        expect([synced.status, synced.body.status]).toEqual([200, 'SUCCESS']);

        const b = await releasedOrder();
        const second = await requestPayout(await headersOn(silent, b.listener.user.id), 1000, silent);
        await wx.control(`/__sim/transfers/${(await payoutRow(second.body.id)).outBillNo}/reject`);
        // The sweep: its first look is 10 minutes after the request.
        await fireTimer(t, PAYOUT_CHECK_JOB, second.body.id);
        expect(await payoutRow(second.body.id)).toMatchObject({ status: 'CANCELLED' });
        expect(await earnings(b.listener.headers)).toMatchObject({ withdrawableFen: LISTENER_SHARE, pendingPayoutFen: 0 });
        // Nothing more to look at: the sweep is done, not rescheduled.
        expect((await t.prisma.scheduledJob.findUniqueOrThrow({ where: { kind_key: { kind: PAYOUT_CHECK_JOB, key: second.body.id } } })).doneAt).not.toBeNull();
        await expectBalanced();
      });

      it('keeps sweeping a payout the listener has not confirmed yet', async () => {
        const { listener } = await releasedOrder();
        const res = await requestPayout(await headersOn(silent, listener.user.id), 1000, silent);
        await fireTimer(t, PAYOUT_CHECK_JOB, res.body.id);
        expect((await payoutRow(res.body.id)).status).toBe('WAIT_USER_CONFIRM');
        const next = await t.prisma.scheduledJob.findUniqueOrThrow({ where: { kind_key: { kind: PAYOUT_CHECK_JOB, key: res.body.id } } });
        expect(next.doneAt).toBeNull();
        expect(next.dueAt.getTime()).toBeGreaterThan(Date.now() + 25 * 60_000);
      });

      it('fails the payout and returns the money when WeChat Pay refuses the transfer', async () => {
        const { listener } = await releasedOrder();
        const res = await requestPayout(await headersOn(refused, listener.user.id), 1000, refused);
        expect(res.status).toBe(201);
        expect(res.body).toMatchObject({ status: 'FAILED', failReason: expect.stringContaining('PARAM_ERROR'), confirm: null });
        expect(await earnings(listener.headers)).toMatchObject({ withdrawableFen: LISTENER_SHARE, pendingPayoutFen: 0 });
        expect(await t.prisma.auditLog.count({ where: { action: 'payout.transfer_refused', subjectId: res.body.id } })).toBe(1);
        // The submit job finds nothing left to do.
        await fireTimer(t, PAYOUT_SUBMIT_JOB, res.body.id);
        expect((await payoutRow(res.body.id)).status).toBe('FAILED');
        await expectBalanced();
      });

      it('keeps the money reserved while WeChat Pay is unreachable and the job submits the transfer later', async () => {
        const { listener } = await releasedOrder();
        const res = await requestPayout(await headersOn(cutOff, listener.user.id), 1000, cutOff);
        expect(res.status).toBe(201);
        expect(res.body).toMatchObject({ status: 'PENDING', confirm: null });
        expect(await earnings(listener.headers)).toMatchObject({ withdrawableFen: LISTENER_SHARE - 1000, pendingPayoutFen: 1000 });
        // Another request is refused while this one is open.
        expect((await requestPayout(listener.headers, 1000)).body.code).toBe('payout/in_progress');
        await fireTimer(t, PAYOUT_SUBMIT_JOB, res.body.id);
        const p = await waitForPayout(res.body.id, 'WAIT_USER_CONFIRM');
        expect(p.packageInfo).toEqual(expect.any(String));
        const view = await t.request(`/api/payouts/${p.id}`, { headers: listener.headers });
        expect(view.body.confirm).toMatchObject({ package: p.packageInfo });
        await expectBalanced();
      });
    });
  });

  it('leaves the ledger balanced after the suite', async () => {
    await expectBalanced();
  });
});

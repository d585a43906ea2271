import { loginAs } from '../../test/auth';
import { createOrder, fireTimer, ledgerCheck, listenerWithSession, orderStatus, payOrder, post, waitFor, waitForStatus } from '../../test/orders';
import { startTestApp, TestApp, useAppWithSimulator } from '../../test/test-app';
import { RefundService } from './refund.service';
import { TestSimulator } from '../../test/wechat';

describe('refunds, timers and the ledger (e2e: app + simulator + PostgreSQL)', () => {
  let wx: TestSimulator;
  let t: TestApp;

  useAppWithSimulator((app, sim) => ([t, wx] = [app, sim]));

  /** A paid order of `units` × 20 CNY. */
  async function paidOrder(units = 2) {
    const talker = await loginAs(t);
    const listener = await listenerWithSession(t);
    const { body } = await createOrder(t, talker.headers, { listenerId: listener.user.id, serviceType: 'TEXT', units });
    await payOrder(t, wx, talker.headers, body.id);
    return { talker, listener, orderId: body.id as string };
  }

  /** The listener's response-rate counters: an order counts once the listener's part is decided. */
  async function responseCounters(listener: { user: { id: string } }) {
    const p = await t.prisma.listenerProfile.findUniqueOrThrow({ where: { userId: listener.user.id } });
    return { received: p.ordersReceived, accepted: p.ordersAccepted };
  }

  async function clearingOf(orderId: string) {
    const sum = await t.prisma.ledgerEntry.aggregate({ where: { account: 'wechat:clearing', transaction: { orderId } }, _sum: { amountFen: true } });
    return sum._sum.amountFen ?? 0;
  }

  it('completes a refund whose notification never arrives by asking WeChat Pay (the refund.sync job)', async () => {
    // An instance whose notify URL leads nowhere: WeChat's refund notification is lost.
    const deaf = await startTestApp({ ...wx.env, WECHAT_NOTIFY_BASE_URL: 'http://127.0.0.1:9' });
    try {
      const { orderId } = await paidOrder(1);
      const talker = (await orderStatus(t, orderId)).talkerId;
      await deaf.app.get(RefundService).refund(orderId, 2000, '测试：通知丢失', talker);
      const [refund] = await t.prisma.refund.findMany({ where: { orderId } });
      expect(refund.status).toBe('PROCESSING');
      expect((await orderStatus(t, orderId)).status).toBe('REFUNDING');
      // WeChat finishes the refund a moment later; only then can the query see it.
      await waitFor(async () => ((await (await fetch(`${wx.sim.url}/__sim/state`)).json()) as { refunds: Record<string, { status: string }> }).refunds[refund.outRefundNo]?.status, (s) => s === 'SUCCESS', 10_000, 'the simulator finishing the refund');
      await fireTimer(deaf, 'refund.sync', refund.id);
      expect(await t.prisma.refund.findUniqueOrThrow({ where: { id: refund.id } })).toMatchObject({ status: 'SUCCESS' });
      expect(await orderStatus(t, orderId)).toMatchObject({ status: 'REFUNDED', refundedFen: 2000 });
      expect((await t.prisma.scheduledJob.findUniqueOrThrow({ where: { kind_key: { kind: 'refund.sync', key: refund.id } } })).doneAt).not.toBeNull();
      expect(await ledgerCheck(t)).toMatchObject({ ok: true });
    } finally {
      await deaf.close();
    }
  });

  it('refunds in full when the listener does not accept in time', async () => {
    const { orderId, listener } = await paidOrder();
    expect(await responseCounters(listener)).toEqual({ received: 0, accepted: 0 });
    await fireTimer(t, 'order.accept_timeout', orderId);
    const refunded = await waitForStatus(t, orderId, 'REFUNDED');
    expect(await responseCounters(listener)).toEqual({ received: 1, accepted: 0 });
    expect(refunded.refundedFen).toBe(4000);
    const refunds = await t.prisma.refund.findMany({ where: { orderId } });
    expect(refunds).toEqual([expect.objectContaining({ amountFen: 4000, status: 'SUCCESS', refundId: expect.any(String), requestedById: null })]);
    expect(await clearingOf(orderId)).toBe(0);
    const history = await t.prisma.orderTransition.findMany({ where: { orderId }, orderBy: { at: 'asc' } });
    expect(history.map((h) => h.to)).toEqual(['PENDING_PAYMENT', 'PAID', 'REFUNDING', 'REFUNDED']);
    // Every account of the order is back to zero.
    const byAccount = await t.prisma.ledgerEntry.groupBy({ by: ['account'], where: { transaction: { orderId } }, _sum: { amountFen: true } });
    expect(byAccount.every((a) => a._sum.amountFen === 0)).toBe(true);
  });

  it('refunds in full when the listener declines (a reason is required)', async () => {
    const { orderId, listener } = await paidOrder(1);
    expect((await post(t, `/api/orders/${orderId}/decline`, listener.headers, {})).body.code).toBe('request/invalid');
    const declined = await post(t, `/api/orders/${orderId}/decline`, listener.headers, { reason: '时间冲突' });
    expect(declined.status).toBe(200);
    expect(['REFUNDING', 'REFUNDED']).toContain(declined.body.status);
    await waitForStatus(t, orderId, 'REFUNDED');
    expect(await t.prisma.scheduledJob.count({ where: { kind: 'order.accept_timeout', key: orderId } })).toBe(0);
    expect((await post(t, `/api/orders/${orderId}/accept`, listener.headers)).body.code).toBe('order/not_acceptable');
    expect(await responseCounters(listener)).toEqual({ received: 1, accepted: 0 });
  });

  it('refunds in full when the talker cancels before acceptance; not after', async () => {
    const { orderId, talker, listener } = await paidOrder(1);
    const cancelled = await post(t, `/api/orders/${orderId}/cancel`, talker.headers, {});
    expect(cancelled.status).toBe(200);
    await waitForStatus(t, orderId, 'REFUNDED');
    // The listener had no chance to answer: not held against their response rate.
    expect(await responseCounters(listener)).toEqual({ received: 0, accepted: 0 });

    const other = await paidOrder(1);
    expect((await post(t, `/api/orders/${other.orderId}/accept`, other.listener.headers)).status).toBe(200);
    const late = await post(t, `/api/orders/${other.orderId}/cancel`, other.talker.headers, {});
    expect([late.status, late.body.code]).toEqual([409, 'order/not_cancellable']);
  });

  it('lets finance refund part of an order; the refund notification finalises the state', async () => {
    const { orderId } = await paidOrder(2);
    const finance = await loginAs(t, ['FINANCE']);
    const agent = await loginAs(t, ['AGENT']);
    expect((await post(t, `/api/ops/orders/${orderId}/refund`, agent.headers, { amountFen: 100, reason: '测试退款' })).status).toBe(403);
    const res = await post(t, `/api/ops/orders/${orderId}/refund`, finance.headers, { amountFen: 1500, reason: '会话提前结束' });
    expect(res.status).toBe(200);
    expect(res.body.refunds).toEqual([expect.objectContaining({ amountFen: 1500, requestedById: finance.user.id })]);
    const partial = await waitForStatus(t, orderId, 'PARTIALLY_REFUNDED');
    expect(partial.refundedFen).toBe(1500);
    expect(await clearingOf(orderId)).toBe(2500);
    expect(await t.prisma.auditLog.count({ where: { action: 'order.refund', subjectId: orderId, actorId: finance.user.id } })).toBe(1);

    const tooMuch = await post(t, `/api/ops/orders/${orderId}/refund`, finance.headers, { amountFen: 2501, reason: '超额退款' });
    expect([tooMuch.status, tooMuch.body.code]).toEqual([400, 'order/refund_too_large']);
    expect(await t.prisma.refund.count({ where: { orderId } })).toBe(1);

    const detail = await t.request(`/api/ops/orders/${orderId}`, { headers: agent.headers });
    expect(detail.body).toMatchObject({ status: 'PARTIALLY_REFUNDED', refundedFen: 1500, refundableFen: 2500 });
    expect(detail.body.transitions.map((x: { to: string }) => x.to)).toEqual(['PENDING_PAYMENT', 'PAID', 'REFUNDING', 'PARTIALLY_REFUNDED']);
    expect(detail.body.ledger.filter((e: { account: string }) => e.account === 'wechat:clearing').map((e: { amountFen: number }) => e.amountFen)).toEqual([4000, -1500]);
    expect(JSON.stringify(detail.body)).not.toMatch(/openid/);

    const rest = await post(t, `/api/ops/orders/${orderId}/refund`, finance.headers, { amountFen: 2500, reason: '剩余全部退款' });
    expect(rest.status).toBe(200);
    const done = await waitForStatus(t, orderId, 'REFUNDED');
    expect(done.refundedFen).toBe(4000);
    expect(await clearingOf(orderId)).toBe(0);
  });

  it('never refunds more than was paid, even with concurrent requests', async () => {
    const { orderId } = await paidOrder(2);
    const finance = await loginAs(t, ['FINANCE']);
    const results = await Promise.all(Array.from({ length: 6 }, () => post(t, `/api/ops/orders/${orderId}/refund`, finance.headers, { amountFen: 1000, reason: '并发退款' })));
    const statuses = results.map((r) => r.status).sort();
    expect(statuses).toEqual([200, 200, 200, 200, 400, 400]);
    expect(results.filter((r) => r.status === 400).every((r) => r.body.code === 'order/refund_too_large')).toBe(true);
    const done = await waitForStatus(t, orderId, 'REFUNDED');
    expect(done.refundedFen).toBe(4000);
    const refunds = await t.prisma.refund.findMany({ where: { orderId } });
    expect(refunds.reduce((s, r) => s + r.amountFen, 0)).toBe(4000);
    expect(refunds.every((r) => r.status === 'SUCCESS')).toBe(true);
    // Nothing is left to refund, and an unpaid order cannot be refunded at all.
    expect((await post(t, `/api/ops/orders/${orderId}/refund`, finance.headers, { amountFen: 1, reason: '再退一分' })).body.code).toBe('order/not_refundable');
  });

  it('refunds in full a payment whose notification arrives after the order was closed', async () => {
    const talker = await loginAs(t);
    const listener = await listenerWithSession(t);
    const { body: order } = await createOrder(t, talker.headers, { listenerId: listener.user.id, serviceType: 'TEXT', units: 1 });
    await post(t, `/api/orders/${order.id}/pay`, talker.headers);
    // Closed locally first (as a lost race with the payment would leave it), then WeChat reports the payment.
    await t.prisma.$transaction(async (tx) => {
      await tx.order.update({ where: { id: order.id }, data: { status: 'CLOSED', closedAt: new Date() } });
      await tx.orderTransition.create({ data: { orderId: order.id, from: 'PENDING_PAYMENT', to: 'CLOSED', reason: 'test: closed before the notification' } });
    });
    await wx.control(`/__sim/pay/${order.outTradeNo}/confirm`);
    const final = await waitForStatus(t, order.id, 'REFUNDED');
    expect(final).toMatchObject({ refundedFen: 2000, transactionId: expect.any(String) });
    expect(await t.prisma.auditLog.count({ where: { action: 'order.paid_after_close', subjectId: order.id } })).toBe(1);
    expect(await clearingOf(order.id)).toBe(0);
    const history = await t.prisma.orderTransition.findMany({ where: { orderId: order.id }, orderBy: { at: 'asc' } });
    expect(history.map((h) => h.to)).toEqual(['PENDING_PAYMENT', 'CLOSED', 'REFUNDING', 'REFUNDED']);
  });

  it('shows the invariant report to finance and admins only', async () => {
    const finance = await loginAs(t, ['FINANCE']);
    const talker = await loginAs(t);
    expect((await t.request('/api/ops/ledger/check', { headers: talker.headers })).status).toBe(403);
    const report = await t.request('/api/ops/ledger/check', { headers: finance.headers });
    expect(report.status).toBe(200);
    expect(report.body).toMatchObject({ ok: true, unbalanced: [], mismatches: [] });
  });

  it('searches orders in the ops console by id, out_trade_no and listener alias', async () => {
    const { orderId, listener } = await paidOrder(1);
    const agent = await loginAs(t, ['AGENT']);
    const order = await orderStatus(t, orderId);
    for (const q of [orderId, order.outTradeNo, listener.user.alias]) {
      const res = await t.request(`/api/ops/orders?q=${encodeURIComponent(q)}`, { headers: agent.headers });
      expect(res.status).toBe(200);
      expect(res.body.items.map((o: { id: string }) => o.id)).toContain(orderId);
    }
    const byStatus = await t.request(`/api/ops/orders?status=PAID&limit=50`, { headers: agent.headers });
    expect(byStatus.body.items.every((o: { status: string }) => o.status === 'PAID')).toBe(true);
    expect((await t.request('/api/ops/orders', { headers: (await loginAs(t)).headers })).status).toBe(403);
  });

  it('keeps the ledger invariant after everything', async () => {
    expect(await ledgerCheck(t)).toMatchObject({ ok: true, unbalanced: [], mismatches: [] });
  });
});

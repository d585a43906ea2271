import { randomUUID } from 'node:crypto';
import { loginAs } from '../../test/auth';
import { connectSocket } from '../../test/realtime';
import { createOrder, fireTimer, ledgerCheck, listenerWithSession, orderStatus, payOrder, post, waitFor, waitForStatus } from '../../test/orders';
import { startTestApp, TestApp, useAppWithSimulator } from '../../test/test-app';
import { craftNotification, TestSimulator } from '../../test/wechat';
import type { Transaction } from '../wechat/protocol/types';

describe('orders and checkout (e2e: app + simulator + PostgreSQL)', () => {
  let wx: TestSimulator;
  let t: TestApp;

  useAppWithSimulator((app, sim) => ([t, wx] = [app, sim]));

  type SimState = { orders: Record<string, { state: string; transaction_id?: string }>; subscribeMessages: { body: { touser: string; template_id: string } }[] };
  const simState = async (): Promise<SimState> => (await (await fetch(`${wx.sim.url}/__sim/state`)).json()) as SimState;

  it('tells an online listener about a paid order over the WebSocket instead of a subscribe message', async () => {
    const talker = await loginAs(t);
    const listener = await listenerWithSession(t);
    const socket = await connectSocket(t, listener.headers.authorization.replace('Bearer ', ''));
    try {
      const created = await createOrder(t, talker.headers, { listenerId: listener.user.id, serviceType: 'TEXT', units: 1 });
      await payOrder(t, wx, talker.headers, created.body.id);
      expect(await socket.next('order', (f) => f.orderId === created.body.id, 10_000)).toEqual({ type: 'order', orderId: created.body.id, event: 'paid' });
      await waitFor(() => t.prisma.scheduledJob.findUniqueOrThrow({ where: { kind_key: { kind: 'order.paid', key: created.body.id } } }), (j) => j.doneAt !== null, 10_000, 'order.paid job done');
      expect((await simState()).subscribeMessages.filter((m) => m.body.touser === listener.user.openid)).toEqual([]);
    } finally {
      await socket.close();
    }
  });

  it('creates, prepays, is paid by the notification and accepted by the listener: the happy path', async () => {
    const talker = await loginAs(t);
    const listener = await listenerWithSession(t, { priceTextFen: 2500 });
    const created = await createOrder(t, talker.headers, { listenerId: listener.user.id, serviceType: 'TEXT', units: 2, topic: 'EMOTION' });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      kind: 'SESSION', status: 'PENDING_PAYMENT', serviceType: 'TEXT', topic: 'EMOTION', units: 2, minutes: 30,
      unitPriceFen: 2500, subtotalFen: 5000, pointsDiscountFen: 0, totalFen: 5000, refundedFen: 0, acceptBy: null, paidAt: null,
      myRole: 'talker', listener: { id: listener.user.id, alias: listener.user.alias }, talker: { alias: talker.user.alias },
    });
    expect(JSON.stringify(created.body)).not.toContain(talker.user.openid);
    expect(created.body.talker.id).toBeUndefined();
    const payBy = Date.parse(created.body.payBy);
    expect(Math.abs(payBy - (Date.now() + 15 * 60_000))).toBeLessThan(10_000);
    const orderId = created.body.id;
    expect(await t.prisma.scheduledJob.count({ where: { kind: 'order.expire', key: orderId, doneAt: null } })).toBe(1);

    const pay = await post(t, `/api/orders/${orderId}/pay`, talker.headers, { returnUrl: '/#/packages/orders/detail' });
    expect(pay.status).toBe(200);
    expect(pay.body.requestPayment).toEqual({ timeStamp: expect.any(String), nonceStr: expect.any(String), package: expect.stringMatching(/^prepay_id=/), signType: 'RSA', paySign: expect.any(String) });
    const prepayId = pay.body.requestPayment.package.replace('prepay_id=', '');
    expect(pay.body.cashierUrl).toBe(`${wx.sim.url}/__sim/cashier?prepay_id=${prepayId}&return_url=${encodeURIComponent('/#/packages/orders/detail')}`);
    // Paying again reuses the prepay order.
    const again = await post(t, `/api/orders/${orderId}/pay`, talker.headers);
    expect(again.body.requestPayment.package).toBe(`prepay_id=${prepayId}`);
    expect(again.body.cashierUrl).toBe(`${wx.sim.url}/__sim/cashier?prepay_id=${prepayId}`);

    const order = await orderStatus(t, orderId);
    await wx.control(`/__sim/pay/${order.outTradeNo}/confirm`);
    const paid = await waitForStatus(t, orderId, 'PAID');
    expect(paid.transactionId).toMatch(/^4200/);
    expect(await t.prisma.scheduledJob.count({ where: { kind: 'order.expire', key: orderId } })).toBe(0);
    expect(await t.prisma.scheduledJob.count({ where: { kind: 'order.accept_timeout', key: orderId, doneAt: null } })).toBe(1);
    const entries = await t.prisma.ledgerEntry.findMany({ where: { transaction: { orderId } } });
    expect(entries.map((e) => [e.account, e.amountFen]).sort()).toEqual([
      [`listener:${listener.user.id}:held`, -3500],
      ['platform:commission', -1500],
      ['wechat:clearing', 5000],
    ]);
    // The listener is told (a subscribe message: not online) once the payment committed.
    await waitFor(simState, (s) => s.subscribeMessages.some((m) => m.body.touser === listener.user.openid && m.body.template_id === 'order-paid'), 10_000, 'subscribe message');

    const incoming = await t.request('/api/orders?role=listener&status=PAID', { headers: listener.headers });
    expect(incoming.body.items.map((o: { id: string }) => o.id)).toEqual([orderId]);
    expect(incoming.body.items[0].myRole).toBe('listener');

    const accepted = await post(t, `/api/orders/${orderId}/accept`, listener.headers);
    expect(accepted.status).toBe(200);
    expect(accepted.body.status).toBe('ACCEPTED');
    expect(accepted.body.transitions.map((x: { from: string; to: string }) => `${x.from}>${x.to}`)).toEqual(['null>PENDING_PAYMENT', 'PENDING_PAYMENT>PAID', 'PAID>ACCEPTED']);
    expect(await t.prisma.scheduledJob.count({ where: { kind: 'order.accept_timeout', key: orderId } })).toBe(0);
    const profile = await t.prisma.listenerProfile.findUniqueOrThrow({ where: { userId: listener.user.id } });
    expect([profile.ordersReceived, profile.ordersAccepted]).toEqual([1, 1]);

    const detail = await t.request(`/api/orders/${orderId}`, { headers: talker.headers });
    expect(detail.body).toMatchObject({ status: 'ACCEPTED', myRole: 'talker' });
    expect((await t.request(`/api/orders/${orderId}`, { headers: (await loginAs(t)).headers })).status).toBe(404);
    const mine = await t.request('/api/orders', { headers: talker.headers });
    expect(mine.body).toEqual({ items: [expect.objectContaining({ id: orderId, status: 'ACCEPTED' })], nextCursor: null });
    expect(mine.body.items[0].transitions).toBeUndefined();
    // A paid order cannot be paid again; the talker cannot accept.
    expect((await post(t, `/api/orders/${orderId}/pay`, talker.headers)).body.code).toBe('order/not_payable');
    expect((await post(t, `/api/orders/${orderId}/accept`, talker.headers)).status).toBe(403);
  });

  it('applies the payment from a WeChat Pay query when the client reports success before the notification', async () => {
    // An instance whose notify_url reaches nothing: only the query can confirm the payment.
    const deaf = await startTestApp({ ...wx.env, WECHAT_NOTIFY_BASE_URL: 'http://127.0.0.1:9' });
    try {
      const talker = await loginAs(deaf);
      const listener = await listenerWithSession(deaf);
      const { body: order } = await createOrder(deaf, talker.headers, { listenerId: listener.user.id, serviceType: 'TEXT', units: 1 });
      expect((await post(deaf, `/api/orders/${order.id}/sync`, talker.headers)).body.status).toBe('PENDING_PAYMENT');
      await post(deaf, `/api/orders/${order.id}/pay`, talker.headers);
      await wx.control(`/__sim/pay/${order.outTradeNo}/confirm`);
      const synced = await post(deaf, `/api/orders/${order.id}/sync`, talker.headers);
      expect(synced.status).toBe(200);
      expect(synced.body).toMatchObject({ status: 'PAID', paidAt: expect.any(String), acceptBy: expect.any(String) });
      expect(synced.body.transitions.at(-1)).toMatchObject({ from: 'PENDING_PAYMENT', to: 'PAID', reason: '查询微信支付：支付成功' });
      // The late notification (crafted as WeChat would send it) changes nothing.
      const txn = (await simState()).orders[order.outTradeNo];
      const resource = { appid: wx.sim.keys.appid, mchid: wx.sim.keys.mchid, out_trade_no: order.outTradeNo, transaction_id: txn.transaction_id, trade_state: 'SUCCESS', trade_state_desc: '支付成功', success_time: new Date().toISOString(), payer: { openid: talker.user.openid }, amount: { total: 2000, payer_total: 2000, currency: 'CNY', payer_currency: 'CNY' } };
      const n = craftNotification(wx.sim.keys, { resource });
      expect((await deaf.request('/api/wechat/notify/transaction', { method: 'POST', headers: n.headers, body: n.body })).status).toBe(204);
      expect(await deaf.prisma.orderTransition.count({ where: { orderId: order.id, to: 'PAID' } })).toBe(1);
      expect(await deaf.prisma.ledgerTransaction.count({ where: { orderId: order.id } })).toBe(1);
    } finally {
      await deaf.close();
    }
  });

  describe('bad input: a clear 4xx and nothing created', () => {
    let talker: Awaited<ReturnType<typeof loginAs>>;
    let listener: Awaited<ReturnType<typeof listenerWithSession>>;
    beforeAll(async () => {
      talker = await loginAs(t);
      listener = await listenerWithSession(t, { priceVoiceFen: null });
    });
    afterEach(async () => {
      expect(await t.prisma.order.count({ where: { talkerId: talker.user.id } })).toBe(0);
    });

    it.each([
      ['a client-sent price', { serviceType: 'TEXT', units: 2, totalFen: 1 }, 400, 'request/invalid'],
      ['a client-sent unit price', { serviceType: 'TEXT', units: 2, unitPriceFen: 1 }, 400, 'request/invalid'],
      ['9 units', { serviceType: 'TEXT', units: 9 }, 400, 'order/units_out_of_range'],
      ['0 units', { serviceType: 'TEXT', units: 0 }, 400, 'request/invalid'],
      ['fractional units', { serviceType: 'TEXT', units: 1.5 }, 400, 'request/invalid'],
      ['units as a string', { serviceType: 'TEXT', units: '2' }, 400, 'request/invalid'],
      ['neither units nor a package', { serviceType: 'TEXT' }, 400, 'order/units_or_package'],
      ['a service the listener does not offer', { serviceType: 'VOICE', units: 1 }, 400, 'order/service_not_offered'],
      ['an unknown service type', { serviceType: 'VIDEO', units: 1 }, 400, 'request/invalid'],
      ['an unknown package', { serviceType: 'TEXT', packageId: randomUUID() }, 404, 'order/package_not_found'],
    ])('refuses %s', async (_what, body, status, code) => {
      const res = await createOrder(t, talker.headers, { listenerId: listener.user.id, ...body });
      expect(res.status).toBe(status);
      expect(res.body.code).toBe(code);
    });

    it('refuses an order for oneself', async () => {
      const res = await createOrder(t, listener.headers, { listenerId: listener.user.id, serviceType: 'TEXT', units: 1 });
      expect([res.status, res.body.code]).toEqual([400, 'order/self_order']);
      expect(await t.prisma.order.count({ where: { talkerId: listener.user.id } })).toBe(0);
    });

    it('refuses an offline, a suspended, a deleted and an unknown listener', async () => {
      const offline = await listenerWithSession(t, { online: false });
      const suspended = await listenerWithSession(t, { status: 'SUSPENDED', suspendedReason: 'test' });
      const deleted = await listenerWithSession(t);
      await t.prisma.user.update({ where: { id: deleted.user.id }, data: { deletedAt: new Date() } });
      const cases: [string, number, string][] = [
        [offline.user.id, 409, 'order/listener_offline'],
        [suspended.user.id, 409, 'order/listener_unavailable'],
        [deleted.user.id, 404, 'listener/not_found'],
        [randomUUID(), 404, 'listener/not_found'],
      ];
      for (const [listenerId, status, code] of cases) {
        const res = await createOrder(t, talker.headers, { listenerId, serviceType: 'TEXT', units: 1 });
        expect([listenerId, res.status, res.body.code]).toEqual([listenerId, status, code]);
      }
    });

    it('requires a login and a valid id', async () => {
      expect((await t.request('/api/orders', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })).status).toBe(401);
      expect((await t.request('/api/orders/not-a-uuid', { headers: talker.headers })).body.code).toBe('request/invalid');
      expect((await t.request(`/api/orders/${randomUUID()}`, { headers: talker.headers })).body.code).toBe('order/not_found');
    });
  });

  it('records and ignores a notification for an unknown order or with a different amount or payer', async () => {
    const talker = await loginAs(t);
    const listener = await listenerWithSession(t);
    const { body: order } = await createOrder(t, talker.headers, { listenerId: listener.user.id, serviceType: 'TEXT', units: 1 });
    await post(t, `/api/orders/${order.id}/pay`, talker.headers);
    const resource = (over: Partial<Transaction>): Transaction => ({
      appid: wx.sim.keys.appid, mchid: wx.sim.keys.mchid, out_trade_no: order.outTradeNo, transaction_id: `4200${Date.now()}${Math.floor(Math.random() * 1e6)}`,
      trade_type: 'JSAPI', trade_state: 'SUCCESS', trade_state_desc: '支付成功', success_time: new Date().toISOString(),
      payer: { openid: talker.user.openid }, amount: { total: 2000, payer_total: 2000, currency: 'CNY', payer_currency: 'CNY' }, ...over,
    });
    const send = (r: Transaction) => {
      const n = craftNotification(wx.sim.keys, { resource: r });
      return t.request('/api/wechat/notify/transaction', { method: 'POST', headers: n.headers, body: n.body });
    };
    const unknownNo = `QT${randomUUID().replace(/-/g, '').slice(0, 20)}`;
    expect((await send(resource({ out_trade_no: unknownNo }))).status).toBe(204);
    expect((await send(resource({ amount: { total: 1, payer_total: 1, currency: 'CNY', payer_currency: 'CNY' } }))).status).toBe(204);
    expect((await send(resource({ payer: { openid: 'someone-else' } }))).status).toBe(204);
    const after = await orderStatus(t, order.id);
    expect(after).toMatchObject({ status: 'PENDING_PAYMENT', transactionId: null, paidAt: null });
    expect(await t.prisma.ledgerTransaction.count({ where: { orderId: order.id } })).toBe(0);
    expect(await t.prisma.auditLog.count({ where: { action: 'order.payment_unknown_order', subjectId: unknownNo } })).toBe(1);
    expect(await t.prisma.auditLog.count({ where: { action: 'order.payment_mismatch', subjectId: order.id } })).toBe(2);
    // The real payment still goes through.
    await wx.control(`/__sim/pay/${order.outTradeNo}/confirm`);
    await waitForStatus(t, order.id, 'PAID');
  });

  it('lets the talker cancel an unpaid order (closed at WeChat Pay too); paying it then is refused', async () => {
    const talker = await loginAs(t);
    const listener = await listenerWithSession(t);
    const { body: order } = await createOrder(t, talker.headers, { listenerId: listener.user.id, serviceType: 'TEXT', units: 1 });
    await post(t, `/api/orders/${order.id}/pay`, talker.headers);
    const cancelled = await post(t, `/api/orders/${order.id}/cancel`, talker.headers, { reason: '不想聊了' });
    expect(cancelled.status).toBe(200);
    expect(cancelled.body.status).toBe('CLOSED');
    expect((await simState()).orders[order.outTradeNo].state).toBe('CLOSED');
    expect(await t.prisma.scheduledJob.count({ where: { kind: 'order.expire', key: order.id } })).toBe(0);
    const pay = await post(t, `/api/orders/${order.id}/pay`, talker.headers);
    expect([pay.status, pay.body.code]).toEqual([409, 'order/not_payable']);
    expect((await post(t, `/api/orders/${order.id}/cancel`, talker.headers)).body.code).toBe('order/not_cancellable');
    expect((await post(t, `/api/orders/${order.id}/accept`, listener.headers)).body.code).toBe('order/not_acceptable');
  });

  it('closes an unpaid order at payBy, locally and at WeChat Pay', async () => {
    const talker = await loginAs(t);
    const listener = await listenerWithSession(t);
    const { body: order } = await createOrder(t, talker.headers, { listenerId: listener.user.id, serviceType: 'TEXT', units: 3 });
    await post(t, `/api/orders/${order.id}/pay`, talker.headers);
    await fireTimer(t, 'order.expire', order.id);
    const closed = await waitForStatus(t, order.id, 'CLOSED');
    expect(closed.closedAt).not.toBeNull();
    expect((await simState()).orders[order.outTradeNo].state).toBe('CLOSED');
    const history = await t.prisma.orderTransition.findMany({ where: { orderId: order.id }, orderBy: { at: 'asc' } });
    expect(history.at(-1)).toMatchObject({ from: 'PENDING_PAYMENT', to: 'CLOSED', actorId: null });
  });

  it('at payBy applies the payment instead when WeChat Pay says it was paid (notification lost)', async () => {
    const deaf = await startTestApp({ ...wx.env, WECHAT_NOTIFY_BASE_URL: 'http://127.0.0.1:9' });
    try {
      const talker = await loginAs(deaf);
      const listener = await listenerWithSession(deaf);
      const { body: order } = await createOrder(deaf, talker.headers, { listenerId: listener.user.id, serviceType: 'TEXT', units: 1 });
      await post(deaf, `/api/orders/${order.id}/pay`, talker.headers);
      await wx.control(`/__sim/pay/${order.outTradeNo}/confirm`);
      await fireTimer(deaf, 'order.expire', order.id);
      await waitForStatus(deaf, order.id, 'PAID');
    } finally {
      await deaf.close();
    }
  });

  it('applies a payment while the expiry job holds its timer row, without waiting for it (no deadlock); the job then finds it paid', async () => {
    const talker = await loginAs(t);
    const listener = await listenerWithSession(t);
    const { body: order } = await createOrder(t, talker.headers, { listenerId: listener.user.id, serviceType: 'TEXT', units: 1 });
    await post(t, `/api/orders/${order.id}/pay`, talker.headers);
    // What a running expiry job holds (the scheduler claims its row FOR UPDATE, then locks the order): the payment must not wait on it.
    await t.prisma.$transaction(
      async (tx) => {
        const held = await tx.$queryRaw<unknown[]>`SELECT id FROM scheduled_jobs WHERE kind = 'order.expire' AND key = ${order.id} AND done_at IS NULL FOR UPDATE`;
        expect(held).toHaveLength(1);
        await wx.control(`/__sim/pay/${order.outTradeNo}/confirm`);
        await waitForStatus(t, order.id, 'PAID', 8_000);
      },
      { timeout: 20_000 },
    );
    // The timer was skipped, not deleted; when it fires it leaves the paid order alone.
    await fireTimer(t, 'order.expire', order.id);
    expect(await t.prisma.scheduledJob.findUnique({ where: { kind_key: { kind: 'order.expire', key: order.id } } })).toMatchObject({ doneAt: expect.any(Date) });
    expect((await orderStatus(t, order.id)).status).toBe('PAID');
  });

  it('lets exactly one of two simultaneous accepts win', async () => {
    const talker = await loginAs(t);
    const listener = await listenerWithSession(t);
    const { body: order } = await createOrder(t, talker.headers, { listenerId: listener.user.id, serviceType: 'TEXT', units: 1 });
    await payOrder(t, wx, talker.headers, order.id);
    const results = await Promise.all([1, 2, 3].map(() => post(t, `/api/orders/${order.id}/accept`, listener.headers)));
    expect(results.map((r) => r.status).sort()).toEqual([200, 409, 409]);
    expect(results.filter((r) => r.status === 409).every((r) => r.body.code === 'order/not_acceptable')).toBe(true);
    expect(await t.prisma.orderTransition.count({ where: { orderId: order.id, to: 'ACCEPTED' } })).toBe(1);
  });

  it('creates and prepays in one call (checkout), with the new order\'s id in the way back from the cashier', async () => {
    const talker = await loginAs(t);
    const listener = await listenerWithSession(t);
    const res = await post(t, '/api/orders/checkout', talker.headers, { listenerId: listener.user.id, serviceType: 'TEXT', units: 2, returnUrl: '/#/packages/order/detail/index?id={orderId}' });
    expect(res.status).toBe(201);
    const { order, payment } = res.body;
    expect(order).toMatchObject({ kind: 'SESSION', status: 'PENDING_PAYMENT', units: 2, totalFen: 4000, myRole: 'talker' });
    const prepayId = payment.requestPayment.package.replace('prepay_id=', '');
    expect((await orderStatus(t, order.id)).prepayId).toBe(prepayId);
    expect(payment.cashierUrl).toBe(`${wx.sim.url}/__sim/cashier?prepay_id=${prepayId}&return_url=${encodeURIComponent(`/#/packages/order/detail/index?id=${order.id}`)}`);
    // The URL-encoded placeholder (as a client's URL builder writes it) is replaced too.
    const encoded = await post(t, '/api/orders/checkout', talker.headers, { listenerId: listener.user.id, serviceType: 'TEXT', units: 1, returnUrl: `/#/detail?id=${encodeURIComponent('{orderId}')}` });
    expect(encoded.body.payment.cashierUrl).toContain(encodeURIComponent(`/#/detail?id=${encoded.body.order.id}`));
    // Paying later reuses the prepay; paying at the cashier makes it PAID.
    expect((await post(t, `/api/orders/${order.id}/pay`, talker.headers)).body.requestPayment.package).toBe(`prepay_id=${prepayId}`);
    await wx.control(`/__sim/pay/${order.outTradeNo}/confirm`);
    await waitForStatus(t, order.id, 'PAID');

    // Bad input: a clear 400 and no order.
    const before = await t.prisma.order.count({ where: { talkerId: talker.user.id } });
    for (const body of [
      { listenerId: listener.user.id, serviceType: 'TEXT', units: 9 },
      { listenerId: listener.user.id, serviceType: 'TEXT', units: 1, returnUrl: 'javascript:alert(1)' },
      { listenerId: listener.user.id, serviceType: 'TEXT', units: 1, totalFen: 1 },
    ]) {
      const bad = await post(t, '/api/orders/checkout', talker.headers, body);
      expect(bad.status).toBe(400);
      expect(bad.body.code).toMatch(/^(order\/units_out_of_range|request\/invalid)$/);
    }
    expect(await t.prisma.order.count({ where: { talkerId: talker.user.id } })).toBe(before);
  });

  it('writes no order when the checkout prepay fails (WeChat Pay unreachable): 502, and the talker can simply try again', async () => {
    const cut = await startTestApp({ ...wx.env, WECHAT_PAY_API_BASE: 'http://127.0.0.1:9' });
    try {
      const talker = await loginAs(cut);
      const listener = await listenerWithSession(cut);
      const res = await post(cut, '/api/orders/checkout', talker.headers, { listenerId: listener.user.id, serviceType: 'TEXT', units: 1 });
      expect([res.status, res.body.code]).toEqual([502, 'order/payment_unavailable']);
      expect(await cut.prisma.order.count({ where: { talkerId: talker.user.id } })).toBe(0);
    } finally {
      await cut.close();
    }
  });

  it('buys a topic package: priced from the package, a minutes balance once paid', async () => {
    const talker = await loginAs(t);
    const listener = await listenerWithSession(t, { tier: 'SENIOR' });
    const pkg = await t.prisma.topicPackage.create({ data: { listenerId: listener.user.id, topic: 'MARRIAGE', serviceType: 'TEXT', minutes: 60, priceFen: 9900 } });
    await t.prisma.topicPackage.create({ data: { listenerId: listener.user.id, topic: 'CAREER', serviceType: 'TEXT', minutes: 60, priceFen: 8800, active: false } });
    const listed = await t.request(`/api/listeners/${listener.user.id}/packages`);
    expect(listed.body).toEqual([{ id: pkg.id, listenerId: listener.user.id, topic: 'MARRIAGE', serviceType: 'TEXT', minutes: 60, priceFen: 9900 }]);
    const created = await createOrder(t, talker.headers, { listenerId: listener.user.id, serviceType: 'TEXT', packageId: pkg.id });
    expect(created.body).toMatchObject({ kind: 'PACKAGE', topic: 'MARRIAGE', minutes: 60, totalFen: 9900 });
    expect((await createOrder(t, talker.headers, { listenerId: listener.user.id, serviceType: 'TEXT', packageId: pkg.id, units: 1 })).body.code).toBe('order/units_or_package');
    await payOrder(t, wx, talker.headers, created.body.id);
    expect(await t.prisma.packageBalance.findUnique({ where: { orderId: created.body.id } })).toMatchObject({ minutesTotal: 60, minutesLeft: 60, talkerId: talker.user.id });
  });

  it('serves the gift catalogue publicly', async () => {
    const gifts = await t.request('/api/gifts');
    expect(gifts.status).toBe(200);
    expect(gifts.body.length).toBeGreaterThan(0);
    expect(gifts.body[0]).toEqual({ code: expect.any(String), name: expect.any(String), priceFen: expect.any(Number) });
  });

  it('keeps the ledger invariant', async () => {
    expect(await ledgerCheck(t)).toMatchObject({ ok: true, unbalanced: [], mismatches: [] });
  });
});

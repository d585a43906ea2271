import { randomUUID } from 'node:crypto';
import { loginAs } from '../../test/auth';
import { createOrder, fireTimer, ledgerCheck, listenerWithSession, orderStatus, payOrder, post } from '../../test/orders';
import { orderHistory, runDue, sessionRow, shiftSession, waitForSession } from '../../test/sessions';
import { TestApp, useAppWithSimulator } from '../../test/test-app';
import { TestSimulator } from '../../test/wechat';
import { ORDER_ACCEPT_TIMEOUT_JOB, PACKAGE_EXPIRE_JOB } from './order-jobs';

type Headers = Record<string, string>;

/** Topic packages (PRODUCT.md §3): minutes bought once, spent over sessions, given back by the refund rules. */
describe('topic packages: spending minutes (e2e)', () => {
  let wx: TestSimulator;
  let t: TestApp;

  useAppWithSimulator((app, sim) => ([t, wx] = [app, sim]));

  const balanceOf = (orderId: string) => t.prisma.packageBalance.findUniqueOrThrow({ where: { orderId } });

  /** A talker who bought a 60-minute package (99 CNY) from a listener who accepted it. */
  async function boughtPackage(minutes = 60) {
    const talker = await loginAs(t);
    const listener = await listenerWithSession(t, { tier: 'SENIOR' });
    const pkg = await t.prisma.topicPackage.create({ data: { listenerId: listener.user.id, topic: 'MARRIAGE', serviceType: 'TEXT', minutes, priceFen: 9900 } });
    const created = await createOrder(t, talker.headers, { listenerId: listener.user.id, serviceType: 'TEXT', packageId: pkg.id });
    await payOrder(t, wx, talker.headers, created.body.id);
    const accepted = await post(t, `/api/orders/${created.body.id}/accept`, listener.headers);
    expect(accepted.status).toBe(200);
    const [balance] = (await t.request(`/api/orders/packages?listenerId=${listener.user.id}`, { headers: talker.headers })).body as { id: string }[];
    return { talker, listener, packageOrderId: created.body.id as string, balanceId: balance.id };
  }

  const spend = (p: Awaited<ReturnType<typeof boughtPackage>>, units: number, headers: Headers = p.talker.headers, serviceType = 'TEXT') =>
    createOrder(t, headers, { listenerId: p.listener.user.id, serviceType, units, balanceId: p.balanceId });

  /** Spends `units`, the listener accepts, both join: the session is ACTIVE. */
  async function activeOnPackage(p: Awaited<ReturnType<typeof boughtPackage>>, units: number) {
    const order = await spend(p, units);
    expect(order.status).toBe(201);
    expect((await post(t, `/api/orders/${order.body.id}/accept`, p.listener.headers)).status).toBe(200);
    const session = await t.prisma.session.findUniqueOrThrow({ where: { orderId: order.body.id } });
    await post(t, `/api/sessions/${session.id}/join`, p.talker.headers);
    expect((await post(t, `/api/sessions/${session.id}/join`, p.listener.headers)).body.status).toBe('ACTIVE');
    return { orderId: order.body.id as string, sessionId: session.id };
  }

  it('lists the balance and spends it: the session order is paid with minutes at once, nothing charged at WeChat Pay', async () => {
    const p = await boughtPackage();
    const listed = await t.request('/api/orders/packages', { headers: p.talker.headers });
    expect(listed.body).toEqual([
      { id: p.balanceId, orderId: p.packageOrderId, listenerId: p.listener.user.id, serviceType: 'TEXT', topic: 'MARRIAGE', minutesTotal: 60, minutesLeft: 60, expiresAt: expect.any(String), usable: true },
    ]);
    const order = await spend(p, 2);
    expect(order.status).toBe(201);
    expect(order.body).toMatchObject({ kind: 'SESSION', status: 'PAID', minutes: 30, totalFen: 0, paidWithPackage: true, parentOrderId: p.packageOrderId, topic: 'MARRIAGE' });
    expect((await balanceOf(p.packageOrderId)).minutesLeft).toBe(30);
    expect(await t.prisma.scheduledJob.count({ where: { kind: ORDER_ACCEPT_TIMEOUT_JOB, key: order.body.id, doneAt: null } })).toBe(1);
    expect((await post(t, `/api/orders/${order.body.id}/pay`, p.talker.headers)).body.code).toBe('order/not_payable');
    // Through checkout (create and prepay at once): nothing to prepay.
    const checkout = await post(t, '/api/orders/checkout', p.talker.headers, { listenerId: p.listener.user.id, serviceType: 'TEXT', units: 1, balanceId: p.balanceId, returnUrl: '/#/x?id={orderId}' });
    expect(checkout.status).toBe(201);
    expect(checkout.body).toMatchObject({ order: { status: 'PAID', minutes: 15, paidWithPackage: true }, payment: null });
    // More than is left: what is left (15 minutes).
    const rest = await spend(p, 8);
    expect(rest.body).toMatchObject({ status: 'PAID', minutes: 15 });
    expect((await balanceOf(p.packageOrderId)).minutesLeft).toBe(0);
    expect((await spend(p, 1)).body.code).toBe('order/package_used_up');
  });

  it('refuses a balance that is someone else\'s, for another listener or service, not yet accepted, or expired; nothing changes', async () => {
    const p = await boughtPackage();
    const stranger = await loginAs(t);
    expect((await spend(p, 1, stranger.headers)).body.code).toBe('order/package_balance_not_found');
    expect((await spend(p, 1, p.talker.headers, 'VOICE')).body.code).toBe('order/package_service_mismatch');
    const other = await listenerWithSession(t);
    expect((await createOrder(t, p.talker.headers, { listenerId: other.user.id, serviceType: 'TEXT', units: 1, balanceId: p.balanceId })).body.code).toBe('order/package_balance_not_found');
    expect((await createOrder(t, p.talker.headers, { listenerId: p.listener.user.id, serviceType: 'TEXT', balanceId: p.balanceId })).body.code).toBe('order/units_or_package');
    expect((await createOrder(t, p.talker.headers, { listenerId: p.listener.user.id, serviceType: 'TEXT', units: 1, balanceId: 'x' })).status).toBe(400);
    expect((await spend({ ...p, balanceId: randomUUID() }, 1)).body.code).toBe('order/package_balance_not_found');

    await t.prisma.packageBalance.update({ where: { id: p.balanceId }, data: { expiresAt: new Date(Date.now() - 1000) } });
    const expired = await spend(p, 1);
    expect(expired.status).toBe(409);
    expect(expired.body.code).toBe('order/package_expired');
    expect((await balanceOf(p.packageOrderId)).minutesLeft).toBe(60);
    expect(await t.prisma.order.count({ where: { parentOrderId: p.packageOrderId } })).toBe(0);

    // Paid but not accepted yet: not spendable.
    const talker = await loginAs(t);
    const pkg = await t.prisma.topicPackage.create({ data: { listenerId: p.listener.user.id, topic: 'CAREER', serviceType: 'TEXT', minutes: 60, priceFen: 9900 } });
    const bought = await createOrder(t, talker.headers, { listenerId: p.listener.user.id, serviceType: 'TEXT', packageId: pkg.id });
    await payOrder(t, wx, talker.headers, bought.body.id);
    const [pending] = (await t.request('/api/orders/packages', { headers: talker.headers })).body as { id: string; usable: boolean }[];
    expect(pending.usable).toBe(false);
    expect((await createOrder(t, talker.headers, { listenerId: p.listener.user.id, serviceType: 'TEXT', units: 1, balanceId: pending.id })).body.code).toBe('order/package_not_usable');
  });

  it('never overdraws a balance under concurrent spends', async () => {
    const p = await boughtPackage(45);
    const results = await Promise.all(Array.from({ length: 6 }, () => spend(p, 1)));
    expect(results.filter((r) => r.status === 201)).toHaveLength(3);
    expect(results.filter((r) => r.status !== 201).every((r) => r.status === 409 && r.body.code === 'order/package_used_up')).toBe(true);
    expect((await balanceOf(p.packageOrderId)).minutesLeft).toBe(0);
  });

  it('gives every minute back on a decline, a cancel before acceptance and an accept timeout', async () => {
    const p = await boughtPackage();
    const declined = await spend(p, 1);
    expect((await post(t, `/api/orders/${declined.body.id}/decline`, p.listener.headers, { reason: '临时有事' })).body.status).toBe('REFUNDED');
    const cancelled = await spend(p, 2);
    expect((await post(t, `/api/orders/${cancelled.body.id}/cancel`, p.talker.headers)).body.status).toBe('REFUNDED');
    const timedOut = await spend(p, 4);
    expect((await balanceOf(p.packageOrderId)).minutesLeft).toBe(0);
    await fireTimer(t, ORDER_ACCEPT_TIMEOUT_JOB, timedOut.body.id);
    expect((await orderStatus(t, timedOut.body.id)).status).toBe('REFUNDED');
    expect((await balanceOf(p.packageOrderId)).minutesLeft).toBe(60);
    expect(await orderHistory(t, declined.body.id)).toEqual(['PENDING_PAYMENT', 'PAID', 'REFUNDING', 'REFUNDED']);
    // No money moved: no refund at WeChat Pay for any of them.
    expect(await t.prisma.refund.count({ where: { orderId: { in: [declined.body.id, cancelled.body.id, timedOut.body.id] } } })).toBe(0);
    expect((await orderStatus(t, p.packageOrderId)).status).toBe('ACCEPTED');
  });

  it('a listener no-show gives every minute back', async () => {
    const p = await boughtPackage();
    const order = await spend(p, 2);
    await post(t, `/api/orders/${order.body.id}/accept`, p.listener.headers);
    const session = await t.prisma.session.findUniqueOrThrow({ where: { orderId: order.body.id } });
    await post(t, `/api/sessions/${session.id}/join`, p.talker.headers);
    await shiftSession(t, session.id, t.config.SESSION_LISTENER_NO_SHOW_MINUTES * 60 + 1);
    await runDue(t);
    expect((await sessionRow(t, session.id)).status).toBe('CANCELLED');
    expect((await orderStatus(t, order.body.id)).status).toBe('REFUNDED');
    expect((await balanceOf(p.packageOrderId)).minutesLeft).toBe(60);
  });

  it('a listener who ends early gives back the minutes not used; a talker who ends early pays one unit at least', async () => {
    const p = await boughtPackage();
    const first = await activeOnPackage(p, 2); // 30 minutes
    await shiftSession(t, first.sessionId, 125);
    await post(t, `/api/sessions/${first.sessionId}/end`, p.listener.headers);
    await waitForSession(t, first.sessionId, 'ENDED');
    expect((await orderStatus(t, first.orderId)).status).toBe('COMPLETED');
    // 125 s used → 2 minutes charged, 28 back: 60 − 30 + 28.
    expect((await balanceOf(p.packageOrderId)).minutesLeft).toBe(58);

    const second = await activeOnPackage(p, 2);
    await shiftSession(t, second.sessionId, 60);
    await post(t, `/api/sessions/${second.sessionId}/end`, p.talker.headers);
    await waitForSession(t, second.sessionId, 'ENDED');
    // One 15-minute unit charged, 15 back: 58 − 30 + 15.
    expect((await balanceOf(p.packageOrderId)).minutesLeft).toBe(43);
    expect(await t.prisma.refund.count({ where: { orderId: { in: [first.orderId, second.orderId] } } })).toBe(0);
  });

  it('a dispute about a package-funded session can only be decided NONE: a clear 409 for FULL and PARTIAL, nothing changed', async () => {
    const p = await boughtPackage();
    const s = await activeOnPackage(p, 1);
    await shiftSession(t, s.sessionId, 300);
    await post(t, `/api/sessions/${s.sessionId}/end`, p.listener.headers);
    await waitForSession(t, s.sessionId, 'ENDED');
    const opened = await post(t, `/api/sessions/${s.sessionId}/dispute`, p.talker.headers, { reason: '倾听者一直在敷衍' });
    expect(opened.status).toBe(201);
    const agent = await loginAs(t, ['AGENT']);
    const decide = (body: unknown) => post(t, `/api/ops/disputes/${opened.body.id}/decide`, agent.headers, body);
    const minutesLeft = (await balanceOf(p.packageOrderId)).minutesLeft;
    for (const body of [{ decision: 'FULL', note: '倾听者敷衍' }, { decision: 'PARTIAL', refundFen: 100, note: '倾听者敷衍' }]) {
      const refused = await decide(body);
      expect([refused.status, refused.body.code]).toEqual([409, 'dispute/package_funded']);
      expect(refused.body.message).toContain('套餐订单');
    }
    expect((await orderStatus(t, s.orderId)).status).toBe('DISPUTED');
    expect((await balanceOf(p.packageOrderId)).minutesLeft).toBe(minutesLeft);
    expect(await t.prisma.dispute.findUniqueOrThrow({ where: { id: opened.body.id } })).toMatchObject({ status: 'OPEN' });
    const none = await decide({ decision: 'NONE', note: '聊天记录显示倾听者正常回复' });
    expect(none.status).toBe(200);
    expect((await orderStatus(t, s.orderId)).status).toBe('COMPLETED');
  });

  it('completes the package when its minutes are used up, and its earnings start the dispute window then', async () => {
    const p = await boughtPackage(15);
    const s = await activeOnPackage(p, 1);
    expect((await orderStatus(t, p.packageOrderId)).status).toBe('ACCEPTED'); // a session is still spending it
    expect(await t.prisma.earningHold.count({ where: { orderId: p.packageOrderId } })).toBe(0);
    await shiftSession(t, s.sessionId, 15 * 60);
    await runDue(t);
    expect((await waitForSession(t, s.sessionId, 'ENDED')).endReason).toBe('TIME_UP');
    expect((await orderStatus(t, p.packageOrderId)).status).toBe('COMPLETED');
    expect(await orderHistory(t, p.packageOrderId)).toEqual(['PENDING_PAYMENT', 'PAID', 'ACCEPTED', 'COMPLETED']);
    const hold = await t.prisma.earningHold.findUniqueOrThrow({ where: { orderId: p.packageOrderId } });
    expect(hold.releaseAt.getTime()).toBeGreaterThan(Date.now() + (t.config.DISPUTE_WINDOW_HOURS - 1) * 3600_000);
    expect(await t.prisma.scheduledJob.count({ where: { kind: PACKAGE_EXPIRE_JOB, key: p.packageOrderId, doneAt: null } })).toBe(0);
  });

  it('at expiry the unused minutes lapse and the package completes; minutes a session gives back later lapse too', async () => {
    const p = await boughtPackage();
    const s = await activeOnPackage(p, 1);
    await fireTimer(t, PACKAGE_EXPIRE_JOB, p.packageOrderId);
    expect((await balanceOf(p.packageOrderId)).minutesLeft).toBe(0);
    expect((await orderStatus(t, p.packageOrderId)).status).toBe('ACCEPTED'); // the session in progress finishes first
    await t.prisma.packageBalance.update({ where: { orderId: p.packageOrderId }, data: { expiresAt: new Date(Date.now() - 1000) } });
    await post(t, `/api/sessions/${s.sessionId}/end`, p.listener.headers);
    await waitForSession(t, s.sessionId, 'ENDED');
    expect((await balanceOf(p.packageOrderId)).minutesLeft).toBe(0);
    expect((await orderStatus(t, p.packageOrderId)).status).toBe('COMPLETED');
    expect((await t.prisma.orderTransition.findFirstOrThrow({ where: { orderId: p.packageOrderId, to: 'COMPLETED' } })).reason).toContain('用完');

    // A package nobody spent: the expiry itself completes it, naming the lapsed minutes.
    const idle = await boughtPackage();
    await fireTimer(t, PACKAGE_EXPIRE_JOB, idle.packageOrderId);
    expect((await orderStatus(t, idle.packageOrderId)).status).toBe('COMPLETED');
    expect((await t.prisma.orderTransition.findFirstOrThrow({ where: { orderId: idle.packageOrderId, to: 'COMPLETED' } })).reason).toBe('套餐到期，未使用的 60 分钟已失效');
  });

  it('a declined package cannot be spent: its refund voids the balance', async () => {
    const talker = await loginAs(t);
    const listener = await listenerWithSession(t, { tier: 'SENIOR' });
    const pkg = await t.prisma.topicPackage.create({ data: { listenerId: listener.user.id, topic: 'FAMILY', serviceType: 'TEXT', minutes: 60, priceFen: 9900 } });
    const bought = await createOrder(t, talker.headers, { listenerId: listener.user.id, serviceType: 'TEXT', packageId: pkg.id });
    await payOrder(t, wx, talker.headers, bought.body.id);
    expect((await post(t, `/api/orders/${bought.body.id}/decline`, listener.headers, { reason: '这个话题我不擅长' })).status).toBe(200);
    expect((await balanceOf(bought.body.id)).minutesLeft).toBe(0);
    const [balance] = (await t.request('/api/orders/packages', { headers: talker.headers })).body as { usable: boolean }[];
    expect(balance.usable).toBe(false);
  });

  it('extends a package-funded session with money at the listener\'s current price', async () => {
    const p = await boughtPackage();
    const s = await activeOnPackage(p, 1);
    await t.prisma.listenerProfile.update({ where: { userId: p.listener.user.id }, data: { priceTextFen: 2500 } });
    const extension = await post(t, `/api/sessions/${s.sessionId}/extend`, p.talker.headers, { units: 2 });
    expect(extension.status).toBe(200);
    expect(extension.body).toMatchObject({ kind: 'EXTENSION', unitPriceFen: 2500, totalFen: 5000, paidWithPackage: false });
    expect((await sessionRow(t, s.sessionId)).status).toBe('ACTIVE');
  });

  describe('offered from the workbench', () => {
    const offer = (headers: Headers, body: Record<string, unknown>) => post(t, '/api/workbench/packages', headers, body);
    const valid = { topic: 'EMOTION', serviceType: 'TEXT', minutes: 60, priceFen: 6800 };
    /** DELETE has no body, so no content-type either. */
    const takeOff = (headers: Headers, id: string) => t.request(`/api/workbench/packages/${id}`, { method: 'DELETE', headers: { authorization: headers.authorization } });

    it('puts a package on sale within the tier\'s bounds, lists it publicly, and takes it off sale', async () => {
      const listener = await listenerWithSession(t); // NEW tier: 10–30 CNY per 15 minutes, topic EMOTION, text only
      const created = await offer(listener.headers, valid);
      expect(created.status).toBe(201);
      expect(created.body).toEqual({ id: expect.any(String), listenerId: listener.user.id, ...valid });
      expect((await t.request(`/api/listeners/${listener.user.id}/packages`)).body).toEqual([created.body]);
      expect((await t.request('/api/workbench/packages', { headers: listener.headers })).body).toEqual([created.body]);
      expect((await takeOff(listener.headers, created.body.id)).status).toBe(204);
      expect((await t.request(`/api/listeners/${listener.user.id}/packages`)).body).toEqual([]);
    });

    it('refuses bad packages with a clear error and creates nothing', async () => {
      const listener = await listenerWithSession(t);
      const cases: [Record<string, unknown>, number, string][] = [
        [{ ...valid, topic: 'CAREER' }, 400, 'order/package_topic_not_mine'],
        [{ ...valid, serviceType: 'VOICE' }, 400, 'order/service_not_offered'],
        [{ ...valid, minutes: 50 }, 400, 'request/invalid'],
        [{ ...valid, minutes: 15 }, 400, 'request/invalid'],
        [{ ...valid, minutes: 615 }, 400, 'request/invalid'],
        [{ ...valid, priceFen: 3999 }, 400, 'order/package_price_out_of_bounds'], // 4 units × 10 CNY at least
        [{ ...valid, priceFen: 12001 }, 400, 'order/package_price_out_of_bounds'], // 4 units × 30 CNY at most
        [{ ...valid, priceFen: 68.5 }, 400, 'request/invalid'],
      ];
      for (const [body, status, code] of cases) {
        const res = await offer(listener.headers, body);
        expect([res.status, res.body.code, JSON.stringify(body)]).toEqual([status, code, JSON.stringify(body)]);
        expect(res.body.message).toEqual(expect.any(String));
      }
      expect((await offer(listener.headers, { ...valid, priceFen: 4000 })).status).toBe(201);
      expect((await offer(listener.headers, { ...valid, priceFen: 12000 })).status).toBe(201);
      expect(await t.prisma.topicPackage.count({ where: { listenerId: listener.user.id } })).toBe(2);
      const talker = await loginAs(t);
      expect((await offer(talker.headers, valid)).status).toBe(403);
      const other = await listenerWithSession(t);
      const mine = (await t.request('/api/workbench/packages', { headers: listener.headers })).body as { id: string }[];
      expect((await takeOff(other.headers, mine[0].id)).body.code).toBe('order/package_not_found');
    });

    it('keeps at most 5 on sale, even when offered at once', async () => {
      const listener = await listenerWithSession(t);
      const results = await Promise.all(Array.from({ length: 8 }, (_, i) => offer(listener.headers, { ...valid, priceFen: 5000 + i * 100 })));
      expect(results.filter((r) => r.status === 201)).toHaveLength(5);
      expect(results.filter((r) => r.status === 409).every((r) => r.body.code === 'order/package_limit')).toBe(true);
    });

    it('minutes bought stay spendable after the package is taken off sale', async () => {
      const p = await boughtPackage();
      const pkg = await t.prisma.topicPackage.findFirstOrThrow({ where: { listenerId: p.listener.user.id } });
      expect((await takeOff(p.listener.headers, pkg.id)).status).toBe(204);
      expect((await spend(p, 1)).body).toMatchObject({ status: 'PAID', paidWithPackage: true });
    });
  });

  it('keeps the ledger invariant', async () => {
    expect(await ledgerCheck(t)).toMatchObject({ ok: true, unbalanced: [], mismatches: [] });
  });
});

import { ledgerCheck, post, waitFor, waitForStatus } from '../../test/orders';
import { activeSession, orderHistory, payAtSimulator, runDue, sessionRow, shiftSession, waitForSession } from '../../test/sessions';
import { TestApp, useAppWithSimulator } from '../../test/test-app';
import { TestSimulator } from '../../test/wechat';

/** Settlement, extensions and gifts (PRODUCT.md §3, §4): every amount asserted to the fen. */
describe('session money: early ends, extensions, grace, gifts (e2e)', () => {
  let wx: TestSimulator;
  let t: TestApp;

  useAppWithSimulator((app, sim) => ([t, wx] = [app, sim]));

  const order = (id: string) => t.prisma.order.findUniqueOrThrow({ where: { id } });

  it('charges a talker who ends early at least one unit of the first order, and refunds the rest', async () => {
    const s = await activeSession(t, wx, { units: 2 });
    await shiftSession(t, s.sessionId, 300);
    const res = await post(t, `/api/sessions/${s.sessionId}/end`, s.talker.headers);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'ENDED', endReason: 'TALKER_ENDED', chargedFen: 2000, myRole: 'talker' });
    const ended = await sessionRow(t, s.sessionId);
    expect(ended).toMatchObject({ endReason: 'TALKER_ENDED', endedById: s.talker.id, chargedFen: 2000 });
    expect(ended.usedSeconds).toBeGreaterThanOrEqual(300);
    expect(ended.usedSeconds).toBeLessThan(303);
    expect((await waitForStatus(t, s.orderId, 'PARTIALLY_REFUNDED')).refundedFen).toBe(2000);
    expect(await orderHistory(t, s.orderId)).toEqual(['PENDING_PAYMENT', 'PAID', 'ACCEPTED', 'IN_SESSION', 'COMPLETED', 'REFUNDING', 'PARTIALLY_REFUNDED']);
    expect(await t.prisma.earningHold.count({ where: { orderId: s.orderId } })).toBe(1);
    // The end and reminder timers went with the end.
    expect(await t.prisma.scheduledJob.count({ where: { key: s.sessionId, kind: { in: ['session.end', 'session.reminder'] } } })).toBe(0);
    // A retry by the same party answers the ended view; the other party is told it is over.
    expect((await post(t, `/api/sessions/${s.sessionId}/end`, s.talker.headers)).body).toMatchObject({ status: 'ENDED', chargedFen: 2000 });
    expect((await post(t, `/api/sessions/${s.sessionId}/end`, s.listener.headers)).body.code).toBe('session/not_active');
  });

  it('charges past the first unit to the second, rounded down', async () => {
    const s = await activeSession(t, wx, { units: 2 });
    await shiftSession(t, s.sessionId, 1000);
    await post(t, `/api/sessions/${s.sessionId}/end`, s.talker.headers);
    const ended = await sessionRow(t, s.sessionId);
    const charged = Math.floor((4000 * ended.usedSeconds!) / 1800);
    expect(ended.usedSeconds).toBeGreaterThanOrEqual(1000);
    expect(ended.chargedFen).toBe(charged);
    expect((await waitForStatus(t, s.orderId, 'PARTIALLY_REFUNDED')).refundedFen).toBe(4000 - charged);
  });

  it('charges only the seconds used when the listener ends early (no minimum)', async () => {
    const s = await activeSession(t, wx, { units: 2 });
    await shiftSession(t, s.sessionId, 123);
    const res = await post(t, `/api/sessions/${s.sessionId}/end`, s.listener.headers);
    expect(res.body).toMatchObject({ status: 'ENDED', endReason: 'LISTENER_ENDED', myRole: 'listener' });
    const ended = await sessionRow(t, s.sessionId);
    expect(ended.usedSeconds).toBeGreaterThanOrEqual(123);
    expect(ended.usedSeconds).toBeLessThan(126);
    const charged = Math.floor((4000 * ended.usedSeconds!) / 1800); // 273 for 123 s
    expect(ended.chargedFen).toBe(charged);
    expect((await waitForStatus(t, s.orderId, 'PARTIALLY_REFUNDED')).refundedFen).toBe(4000 - charged);
  });

  it('refunds everything when the listener ends a session at once', async () => {
    const s = await activeSession(t, wx, { units: 1 });
    await post(t, `/api/sessions/${s.sessionId}/end`, s.listener.headers);
    expect(await sessionRow(t, s.sessionId)).toMatchObject({ usedSeconds: 0, chargedFen: 0 });
    expect((await waitForStatus(t, s.orderId, 'REFUNDED')).refundedFen).toBe(2000);
    // Nothing earned, nothing held.
    expect(await t.prisma.earningHold.count({ where: { orderId: s.orderId } })).toBe(0);
  });

  it('ends once when both parties end at the same moment', async () => {
    const s = await activeSession(t, wx, { units: 2 });
    await shiftSession(t, s.sessionId, 400);
    const results = await Promise.all([post(t, `/api/sessions/${s.sessionId}/end`, s.talker.headers), post(t, `/api/sessions/${s.sessionId}/end`, s.listener.headers)]);
    expect(results.map((r) => r.status).sort()).toEqual([200, 409]);
    expect(results.find((r) => r.status === 409)!.body.code).toBe('session/not_active');
    const ended = await sessionRow(t, s.sessionId);
    const winner = results.find((r) => r.status === 200)!.body.myRole;
    expect(ended.endReason).toBe(winner === 'talker' ? 'TALKER_ENDED' : 'LISTENER_ENDED');
    expect(await t.prisma.sessionEvent.count({ where: { sessionId: s.sessionId, kind: 'status:ENDED' } })).toBe(1);
    const refunds = await t.prisma.refund.findMany({ where: { orderId: s.orderId } });
    expect(refunds).toHaveLength(1);
    expect(refunds[0].amountFen).toBe(4000 - ended.chargedFen!);
    expect((await waitForStatus(t, s.orderId, 'PARTIALLY_REFUNDED')).refundedFen).toBe(4000 - ended.chargedFen!);
  });

  it('ends once when an end request races the end timer', async () => {
    const s = await activeSession(t, wx, { units: 1 });
    await shiftSession(t, s.sessionId, 900);
    const [res] = await Promise.all([post(t, `/api/sessions/${s.sessionId}/end`, s.talker.headers), runDue(t)]);
    expect([200, 409]).toContain(res.status);
    const ended = await waitForSession(t, s.sessionId, 'ENDED');
    expect(await t.prisma.sessionEvent.count({ where: { sessionId: s.sessionId, kind: 'status:ENDED' } })).toBe(1);
    // At the paid end the talker used everything: charged in full whoever won.
    expect(ended.chargedFen).toBe(2000);
    expect(await t.prisma.refund.count({ where: { orderId: s.orderId } })).toBe(0);
    expect((await order(s.orderId)).status).toBe('COMPLETED');
  });

  it('extends a running session when the extension is paid in time', async () => {
    const s = await activeSession(t, wx, { units: 1 });
    const before = await sessionRow(t, s.sessionId);
    const ext = await post(t, `/api/sessions/${s.sessionId}/extend`, s.talker.headers, { units: 2 });
    expect(ext.status).toBe(200);
    expect(ext.body).toMatchObject({ kind: 'EXTENSION', parentOrderId: s.orderId, status: 'PENDING_PAYMENT', units: 2, minutes: 30, unitPriceFen: 2000, totalFen: 4000 });
    expect((await t.request(`/api/sessions/${s.sessionId}`, { headers: s.talker.headers })).body.extensionPending).toBe(true);
    // A double tap returns the same order; a different length waits for this one.
    expect((await post(t, `/api/sessions/${s.sessionId}/extend`, s.talker.headers, { units: 2 })).body.id).toBe(ext.body.id);
    expect((await post(t, `/api/sessions/${s.sessionId}/extend`, s.talker.headers, { units: 1 })).body.code).toBe('session/extension_pending');
    expect(await t.prisma.scheduledJob.count({ where: { kind: 'order.expire', key: ext.body.id, doneAt: null } })).toBe(1);

    await payAtSimulator(t, wx, s.talker.headers, ext.body.id);
    await waitForStatus(t, ext.body.id, 'IN_SESSION');
    const extended = await sessionRow(t, s.sessionId);
    expect(extended.paidSeconds).toBe(900 + 1800);
    expect(extended.endsAt!.getTime()).toBe(before.endsAt!.getTime() + 1800_000);
    const jobs = await t.prisma.scheduledJob.findMany({ where: { key: s.sessionId, kind: { in: ['session.end', 'session.reminder'] }, doneAt: null }, orderBy: { kind: 'asc' } });
    expect(jobs.map((j) => j.dueAt.getTime())).toEqual([extended.endsAt!.getTime(), extended.endsAt!.getTime() - 300_000]);
    expect((await t.request(`/api/sessions/${s.sessionId}`, { headers: s.listener.headers })).body).toMatchObject({ paidSeconds: 2700, extensionPending: false });

    await shiftSession(t, s.sessionId, 2700);
    await runDue(t);
    expect(await waitForSession(t, s.sessionId, 'ENDED')).toMatchObject({ endReason: 'TIME_UP', usedSeconds: 2700, chargedFen: 6000 });
    expect(await order(s.orderId)).toMatchObject({ status: 'COMPLETED', refundedFen: 0 });
    expect(await order(ext.body.id)).toMatchObject({ status: 'COMPLETED', refundedFen: 0 });
    expect(await orderHistory(t, ext.body.id)).toEqual(['PENDING_PAYMENT', 'PAID', 'IN_SESSION', 'COMPLETED']);
  });

  it('holds the end for the grace period while the extension is being paid, and bills the first order before the extension', async () => {
    const s = await activeSession(t, wx, { units: 1 });
    const ext = await post(t, `/api/sessions/${s.sessionId}/extend`, s.talker.headers, { units: 1 });
    await shiftSession(t, s.sessionId, 900);
    await runDue(t);
    const held = await sessionRow(t, s.sessionId);
    expect(held.status).toBe('ACTIVE');
    expect(held.endsAt!.getTime()).toBe(held.startedAt!.getTime() + 900_000 + 120_000);
    expect(await t.prisma.sessionEvent.count({ where: { sessionId: s.sessionId, kind: 'grace' } })).toBe(1);
    expect((await t.request(`/api/sessions/${s.sessionId}`, { headers: s.talker.headers })).body).toMatchObject({ status: 'ACTIVE', extensionPending: true, endsAt: held.endsAt!.toISOString() });

    await payAtSimulator(t, wx, s.talker.headers, ext.body.id);
    await waitForStatus(t, ext.body.id, 'IN_SESSION');
    const extended = await sessionRow(t, s.sessionId);
    expect(extended.paidSeconds).toBe(1800);
    expect(extended.endsAt!.getTime()).toBe(extended.startedAt!.getTime() + 1800_000);
    expect(await t.prisma.scheduledJob.count({ where: { key: s.sessionId, kind: 'session.grace_end', doneAt: null } })).toBe(0);

    // 1000 s in: the first order's 900 s in full, 100 s of the extension's 900.
    await shiftSession(t, s.sessionId, 100);
    await post(t, `/api/sessions/${s.sessionId}/end`, s.talker.headers);
    const ended = await sessionRow(t, s.sessionId);
    const extCharge = Math.floor((2000 * (ended.usedSeconds! - 900)) / 900);
    expect(ended.chargedFen).toBe(2000 + extCharge);
    expect(await order(s.orderId)).toMatchObject({ status: 'COMPLETED', refundedFen: 0 });
    expect((await waitForStatus(t, ext.body.id, 'PARTIALLY_REFUNDED')).refundedFen).toBe(2000 - extCharge);
  });

  it('ends after the grace period when the extension is not paid, and refunds the extension paid after the end', async () => {
    const s = await activeSession(t, wx, { units: 1 });
    const ext = await post(t, `/api/sessions/${s.sessionId}/extend`, s.talker.headers, { units: 1 });
    await shiftSession(t, s.sessionId, 900);
    await runDue(t);
    expect((await sessionRow(t, s.sessionId)).status).toBe('ACTIVE');
    await shiftSession(t, s.sessionId, 120);
    await runDue(t);
    // Grace is held once per paid end: the grace timer ends it.
    expect(await waitForSession(t, s.sessionId, 'ENDED')).toMatchObject({ endReason: 'TIME_UP', usedSeconds: 900, chargedFen: 2000 });
    expect(await t.prisma.sessionEvent.count({ where: { sessionId: s.sessionId, kind: 'grace' } })).toBe(1);

    await payAtSimulator(t, wx, s.talker.headers, ext.body.id);
    const refunded = await waitForStatus(t, ext.body.id, 'REFUNDED');
    expect(refunded.refundedFen).toBe(2000);
    expect(await orderHistory(t, ext.body.id)).toEqual(['PENDING_PAYMENT', 'PAID', 'REFUNDING', 'REFUNDED']);
    expect(await t.prisma.earningHold.count({ where: { orderId: ext.body.id } })).toBe(0);
    expect(await sessionRow(t, s.sessionId)).toMatchObject({ status: 'ENDED', paidSeconds: 900, chargedFen: 2000 });
    expect(await order(s.orderId)).toMatchObject({ status: 'COMPLETED', refundedFen: 0 });
  });

  it('refunds in full an extension paid after the talker ended the session', async () => {
    const s = await activeSession(t, wx, { units: 1 });
    const ext = await post(t, `/api/sessions/${s.sessionId}/extend`, s.talker.headers, { units: 3 });
    await post(t, `/api/sessions/${s.sessionId}/end`, s.talker.headers);
    await payAtSimulator(t, wx, s.talker.headers, ext.body.id);
    expect((await waitForStatus(t, ext.body.id, 'REFUNDED')).refundedFen).toBe(6000);
    // Not counted in the session: it ended with its own order only (one unit minimum).
    expect(await sessionRow(t, s.sessionId)).toMatchObject({ paidSeconds: 900, chargedFen: 2000 });
    expect(await t.prisma.scheduledJob.count({ where: { key: s.sessionId, kind: { in: ['session.end', 'session.reminder'] }, doneAt: null } })).toBe(0);
  });

  it('refuses extensions that break the rules', async () => {
    const s = await activeSession(t, wx, { units: 1 });
    expect((await post(t, `/api/sessions/${s.sessionId}/extend`, s.listener.headers, { units: 1 })).body.code).toBe('session/forbidden');
    const tooMany = await post(t, `/api/sessions/${s.sessionId}/extend`, s.talker.headers, { units: 9 });
    expect([tooMany.status, tooMany.body.code]).toEqual([400, 'order/units_out_of_range']);
    for (const units of [0, 1.5, '2', undefined]) expect((await post(t, `/api/sessions/${s.sessionId}/extend`, s.talker.headers, { units })).body.code).toBe('request/invalid');
    expect((await post(t, `/api/sessions/${s.sessionId}/extend`, s.talker.headers, { units: 1, priceFen: 1 })).body.code).toBe('request/invalid');
    await post(t, `/api/sessions/${s.sessionId}/end`, s.listener.headers);
    expect((await post(t, `/api/sessions/${s.sessionId}/extend`, s.talker.headers, { units: 1 })).body.code).toBe('session/not_active');
    expect(await t.prisma.order.count({ where: { parentOrderId: s.orderId } })).toBe(0);
  });

  it('sends gifts from the catalogue during and after the session; the listener earns half', async () => {
    const s = await activeSession(t, wx, { units: 1 });
    expect((await post(t, `/api/sessions/${s.sessionId}/gifts`, s.listener.headers, { giftCode: 'flower' })).body.code).toBe('session/forbidden');
    expect((await post(t, `/api/sessions/${s.sessionId}/gifts`, s.talker.headers, { giftCode: 'rocket' })).body.code).toBe('session/gift_not_found');
    expect((await post(t, `/api/sessions/${s.sessionId}/gifts`, s.talker.headers, { giftCode: 'Flower!' })).body.code).toBe('request/invalid');
    const gift = await post(t, `/api/sessions/${s.sessionId}/gifts`, s.talker.headers, { giftCode: 'flower' });
    expect(gift.status).toBe(200);
    expect(gift.body).toMatchObject({ kind: 'GIFT', giftCode: 'flower', parentOrderId: s.orderId, totalFen: 520, minutes: 0, status: 'PENDING_PAYMENT' });
    await payAtSimulator(t, wx, s.talker.headers, gift.body.id);
    await waitForStatus(t, gift.body.id, 'COMPLETED');
    expect(await orderHistory(t, gift.body.id)).toEqual(['PENDING_PAYMENT', 'PAID', 'COMPLETED']);
    const entries = await t.prisma.ledgerEntry.findMany({ where: { transaction: { orderId: gift.body.id } } });
    expect(Object.fromEntries(entries.map((e) => [e.account.replace(s.listener.id, 'L'), e.amountFen]))).toEqual({ 'wechat:clearing': 520, 'platform:commission': -260, 'listener:L:held': -260 });
    expect(await t.prisma.sessionEvent.count({ where: { sessionId: s.sessionId, kind: 'gift' } })).toBe(1);
    expect(await t.prisma.earningHold.count({ where: { orderId: gift.body.id, listenerId: s.listener.id, releasedAt: null } })).toBe(1);

    // After the end, within the dispute window: still possible; after it: not.
    await post(t, `/api/sessions/${s.sessionId}/end`, s.talker.headers);
    const after = await post(t, `/api/sessions/${s.sessionId}/gifts`, s.talker.headers, { giftCode: 'hug' });
    expect(after.body).toMatchObject({ kind: 'GIFT', totalFen: 100 });
    await shiftSession(t, s.sessionId, 72 * 3600 + 1);
    expect((await post(t, `/api/sessions/${s.sessionId}/gifts`, s.talker.headers, { giftCode: 'hug' })).body.code).toBe('session/gift_window_closed');
    // The gift's session order itself is untouched by gifts.
    expect((await order(s.orderId)).status).toBe('COMPLETED');
  });

  it('keeps the ledger balanced and in step with every order', async () => {
    await waitFor(() => t.prisma.refund.count({ where: { status: { in: ['PENDING', 'PROCESSING'] } } }), (n) => n === 0, 15_000, 'refunds settled');
    expect(await ledgerCheck(t)).toMatchObject({ ok: true, unbalanced: [], mismatches: [] });
  });
});

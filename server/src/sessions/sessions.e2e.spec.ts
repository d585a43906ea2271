import { loginAs } from '../../test/auth';
import { ledgerCheck, post, waitFor, waitForStatus } from '../../test/orders';
import { connectSocket } from '../../test/realtime';
import { acceptedSession, activeSession, orderHistory, runDue, sessionRow, shiftSession, startSession, waitForSession } from '../../test/sessions';
import { startTestApp, TestApp, useAppWithSimulator } from '../../test/test-app';
import { startTestSimulator, TestSimulator } from '../../test/wechat';

const JSON_HEADERS = { 'content-type': 'application/json' };
const jobsOf = (t: TestApp, sessionId: string) =>
  t.prisma.scheduledJob.findMany({ where: { key: sessionId, kind: { startsWith: 'session.' }, doneAt: null }, orderBy: { kind: 'asc' } });

describe('timed sessions: lifecycle, timers, no-shows (e2e: app + simulator + PostgreSQL + Redis)', () => {
  let wx: TestSimulator;
  let t: TestApp;

  useAppWithSimulator((app, sim) => ([t, wx] = [app, sim]));

  it('opens a WAITING session with its conversation when the listener accepts', async () => {
    const s = await acceptedSession(t, wx, { units: 2 });
    const session = await sessionRow(t, s.sessionId);
    const order = await t.prisma.order.findUniqueOrThrow({ where: { id: s.orderId } });
    expect(session).toMatchObject({ status: 'WAITING', paidSeconds: 1800, serviceType: 'TEXT', talkerId: s.talker.id, listenerId: s.listener.id, startedAt: null });
    expect(session.startBy.getTime()).toBe(order.acceptedAt!.getTime() + 30 * 60_000);
    expect((await jobsOf(t, s.sessionId)).map((j) => [j.kind, j.dueAt.getTime()])).toEqual([['session.start_deadline', session.startBy.getTime()]]);
    const members = await t.prisma.conversationMember.findMany({ where: { conversationId: s.conversationId }, orderBy: { role: 'asc' } });
    expect(members.map((m) => [m.userId, m.role])).toEqual([
      [s.listener.id, 'LISTENER'],
      [s.talker.id, 'TALKER'],
    ]);

    // Each party sees the other by alias and avatar only; anyone else sees nothing.
    const talker = await t.prisma.user.findUniqueOrThrow({ where: { id: s.talker.id } });
    const asListener = await t.request(`/api/sessions/by-order/${s.orderId}`, { headers: s.listener.headers });
    expect(asListener.status).toBe(200);
    expect(asListener.body).toMatchObject({
      id: s.sessionId,
      orderId: s.orderId,
      conversationId: s.conversationId,
      status: 'WAITING',
      myRole: 'listener',
      peer: { alias: talker.alias, avatarUrl: expect.stringContaining('/api/avatars/') },
      talkerPresent: false,
      listenerPresent: false,
      startedAt: null,
      endsAt: null,
      paidSeconds: 1800,
      extensionPending: false,
      retainUntil: null,
      reviewed: false,
      disputable: false,
    });
    expect(Math.abs(Date.parse(asListener.body.serverTime) - Date.now())).toBeLessThan(5_000);
    expect(JSON.stringify(asListener.body)).not.toMatch(/openid|test-/);
    const stranger = await loginAs(t);
    for (const path of [`/api/sessions/${s.sessionId}`, `/api/sessions/by-order/${s.orderId}`]) {
      const res = await t.request(path, { headers: stranger.headers });
      expect([res.status, res.body.code]).toEqual([404, 'session/not_found']);
    }
    expect((await post(t, `/api/sessions/${s.sessionId}/join`, stranger.headers)).status).toBe(404);
    expect((await t.request('/api/sessions/not-a-uuid', { headers: s.talker.headers })).body.code).toBe('request/invalid');
  });

  it('starts the clock on the server when both are present, and tells both over the socket', async () => {
    const s = await acceptedSession(t, wx);
    const talkerSocket = await connectSocket(t, s.talker.token);
    const listenerSocket = await connectSocket(t, s.listener.token);
    try {
      const first = await post(t, `/api/sessions/${s.sessionId}/join`, s.talker.headers);
      expect(first.body).toMatchObject({ status: 'WAITING', talkerPresent: true, listenerPresent: false, myRole: 'talker' });
      const joined = await listenerSocket.next('session', (f) => f.event === 'joined');
      expect(joined.session).toMatchObject({ id: s.sessionId, myRole: 'listener', talkerPresent: true });
      const waiting = await sessionRow(t, s.sessionId);
      // The listener no-show timer runs from the talker's arrival.
      expect((await jobsOf(t, s.sessionId)).map((j) => [j.kind, j.dueAt.getTime()])).toEqual([
        ['session.listener_no_show', waiting.talkerJoinedAt!.getTime() + 10 * 60_000],
        ['session.start_deadline', waiting.startBy.getTime()],
      ]);
      // Joining again changes nothing.
      expect((await post(t, `/api/sessions/${s.sessionId}/join`, s.talker.headers)).body.status).toBe('WAITING');
      expect((await sessionRow(t, s.sessionId)).talkerJoinedAt).toEqual(waiting.talkerJoinedAt);

      const before = Date.now();
      const second = await post(t, `/api/sessions/${s.sessionId}/join`, s.listener.headers);
      expect(second.status).toBe(200);
      expect(second.body).toMatchObject({ status: 'ACTIVE', talkerPresent: true, listenerPresent: true, paidSeconds: 900 });
      const active = await sessionRow(t, s.sessionId);
      expect(active.startedAt!.getTime()).toBeGreaterThanOrEqual(before - 5);
      expect(active.endsAt!.getTime()).toBe(active.startedAt!.getTime() + 900_000);
      expect(second.body.endsAt).toBe(active.endsAt!.toISOString());
      for (const socket of [talkerSocket, listenerSocket]) {
        const started = await socket.next('session', (f) => f.event === 'started');
        expect(started.session).toMatchObject({ status: 'ACTIVE', endsAt: active.endsAt!.toISOString() });
      }
      expect((await t.prisma.order.findUniqueOrThrow({ where: { id: s.orderId } })).status).toBe('IN_SESSION');
      // The end and the T−5 reminder are timers; the start timers are gone.
      const jobs = await waitFor(() => jobsOf(t, s.sessionId), (j) => j.length === 2, 5_000, 'start timers dropped');
      expect(jobs.map((j) => [j.kind, j.dueAt.getTime()])).toEqual([
        ['session.end', active.endsAt!.getTime()],
        ['session.reminder', active.endsAt!.getTime() - 5 * 60_000],
      ]);
      const events = await t.prisma.sessionEvent.findMany({ where: { sessionId: s.sessionId }, orderBy: { at: 'asc' } });
      expect(events.map((e) => e.kind).sort()).toEqual(['joined', 'joined', 'status:ACTIVE', 'status:WAITING']);

      const active1 = await t.request('/api/sessions?state=active', { headers: s.listener.headers });
      expect(active1.body.items.map((v: { id: string }) => v.id)).toEqual([s.sessionId]);
      expect((await t.request('/api/sessions?state=past', { headers: s.listener.headers })).body.items).toEqual([]);
      expect((await t.request('/api/sessions?state=later', { headers: s.listener.headers })).body.code).toBe('request/invalid');
    } finally {
      await talkerSocket.close();
      await listenerSocket.close();
    }
  });

  it('runs the whole session: the T−5 reminder, then TIME_UP at the paid end with everything charged', async () => {
    const s = await activeSession(t, wx);
    const socket = await connectSocket(t, s.talker.token);
    try {
      await shiftSession(t, s.sessionId, 601);
      await runDue(t);
      const reminder = await socket.next('session', (f) => f.event === 'reminder');
      expect(reminder.session.status).toBe('ACTIVE');
      expect(await t.prisma.sessionEvent.count({ where: { sessionId: s.sessionId, kind: 'reminder' } })).toBe(1);

      await shiftSession(t, s.sessionId, 300);
      await runDue(t);
      const ended = await waitForSession(t, s.sessionId, 'ENDED');
      expect(ended).toMatchObject({ endReason: 'TIME_UP', usedSeconds: 900, chargedFen: 2000, endedById: null });
      const frame = await socket.next('session', (f) => f.event === 'ended');
      expect(frame.session).toMatchObject({ status: 'ENDED', endReason: 'TIME_UP', usedSeconds: 900, chargedFen: 2000, disputable: true, reviewed: false });
    } finally {
      await socket.close();
    }
    const order = await t.prisma.order.findUniqueOrThrow({ where: { id: s.orderId } });
    expect(order).toMatchObject({ status: 'COMPLETED', refundedFen: 0 });
    expect(await orderHistory(t, s.orderId)).toEqual(['PENDING_PAYMENT', 'PAID', 'ACCEPTED', 'IN_SESSION', 'COMPLETED']);
    expect(await t.prisma.refund.count({ where: { orderId: s.orderId } })).toBe(0);
    // The chat is kept for the retention window from the end.
    const ended = await sessionRow(t, s.sessionId);
    const conversation = await t.prisma.conversation.findUniqueOrThrow({ where: { id: s.conversationId } });
    expect(conversation.retainUntil!.getTime()).toBe(ended.endedAt!.getTime() + 72 * 3600_000);
    const view = await t.request(`/api/sessions/${s.sessionId}`, { headers: s.talker.headers });
    expect(view.body).toMatchObject({ retainUntil: conversation.retainUntil!.toISOString(), disputable: true });
    // The listener's earnings are held for the dispute window from the end.
    expect(await t.prisma.earningHold.findUnique({ where: { orderId: s.orderId } })).toMatchObject({
      listenerId: s.listener.id,
      releaseAt: new Date(ended.endedAt!.getTime() + 72 * 3600_000),
      releasedAt: null,
    });
    // After the commit, once: the listener's served counters.
    await waitFor(() => t.prisma.listenerProfile.findUniqueOrThrow({ where: { userId: s.listener.id } }), (p) => p.ordersServed === 1, 5_000, 'served counters');
    expect((await t.prisma.listenerProfile.findUniqueOrThrow({ where: { userId: s.listener.id } })).minutesServed).toBe(15);
    expect((await t.request('/api/sessions?state=past', { headers: s.talker.headers })).body.items.map((v: { id: string }) => v.id)).toEqual([s.sessionId]);
    // Nothing more happens to an ended session.
    expect((await post(t, `/api/sessions/${s.sessionId}/join`, s.talker.headers)).body.code).toBe('session/closed');
    expect((await post(t, `/api/sessions/${s.sessionId}/end`, s.talker.headers)).body.code).toBe('session/not_active');
    expect(await t.prisma.sessionEvent.count({ where: { sessionId: s.sessionId, kind: 'status:ENDED' } })).toBe(1);
  });

  it('ends sessions that time out together in one go: each once, each settled, each party told', async () => {
    const sessions = [await activeSession(t, wx), await activeSession(t, wx), await activeSession(t, wx, { units: 2 })];
    const socket = await connectSocket(t, sessions[2].listener.token);
    try {
      await Promise.all(sessions.map((s, i) => shiftSession(t, s.sessionId, i === 2 ? 1800 : 900)));
      await runDue(t);
      for (const [i, s] of sessions.entries()) {
        expect(await waitForSession(t, s.sessionId, 'ENDED')).toMatchObject({ endReason: 'TIME_UP', usedSeconds: i === 2 ? 1800 : 900, chargedFen: i === 2 ? 4000 : 2000 });
      }
      const frame = await socket.next('session', (f) => f.event === 'ended' && f.session.id === sessions[2].sessionId);
      expect(frame.session).toMatchObject({ status: 'ENDED', endReason: 'TIME_UP', chargedFen: 4000, usedSeconds: 1800 });
    } finally {
      await socket.close();
    }
    for (const s of sessions) {
      expect(await t.prisma.sessionEvent.count({ where: { sessionId: s.sessionId, kind: 'status:ENDED' } })).toBe(1);
      expect(await orderHistory(t, s.orderId)).toEqual(['PENDING_PAYMENT', 'PAID', 'ACCEPTED', 'IN_SESSION', 'COMPLETED']);
      expect(await t.prisma.earningHold.count({ where: { orderId: s.orderId } })).toBe(1);
      const conversation = await t.prisma.conversation.findUniqueOrThrow({ where: { id: s.conversationId } });
      expect(conversation.retainUntil).not.toBeNull();
      const [last] = await t.prisma.message.findMany({ where: { conversationId: s.conversationId }, orderBy: { seq: 'desc' }, take: 1 });
      expect(last).toMatchObject({ kind: 'SYSTEM', seq: conversation.lastSeq });
    }
    expect(await ledgerCheck(t)).toMatchObject({ ok: true });
  });

  it('lets the parties write only while the session runs; system lines mark its start, reminder and end', async () => {
    const s = await acceptedSession(t, wx);
    const talker = await connectSocket(t, s.talker.token);
    try {
      talker.send({ type: 'send', conversationId: s.conversationId, clientId: 'early-1', text: '在吗？' });
      expect(await talker.next('error', (f) => f.ref === 'early-1')).toMatchObject({ code: 'chat/closed' });
      await startSession(t, s);
      talker.send({ type: 'send', conversationId: s.conversationId, clientId: 'during-1', text: '你好，想聊聊最近的事' });
      expect((await talker.next('ack', (f) => f.clientId === 'during-1')).message).toMatchObject({ from: 'me', kind: 'TEXT' });
      await shiftSession(t, s.sessionId, 601);
      await runDue(t);
      await post(t, `/api/sessions/${s.sessionId}/end`, s.talker.headers);
      talker.send({ type: 'send', conversationId: s.conversationId, clientId: 'after-1', text: '还有一句' });
      expect(await talker.next('error', (f) => f.ref === 'after-1')).toMatchObject({ code: 'chat/closed' });
    } finally {
      await talker.close();
    }
    const history = await t.request(`/api/conversations/${s.conversationId}/messages?afterSeq=0`, { headers: s.listener.headers });
    expect(history.status).toBe(200);
    expect(history.body.messages.map((m: { from: string; text: string }) => [m.from, m.text.slice(0, 6)])).toEqual([
      ['system', '会话开始，时'],
      ['peer', '你好，想聊聊'],
      ['system', '距离会话结束'],
      ['system', '倾诉者结束了'],
    ]);
    const stranger = await loginAs(t);
    expect((await t.request(`/api/conversations/${s.conversationId}/messages?afterSeq=0`, { headers: stranger.headers })).status).toBe(404);
  });

  it('cancels a session nobody started within the window: the talker’s no-show, refunded in full (fee 0)', async () => {
    const s = await acceptedSession(t, wx);
    await post(t, `/api/sessions/${s.sessionId}/join`, s.listener.headers);
    await shiftSession(t, s.sessionId, 30 * 60 + 1);
    // Past startBy the window is closed, even before the timer runs.
    const late = await post(t, `/api/sessions/${s.sessionId}/join`, s.talker.headers);
    expect([late.status, late.body.code]).toEqual([409, 'session/start_window_passed']);
    await runDue(t);
    expect(await sessionRow(t, s.sessionId)).toMatchObject({ status: 'CANCELLED', endReason: 'TALKER_NO_SHOW', chargedFen: 0, usedSeconds: 0, startedAt: null });
    const order = await waitForStatus(t, s.orderId, 'REFUNDED');
    expect(order.refundedFen).toBe(2000);
    expect(await orderHistory(t, s.orderId)).toEqual(['PENDING_PAYMENT', 'PAID', 'ACCEPTED', 'REFUNDING', 'REFUNDED']);
    expect((await post(t, `/api/sessions/${s.sessionId}/join`, s.talker.headers)).body.code).toBe('session/closed');
    const past = await t.request(`/api/sessions/${s.sessionId}`, { headers: s.talker.headers });
    expect(past.body).toMatchObject({ status: 'CANCELLED', endReason: 'TALKER_NO_SHOW', disputable: false });
  });

  it('refunds in full when the listener is not there 10 minutes after the talker came', async () => {
    const s = await acceptedSession(t, wx, { units: 3 });
    await post(t, `/api/sessions/${s.sessionId}/join`, s.talker.headers);
    await shiftSession(t, s.sessionId, 9 * 60);
    await runDue(t);
    expect((await sessionRow(t, s.sessionId)).status).toBe('WAITING');
    await shiftSession(t, s.sessionId, 61);
    await runDue(t);
    expect(await sessionRow(t, s.sessionId)).toMatchObject({ status: 'CANCELLED', endReason: 'LISTENER_NO_SHOW', chargedFen: 0 });
    expect((await waitForStatus(t, s.orderId, 'REFUNDED')).refundedFen).toBe(6000);
    // The start deadline later finds nothing to do.
    await shiftSession(t, s.sessionId, 30 * 60);
    await runDue(t);
    expect(await t.prisma.refund.count({ where: { orderId: s.orderId } })).toBe(1);
  });

  it('counts it as the listener’s no-show when the talker came late in the window and the listener never did', async () => {
    const s = await acceptedSession(t, wx);
    await shiftSession(t, s.sessionId, 25 * 60);
    await post(t, `/api/sessions/${s.sessionId}/join`, s.talker.headers);
    // The no-show timer would fall after startBy: the start deadline decides instead.
    expect((await jobsOf(t, s.sessionId)).map((j) => j.kind)).toEqual(['session.start_deadline']);
    await shiftSession(t, s.sessionId, 5 * 60 + 1);
    await runDue(t);
    expect(await sessionRow(t, s.sessionId)).toMatchObject({ status: 'CANCELLED', endReason: 'LISTENER_NO_SHOW' });
    expect((await waitForStatus(t, s.orderId, 'REFUNDED')).refundedFen).toBe(2000);
  });

  it('binds a voice call and takes the simulated provider’s call start and hang-up as start and early end', async () => {
    const s = await acceptedSession(t, wx, { serviceType: 'VOICE', units: 2 });
    const text = await acceptedSession(t, wx);
    expect((await post(t, `/api/sessions/${text.sessionId}/voice/call`, text.talker.headers)).body.code).toBe('session/not_voice');
    const call = await post(t, `/api/sessions/${s.sessionId}/voice/call`, s.talker.headers);
    expect(call.status).toBe(200);
    expect(call.body).toMatchObject({ sessionId: s.sessionId, dial: expect.stringMatching(/^170\d{8}$/), roomToken: null });
    // Both parties dial the same virtual number; the provider bridges them.
    expect((await post(t, `/api/sessions/${s.sessionId}/voice/call`, s.listener.headers)).body.dial).toBe(call.body.dial);

    const connected = await post(t, `/api/dev/voice/${s.sessionId}/connected`, JSON_HEADERS);
    expect(connected.body).toMatchObject({ status: 'ACTIVE', talkerPresent: true, listenerPresent: true, paidSeconds: 1800 });
    await shiftSession(t, s.sessionId, 1000);
    const hangup = await post(t, `/api/dev/voice/${s.sessionId}/hangup`, JSON_HEADERS, { by: 'listener' });
    expect(hangup.status).toBe(200);
    const ended = await sessionRow(t, s.sessionId);
    expect(ended).toMatchObject({ status: 'ENDED', endReason: 'LISTENER_ENDED', endedById: s.listener.id });
    // 2 × 30 CNY = 6000 fen for 1800 s; the listener ended: exactly the seconds used.
    const expected = Math.floor((6000 * ended.usedSeconds!) / 1800);
    expect(ended.usedSeconds).toBeGreaterThanOrEqual(1000);
    expect(ended.usedSeconds).toBeLessThan(1003);
    expect(ended.chargedFen).toBe(expected);
    expect((await waitForStatus(t, s.orderId, 'PARTIALLY_REFUNDED')).refundedFen).toBe(6000 - expected);
    expect((await post(t, `/api/dev/voice/${s.sessionId}/hangup`, JSON_HEADERS, { by: 'talker' })).body.code).toBe('session/not_active');
    expect((await post(t, `/api/dev/voice/${s.sessionId}/hangup`, JSON_HEADERS, { by: 'nobody' })).body.code).toBe('request/invalid');
    expect((await post(t, `/api/dev/voice/${text.sessionId}/connected`, JSON_HEADERS)).body.code).toBe('session/not_found');
  });

  it('keeps the ledger balanced and in step with every order', async () => {
    expect(await ledgerCheck(t)).toMatchObject({ ok: true, unbalanced: [], mismatches: [] });
  });
});

describe('timed sessions with a talker no-show fee', () => {
  let wx: TestSimulator;
  let t: TestApp;

  beforeAll(async () => {
    wx = await startTestSimulator();
    t = await startTestApp({ ...wx.env, SESSION_NO_SHOW_FEE_FEN: '500' });
  });
  afterAll(async () => {
    await t?.close();
    await wx?.close();
  });

  it('keeps the fee and refunds the rest; a listener no-show still refunds everything', async () => {
    const s = await acceptedSession(t, wx);
    await shiftSession(t, s.sessionId, 30 * 60 + 1);
    await runDue(t);
    expect(await sessionRow(t, s.sessionId)).toMatchObject({ status: 'CANCELLED', endReason: 'TALKER_NO_SHOW', chargedFen: 500 });
    expect((await waitForStatus(t, s.orderId, 'PARTIALLY_REFUNDED')).refundedFen).toBe(1500);
    expect(await t.prisma.earningHold.count({ where: { orderId: s.orderId } })).toBe(1);

    const l = await acceptedSession(t, wx);
    await post(t, `/api/sessions/${l.sessionId}/join`, l.talker.headers);
    await shiftSession(t, l.sessionId, 10 * 60 + 1);
    await runDue(t);
    expect(await sessionRow(t, l.sessionId)).toMatchObject({ status: 'CANCELLED', endReason: 'LISTENER_NO_SHOW', chargedFen: 0 });
    expect((await waitForStatus(t, l.orderId, 'REFUNDED')).refundedFen).toBe(2000);
    expect(await t.prisma.earningHold.count({ where: { orderId: l.orderId } })).toBe(0);
    expect(await ledgerCheck(t)).toMatchObject({ ok: true });
  });

  it('completes the order when the fee takes the whole price', async () => {
    const s = await acceptedSession(t, wx, { profile: { priceTextFen: 500 } });
    await shiftSession(t, s.sessionId, 30 * 60 + 1);
    await runDue(t);
    expect(await sessionRow(t, s.sessionId)).toMatchObject({ status: 'CANCELLED', chargedFen: 500 });
    expect(await t.prisma.order.findUniqueOrThrow({ where: { id: s.orderId } })).toMatchObject({ status: 'COMPLETED', refundedFen: 0 });
    expect(await ledgerCheck(t)).toMatchObject({ ok: true });
  });
});

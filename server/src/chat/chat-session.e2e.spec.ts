import { randomUUID } from 'node:crypto';
import { post, waitFor, waitForStatus } from '../../test/orders';
import { connectSocket, type TestSocket } from '../../test/realtime';
import { acceptedSession, activeSession, payAtSimulator, sessionRow, startSession } from '../../test/sessions';
import { startTestApp, TestApp, useTwoInstances } from '../../test/test-app';
import { startTestSimulator, TestSimulator } from '../../test/wechat';
import { PrismaService } from '../infra/database/prisma.service';

/** Chat inside a real session: paid order, accepted, both joined (the SESSION policy of the sessions module). */
describe('chat in a real session (e2e: app + simulator + PostgreSQL + Redis)', () => {
  let wx: TestSimulator;
  let t: TestApp;
  const sockets: TestSocket[] = [];

  beforeAll(async () => {
    wx = await startTestSimulator();
    t = await startTestApp(wx.env);
  });
  afterEach(async () => {
    await Promise.all(sockets.splice(0).map((s) => s.close()));
  });
  afterAll(async () => {
    await t?.close();
    await wx?.close();
  });

  async function connect(token: string, conversationId: string) {
    const socket = await connectSocket(t, token);
    sockets.push(socket);
    socket.send({ type: 'subscribe', conversationId, afterSeq: 0 });
    await socket.next('history');
    return socket;
  }

  it('refuses messages until the session is ACTIVE and after it ended; between, both talk; crisis words reach both sides and the ops queue', async () => {
    const s = await acceptedSession(t, wx);
    const talker = await connect(s.talker.token, s.conversationId);
    const listener = await connect(s.listener.token, s.conversationId);

    talker.send({ type: 'send', conversationId: s.conversationId, clientId: 'early', text: '在吗？' });
    expect(await talker.next('error', (f) => f.ref === 'early')).toMatchObject({ code: 'chat/closed' });

    await startSession(t, s);
    talker.send({ type: 'send', conversationId: s.conversationId, clientId: 'hello', text: '你好，我想聊聊' });
    const acked = (await talker.next('ack', (f) => f.clientId === 'hello')).message;
    const got = await listener.next('message', (f) => f.message.clientId === 'hello');
    expect(got.message).toEqual({ ...acked, from: 'peer' });

    talker.send({ type: 'send', conversationId: s.conversationId, clientId: randomUUID(), text: '有时候真的想死了' });
    expect(await talker.next('care')).toEqual({ type: 'care', conversationId: s.conversationId, audience: 'talker' });
    expect(await listener.next('care')).toEqual({ type: 'care', conversationId: s.conversationId, audience: 'listener' });
    const [alert] = await waitFor(() => t.prisma.crisisAlert.findMany({ where: { conversationId: s.conversationId } }), (a) => a.length === 1, 5_000, 'crisis alert');
    expect(alert).toMatchObject({ userId: s.talker.id, category: 'suicide', status: 'OPEN' });

    const ended = await post(t, `/api/sessions/${s.sessionId}/end`, s.talker.headers);
    expect(ended.status).toBe(200);
    talker.send({ type: 'send', conversationId: s.conversationId, clientId: 'late', text: '还有一句' });
    expect(await talker.next('error', (f) => f.ref === 'late')).toMatchObject({ code: 'chat/closed' });

    // Both can still read the conversation until it is destroyed.
    const history = await t.request(`/api/conversations/${s.conversationId}/messages`, { headers: s.listener.headers });
    expect(history.status).toBe(200);
    expect(history.body.messages.map((m: { kind: string; text: string }) => m.kind === 'TEXT' && m.text).filter(Boolean)).toEqual(['你好，我想聊聊', '有时候真的想死了']);
  });
});

/**
 * The SESSION policy answers from a per-instance cache ("allowed until endsAt"): two instances on
 * one PostgreSQL and one Redis, the parties' sockets on different ones.
 */
describe('session chat across two instances (e2e: the policy cache and its eviction)', () => {
  let wx: TestSimulator;
  let a: TestApp;
  let b: TestApp;
  const sockets: TestSocket[] = [];

  beforeAll(async () => {
    wx = await startTestSimulator();
  });
  useTwoInstances((x, y) => ([a, b] = [x, y]), () => wx.env);
  afterEach(async () => {
    await Promise.all(sockets.splice(0).map((s) => s.close()));
  });
  afterAll(async () => {
    await wx?.close();
  });

  async function connect(app: TestApp, token: string, conversationId: string) {
    const socket = await connectSocket(app, token);
    sockets.push(socket);
    socket.send({ type: 'subscribe', conversationId, afterSeq: 0 });
    await socket.next('history');
    return socket;
  }

  async function accepted(socket: TestSocket, conversationId: string, clientId: string) {
    socket.send({ type: 'send', conversationId, clientId, text: clientId });
    await socket.next('ack', (f) => f.clientId === clientId);
  }

  async function refusal(socket: TestSocket, conversationId: string, clientId: string) {
    socket.send({ type: 'send', conversationId, clientId, text: clientId });
    return (await socket.next('error', (f) => f.ref === clientId)).code;
  }

  /** Moves only the session's paid end to `ms` from now (its timers stay where they were: nothing ends it meanwhile). */
  async function endsSoon(sessionId: string, ms: number) {
    const endsAt = new Date(Date.now() + ms);
    await a.prisma.session.update({ where: { id: sessionId }, data: { endsAt } });
    return endsAt.getTime();
  }

  const sleepUntil = (at: number) => new Promise((r) => setTimeout(r, Math.max(0, at - Date.now())));

  it('answers from memory while the session runs: no read of the session per message', async () => {
    const s = await activeSession(a, wx);
    const talkerOnB = await connect(b, s.talker.token, s.conversationId);
    const sql = b.app.get(PrismaService).sql;
    const query = jest.spyOn(sql, 'query');
    try {
      for (let i = 0; i < 10; i++) await accepted(talkerOnB, s.conversationId, `m${i}`);
      expect(query.mock.calls.filter(([text]) => /\bsessions\b/.test(text))).toEqual([]);
    } finally {
      query.mockRestore();
    }
  });

  it('an early end on one instance refuses the next message on the other (and on its own) at once', async () => {
    const s = await activeSession(a, wx);
    const talkerOnB = await connect(b, s.talker.token, s.conversationId);
    const listenerOnA = await connect(a, s.listener.token, s.conversationId);
    // Each instance has answered the policy: both hold "allowed until endsAt", 15 minutes away.
    await accepted(talkerOnB, s.conversationId, 'before-b');
    await accepted(listenerOnA, s.conversationId, 'before-a');

    expect((await post(a, `/api/sessions/${s.sessionId}/end`, s.listener.headers)).status).toBe(200);
    expect(await refusal(talkerOnB, s.conversationId, 'after-b')).toBe('chat/closed');
    expect(await refusal(listenerOnA, s.conversationId, 'after-a')).toBe('chat/closed');
  });

  it('refuses once endsAt has passed, with no end and no eviction', async () => {
    const s = await activeSession(a, wx);
    // Before B reads the session (the subscription does): in production endsAt only moves forward.
    const endsAt = await endsSoon(s.sessionId, 2_000);
    const talkerOnB = await connect(b, s.talker.token, s.conversationId);
    await accepted(talkerOnB, s.conversationId, 'before');

    await sleepUntil(endsAt + 50);
    expect(await refusal(talkerOnB, s.conversationId, 'after')).toBe('chat/closed');
    // Still ACTIVE (its end timer is far away): nothing was pushed, the cached permission ran out by itself.
    expect((await sessionRow(a, s.sessionId)).status).toBe('ACTIVE');
  });

  it('keeps sending allowed past the cached endsAt when an extension moved it forward', async () => {
    const s = await activeSession(a, wx);
    // Before B reads the session (the subscription does): in production endsAt only moves forward.
    const endsAt = await endsSoon(s.sessionId, 2_000);
    const talkerOnB = await connect(b, s.talker.token, s.conversationId);
    await accepted(talkerOnB, s.conversationId, 'before');

    const extension = await post(a, `/api/sessions/${s.sessionId}/extend`, s.talker.headers, { units: 1 });
    expect(extension.status).toBe(200);
    await payAtSimulator(a, wx, s.talker.headers, extension.body.id);
    await waitForStatus(a, extension.body.id, 'IN_SESSION');
    expect((await sessionRow(a, s.sessionId)).endsAt!.getTime()).toBeGreaterThan(Date.now() + 60_000);

    await sleepUntil(endsAt + 50);
    await accepted(talkerOnB, s.conversationId, 'after');
  });
});

import { loginAs } from '../../test/auth';
import { connectSocket, openConversation, type TestSocket } from '../../test/realtime';
import { startTestApp, TestApp, useTwoInstances } from '../../test/test-app';
import { RealtimeService } from '../realtime/realtime.service';
import { ChatService } from './chat.service';

/** Two instances on one PostgreSQL and one Redis (same key prefix), people connected to different ones. */
describe('chat across two instances (e2e: Redis pub/sub fan-out)', () => {
  let a: TestApp;
  let b: TestApp;
  const sockets: TestSocket[] = [];

  useTwoInstances((x, y) => ([a, b] = [x, y]));
  afterEach(async () => {
    await Promise.all(sockets.splice(0).map((s) => s.close()));
  });

  async function join(app: TestApp, token: string, conversationId: string, afterSeq = 0) {
    const socket = await connectSocket(app, token);
    sockets.push(socket);
    socket.send({ type: 'subscribe', conversationId, afterSeq });
    const history = await socket.next('history');
    return { socket, history };
  }

  async function pair() {
    const owner = await loginAs(a);
    const member = await loginAs(a);
    const conversationId = await openConversation(a, 'GROUP', [{ userId: owner.user.id, role: 'OWNER' }, { userId: member.user.id, role: 'MEMBER' }]);
    return { owner, member, conversationId };
  }

  it('delivers messages, typing, read receipts, system lines and care frames between sockets on different instances', async () => {
    const { owner, member, conversationId } = await pair();
    const { socket: onA } = await join(a, owner.token, conversationId);
    const { socket: onB } = await join(b, member.token, conversationId);
    const { socket: ownerOnB } = await join(b, owner.token, conversationId);

    onA.send({ type: 'send', conversationId, clientId: 'x1', text: '从 A 发出' });
    const acked = (await onA.next('ack')).message;
    expect((await onB.next('message')).message).toEqual({ ...acked, from: 'peer' });
    expect((await ownerOnB.next('message')).message).toEqual(acked);

    onB.send({ type: 'send', conversationId, clientId: 'y1', text: '从 B 回复' });
    expect((await onA.next('message')).message).toMatchObject({ seq: 2, from: 'peer', text: '从 B 回复', senderRole: 'MEMBER' });

    onB.send({ type: 'typing', conversationId });
    expect(await onA.next('typing')).toMatchObject({ conversationId, from: 'peer', alias: member.user.alias });
    onB.send({ type: 'read', conversationId, seq: 1 });
    expect(await onA.next('read')).toEqual({ type: 'read', conversationId, from: 'peer', seq: 1 });

    await b.app.get(ChatService).postSystem(conversationId, '群公告已更新');
    expect((await onA.next('message')).message).toMatchObject({ seq: 3, from: 'system', text: '群公告已更新' });
    await onB.next('message', (f) => f.message.seq === 3);

    onB.send({ type: 'send', conversationId, clientId: 'y2', text: '我想自杀' });
    expect((await onB.next('care')).audience).toBe('talker');
    expect((await onA.next('care')).audience).toBe('listener');
    expect((await ownerOnB.next('care')).audience).toBe('listener');
    expect(await a.app.get(RealtimeService).isOnline(member.user.id)).toBe(true);
  });

  it('resumes on the other instance when one shuts down: its sockets close with 1001 and nothing is lost or doubled', async () => {
    const env = { REDIS_KEY_PREFIX: a.config.REDIS_KEY_PREFIX };
    const c = await startTestApp(env);
    const { owner, member, conversationId } = await pair();
    const { socket: talker } = await join(a, owner.token, conversationId);
    const { socket: onC } = await join(c, member.token, conversationId);
    const seen: number[] = [];
    for (let i = 1; i <= 3; i++) {
      talker.send({ type: 'send', conversationId, clientId: `m${i}`, text: `m${i}` });
      seen.push((await onC.next('message')).message.seq);
    }
    const closing = c.close();
    expect((await onC.closed).code).toBe(1001);
    await closing;
    for (let i = 4; i <= 6; i++) {
      talker.send({ type: 'send', conversationId, clientId: `m${i}`, text: `m${i}` });
      await talker.next('ack', (f) => f.clientId === `m${i}`);
    }
    const { socket: onB, history } = await join(b, member.token, conversationId, Math.max(...seen));
    talker.send({ type: 'send', conversationId, clientId: 'm7', text: 'm7' });
    const live = await onB.next('message');
    expect([...seen, ...history.messages.map((m) => m.seq), live.message.seq]).toEqual([1, 2, 3, 4, 5, 6, 7]);
    await onB.none('message');
  });
});

import { randomUUID } from 'node:crypto';
import type { MessageView } from '@qingting/shared';
import { loginAs } from '../../test/auth';
import { waitFor } from '../../test/orders';
import { connectSocket, openConversation, type TestSocket } from '../../test/realtime';
import { startTestApp, TestApp } from '../../test/test-app';
import { FieldCrypto } from '../identity/field-crypto.service';
import { CONTACT_MASK } from '../safety/contact-masking';
import { ChatService } from './chat.service';
import { openMessage } from './message-crypto';

const RATE_LIMIT = 60;

describe('chat over the socket (e2e: WebSocket + PostgreSQL + Redis)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ CHAT_RATE_LIMIT_PER_MINUTE: String(RATE_LIMIT) });
  });
  afterAll(async () => {
    await t?.close();
  });

  type Person = Awaited<ReturnType<typeof loginAs>>;
  interface Room {
    conversationId: string;
    people: Person[];
    sockets: TestSocket[];
  }
  const rooms: Room[] = [];
  afterEach(async () => {
    await Promise.all(rooms.splice(0).flatMap((r) => r.sockets.map((s) => s.close())));
  });

  /** A group conversation (first person OWNER), everyone connected and subscribed. */
  async function room(size = 2): Promise<Room> {
    const people = await Promise.all(Array.from({ length: size }, () => loginAs(t)));
    const conversationId = await openConversation(t, 'GROUP', people.map((p, i) => ({ userId: p.user.id, role: i === 0 ? 'OWNER' : 'MEMBER' })));
    const sockets = await Promise.all(people.map((p) => connectSocket(t, p.token)));
    await Promise.all(sockets.map((s) => subscribe(s, conversationId)));
    const r = { conversationId, people, sockets };
    rooms.push(r);
    return r;
  }

  async function subscribe(socket: TestSocket, conversationId: string, afterSeq = 0) {
    socket.send({ type: 'subscribe', conversationId, afterSeq });
    return socket.next('history', (f) => f.conversationId === conversationId);
  }

  async function send(socket: TestSocket, conversationId: string, text: string, clientId: string = randomUUID()) {
    socket.send({ type: 'send', conversationId, clientId, text });
    return (await socket.next('ack', (f) => f.clientId === clientId)).message;
  }

  async function sendRefused(socket: TestSocket, conversationId: string, text: string, clientId: string = randomUUID()) {
    socket.send({ type: 'send', conversationId, clientId, text });
    return socket.next('error', (f) => f.ref === clientId);
  }

  const storedRows = (conversationId: string) => t.prisma.message.findMany({ where: { conversationId }, orderBy: { seq: 'asc' } });
  const conversationKey = async (conversationId: string) => {
    const c = await t.prisma.conversation.findUniqueOrThrow({ where: { id: conversationId } });
    return Buffer.from(t.app.get(FieldCrypto).decrypt(c.keyWrapped!), 'base64');
  };

  it('delivers a message to the others in real time, acks the sender, and stores it encrypted', async () => {
    const { conversationId, people: [a, b], sockets: [sa, sb] } = await room();
    const aOtherDevice = await connectSocket(t, a.token);
    await subscribe(aOtherDevice, conversationId);
    rooms.push({ conversationId, people: [], sockets: [aOtherDevice] });

    const acked = await send(sa, conversationId, '  你好，想聊聊 😊  ', 'c-1');
    expect(acked).toEqual<MessageView>({
      id: expect.any(String), conversationId, seq: 1, senderRole: 'OWNER', from: 'me', alias: a.user.alias, kind: 'TEXT',
      text: '你好，想聊聊 😊', masked: false, clientId: 'c-1', at: expect.any(String),
    });
    const received = await sb.next('message');
    expect(received.message).toEqual({ ...acked, from: 'peer' });
    // The others learn the sender's part and alias, never who they are (PRODUCT.md §1).
    expect(JSON.stringify(received)).not.toContain(a.user.id);
    expect((await aOtherDevice.next('message')).message).toEqual(acked);
    await sa.none('message');

    const [row] = await storedRows(conversationId);
    expect(row).toMatchObject({ id: acked.id, seq: 1, senderId: a.user.id, clientId: 'c-1', kind: 'TEXT', masked: false });
    expect(Buffer.from(row.body).includes(Buffer.from('你好'))).toBe(false);
    expect(row.body.length).toBe(12 + 16 + Buffer.byteLength('你好，想聊聊 😊'));
    expect(openMessage(await conversationKey(conversationId), row.body)).toBe('你好，想聊聊 😊');

    const reply = await send(sb, conversationId, '在的');
    expect(reply.seq).toBe(2);
    expect((await sa.next('message')).message).toMatchObject({ seq: 2, from: 'peer', senderRole: 'MEMBER', text: '在的' });
  });

  it('stores a resend with the same clientId once and acks it again, even when the copies race', async () => {
    const { conversationId, sockets: [sa, sb], people: [a] } = await room();
    const first = await send(sa, conversationId, '第一条', 'same');
    const again = await send(sa, conversationId, '第一条（重发）', 'same');
    expect(again).toEqual(first);
    // The same clientId from two devices at once (a reconnect racing the old socket).
    const second = await connectSocket(t, a.token);
    rooms.push({ conversationId, people: [], sockets: [second] });
    const [x, y] = await Promise.all([send(sa, conversationId, '第二条', 'race'), send(second, conversationId, '第二条', 'race')]);
    expect(x).toEqual(y);
    expect(x.seq).toBe(2);
    const next = await send(sa, conversationId, '第三条');
    expect(next.seq).toBe(3);

    expect((await storedRows(conversationId)).map((m) => m.seq)).toEqual([1, 2, 3]);
    expect((await t.prisma.conversation.findUniqueOrThrow({ where: { id: conversationId } })).lastSeq).toBe(3);
    const delivered = [(await sb.next('message')).message.seq, (await sb.next('message')).message.seq, (await sb.next('message')).message.seq];
    expect(delivered).toEqual([1, 2, 3]);
    await sb.none('message');
  });

  it('numbers a burst from many senders in many conversations gap-free, each sender in its own order (batched writes)', async () => {
    const groups = await Promise.all(Array.from({ length: 4 }, () => room(3)));
    const PER_SENDER = 15;
    // No waiting for acks: everything is in flight at once, so the writer batches across conversations and senders.
    const acks = groups.flatMap((g) =>
      g.sockets.flatMap((socket, s) =>
        Array.from({ length: PER_SENDER }, (_, i) => {
          const clientId = `g-${s}-${i}`;
          socket.send({ type: 'send', conversationId: g.conversationId, clientId, text: `${s}:${i}` });
          return socket.next('ack', (f) => f.clientId === clientId, 15_000).then((f) => ({ conversationId: g.conversationId, sender: s, i, seq: f.message.seq }));
        }),
      ),
    );
    const all = await Promise.all(acks);
    for (const g of groups) {
      const mine = all.filter((a) => a.conversationId === g.conversationId);
      expect(mine.map((a) => a.seq).sort((x, y) => x - y)).toEqual(Array.from({ length: 3 * PER_SENDER }, (_, i) => i + 1));
      for (let s = 0; s < 3; s++) {
        const seqs = mine.filter((a) => a.sender === s).sort((x, y) => x.i - y.i).map((a) => a.seq);
        expect([...seqs].sort((x, y) => x - y)).toEqual(seqs);
      }
      const stored = await storedRows(g.conversationId);
      expect(stored.map((r) => r.seq)).toEqual(Array.from({ length: 3 * PER_SENDER }, (_, i) => i + 1));
      expect((await t.prisma.conversation.findUniqueOrThrow({ where: { id: g.conversationId } })).lastSeq).toBe(3 * PER_SENDER);
    }
  });

  it('refuses empty, too long, unknown-conversation and non-member sends with error frames, storing nothing', async () => {
    const { conversationId, sockets: [sa] } = await room();
    expect(await sendRefused(sa, conversationId, ' \n\t ', 'empty')).toMatchObject({ code: 'chat/empty', message: '消息不能为空' });
    expect(await sendRefused(sa, conversationId, '长'.repeat(1001), 'long')).toMatchObject({ code: 'chat/too_long', message: '消息太长了，最多 1000 个字' });
    // The limit counts characters, not UTF-16 units: 1000 emoji pass.
    expect((await send(sa, conversationId, '😊'.repeat(1000))).text).toHaveLength(2000);
    expect(await sendRefused(sa, randomUUID(), '你好', 'nowhere')).toMatchObject({ code: 'chat/not_found' });
    const stranger = await loginAs(t);
    const ss = await connectSocket(t, stranger.token);
    rooms.push({ conversationId, people: [], sockets: [ss] });
    expect(await sendRefused(ss, conversationId, '偷偷发一条', 'intruder')).toMatchObject({ code: 'chat/not_found', message: '找不到这个对话' });
    ss.send({ type: 'subscribe', conversationId, afterSeq: 0 });
    expect(await ss.next('error')).toMatchObject({ ref: 'subscribe', code: 'chat/not_found' });
    ss.send({ type: 'send', conversationId, text: '没有 clientId' });
    expect(await ss.next('error')).toMatchObject({ ref: 'send', code: 'ws/bad_frame' });
    expect((await storedRows(conversationId)).length).toBe(1);
  });

  it(`rate-limits a person to ${RATE_LIMIT} messages a minute per conversation (429 rate/limited), others unaffected`, async () => {
    const { conversationId, sockets: [sa, sb] } = await room();
    for (let i = 0; i < RATE_LIMIT; i++) await send(sa, conversationId, `第${i}条`);
    expect(await sendRefused(sa, conversationId, '再来一条')).toMatchObject({ code: 'rate/limited', message: expect.stringMatching(/秒后再试/) });
    await send(sb, conversationId, '我还能说话');
    expect((await storedRows(conversationId)).length).toBe(RATE_LIMIT + 1);
  });

  it('masks contact details (phone, spaced digits, full-width, WeChat id) in what is delivered and stored', async () => {
    const { conversationId, sockets: [sa, sb] } = await room();
    const cases = [
      ['打我电话13812345678', `打我电话${CONTACT_MASK}`],
      ['号码 138 1234 5678 哦', `号码 ${CONTACT_MASK} 哦`],
      ['１３８１２３４５６７８', CONTACT_MASK],
      ['加我微信：qingting_2024', `加我微信：${CONTACT_MASK}`],
    ];
    for (const [input, expected] of cases) {
      const acked = await send(sa, conversationId, input);
      expect(acked).toMatchObject({ text: expected, masked: true });
      expect((await sb.next('message')).message).toMatchObject({ text: expected, masked: true });
    }
    expect((await send(sa, conversationId, '热线 400-161-9995 可以打')).masked).toBe(false);
    const key = await conversationKey(conversationId);
    const rows = await storedRows(conversationId);
    expect(rows.map((r) => [openMessage(key, r.body), r.masked])).toEqual([...cases.map(([, e]) => [e, true]), ['热线 400-161-9995 可以打', false]]);
  });

  it('resumes after a dropped socket from the last seq seen: nothing lost, nothing twice', async () => {
    const { conversationId, people: [, b], sockets: [sa, sb] } = await room();
    for (let i = 1; i <= 3; i++) await send(sa, conversationId, `m${i}`);
    const seen: number[] = [];
    for (let i = 0; i < 3; i++) seen.push((await sb.next('message')).message.seq);
    expect(seen).toEqual([1, 2, 3]);
    sb.ws.terminate();
    await sb.closed;

    // The peer keeps talking while b is away, and while b reconnects and resumes.
    let sending = true;
    let sent = 3;
    const talker = (async () => {
      while (sending && sent < 50) {
        await send(sa, conversationId, `m${sent + 1}`);
        sent += 1;
        await new Promise((r) => setTimeout(r, 20));
      }
    })();
    await waitFor(async () => sent, (n) => n >= 6, 10_000, 'messages while away');
    const back = await connectSocket(t, b.token);
    rooms.push({ conversationId, people: [], sockets: [back] });
    back.send({ type: 'subscribe', conversationId, afterSeq: 3 });
    // A burst racing the resume, so some land while its history is being read.
    const burst = Array.from({ length: 10 }, (_, i) => t.app.get(ChatService).postSystem(conversationId, `系统 ${i}`));
    const history = await back.next('history');
    await Promise.all(burst);
    await waitFor(async () => sent, (n) => n >= history.lastSeq + 3, 10_000, 'messages after the resume');
    sending = false;
    await talker;

    const { lastSeq } = await t.prisma.conversation.findUniqueOrThrow({ where: { id: conversationId } });
    expect(lastSeq).toBe(sent + 10);
    const fromHistory = history.messages.map((m) => m.seq);
    expect(fromHistory).toEqual(Array.from({ length: fromHistory.length }, (_, i) => i + 4));
    // Live messages of concurrent senders may arrive out of order (clients order by seq); none twice, none missing.
    const after = [...fromHistory];
    while (after.length < lastSeq - 3) after.push((await back.next('message')).message.seq);
    await back.none('message');
    expect(after.sort((x, y) => x - y)).toEqual(Array.from({ length: lastSeq - 3 }, (_, i) => i + 4));
    expect(history.lastSeq).toBeGreaterThanOrEqual(history.messages.at(-1)?.seq ?? 0);
  });

  it('sends long histories in pages of history frames before the live stream', async () => {
    const { conversationId, people: [a] } = await room();
    const chat = t.app.get(ChatService);
    for (let i = 0; i < 230; i++) await chat.postSystem(conversationId, `系统消息 ${i + 1}`);
    const late = await connectSocket(t, a.token);
    rooms.push({ conversationId, people: [], sockets: [late] });
    const page1 = await subscribe(late, conversationId, 5);
    const page2 = await late.next('history');
    expect(page1.messages.map((m) => m.seq)).toEqual(Array.from({ length: 200 }, (_, i) => i + 6));
    expect(page2.messages.map((m) => m.seq)).toEqual(Array.from({ length: 25 }, (_, i) => i + 206));
    expect(page2.lastSeq).toBe(230);
    expect(page1.messages[0]).toMatchObject({ from: 'system', kind: 'SYSTEM', senderRole: null, alias: null, text: '系统消息 6' });
  });

  it('relays typing to the others (throttled, not stored) and read receipts (only forward, never past the end)', async () => {
    const { conversationId, people: [a, b], sockets: [sa, sb] } = await room();
    sa.send({ type: 'typing', conversationId });
    expect(await sb.next('typing')).toEqual({ type: 'typing', conversationId, from: 'peer', alias: a.user.alias });
    sa.send({ type: 'typing', conversationId });
    await sb.none('typing');
    await sa.none('typing');

    for (let i = 0; i < 3; i++) await send(sa, conversationId, `m${i}`);
    sb.send({ type: 'read', conversationId, seq: 2 });
    expect(await sa.next('read')).toEqual({ type: 'read', conversationId, from: 'peer', seq: 2 });
    sb.send({ type: 'read', conversationId, seq: 1 });
    await sa.none('read');
    sb.send({ type: 'read', conversationId, seq: 999 });
    expect((await sa.next('read')).seq).toBe(3);
    const member = await t.prisma.conversationMember.findUniqueOrThrow({ where: { conversationId_userId: { conversationId, userId: b.user.id } } });
    expect(member.lastReadSeq).toBe(3);
    await sb.none('read');
    expect(await t.prisma.message.count({ where: { conversationId } })).toBe(3);

    const stranger = await loginAs(t);
    const ss = await connectSocket(t, stranger.token);
    rooms.push({ conversationId, people: [], sockets: [ss] });
    ss.send({ type: 'typing', conversationId });
    expect(await ss.next('error')).toMatchObject({ ref: 'typing', code: 'chat/not_found' });
    ss.send({ type: 'read', conversationId, seq: 3 });
    expect(await ss.next('error')).toMatchObject({ ref: 'read', code: 'chat/not_found' });
  });

  it('stops delivering after unsubscribe', async () => {
    const { conversationId, sockets: [sa, sb] } = await room();
    sb.send({ type: 'unsubscribe', conversationId });
    sb.send({ type: 'ping', t: 1 });
    await sb.next('pong');
    await send(sa, conversationId, '还在吗');
    await sb.none('message');
  });

  it('serves the history over REST to members only (404 to others, 400 on bad input)', async () => {
    const { conversationId, people: [a, b], sockets: [sa] } = await room();
    for (let i = 1; i <= 5; i++) await send(sa, conversationId, `m${i}`);
    const page = await t.request(`/api/conversations/${conversationId}/messages?afterSeq=2&limit=2`, { headers: b.headers });
    expect(page.status).toBe(200);
    expect(page.body.lastSeq).toBe(5);
    expect(page.body.messages.map((m: MessageView) => [m.seq, m.text, m.from])).toEqual([[3, 'm3', 'peer'], [4, 'm4', 'peer']]);
    const mine = await t.request(`/api/conversations/${conversationId}/messages`, { headers: a.headers });
    expect(mine.body.messages.map((m: MessageView) => m.from)).toEqual(['me', 'me', 'me', 'me', 'me']);

    const stranger = await loginAs(t);
    for (const id of [conversationId, randomUUID()]) {
      const res = await t.request(`/api/conversations/${id}/messages`, { headers: stranger.headers });
      expect([res.status, res.body.code]).toEqual([404, 'chat/not_found']);
    }
    expect((await t.request(`/api/conversations/nope/messages`, { headers: a.headers })).body.code).toBe('request/invalid');
    expect((await t.request(`/api/conversations/${conversationId}/messages?afterSeq=-1`, { headers: a.headers })).status).toBe(400);
    expect((await t.request(`/api/conversations/${conversationId}/messages?limit=500`, { headers: a.headers })).status).toBe(400);
    expect((await t.request(`/api/conversations/${conversationId}/messages`)).status).toBe(401);

    // A member who left can no longer read or send.
    await t.prisma.conversationMember.update({ where: { conversationId_userId: { conversationId, userId: b.user.id } }, data: { leftAt: new Date() } });
    expect((await t.request(`/api/conversations/${conversationId}/messages`, { headers: b.headers })).status).toBe(404);
  });

  it('refuses a member who left or is muted even while cached as active (the statement re-checks), and lets an unmuted one speak at once', async () => {
    const { conversationId, people: [, b], sockets: [, sb] } = await room();
    await send(sb, conversationId, '先说一句');
    const where = { conversationId_userId: { conversationId, userId: b.user.id } };
    await t.prisma.conversationMember.update({ where, data: { mutedUntil: new Date(Date.now() + 60_000) } });
    expect(await sendRefused(sb, conversationId, '被禁言了')).toMatchObject({ code: 'chat/muted' });
    // A refusal read from the cache is checked again: unmuting takes effect at once.
    await t.prisma.conversationMember.update({ where, data: { mutedUntil: null } });
    await send(sb, conversationId, '解除禁言了');
    await t.prisma.conversationMember.update({ where, data: { leftAt: new Date() } });
    expect(await sendRefused(sb, conversationId, '已退出')).toMatchObject({ code: 'chat/not_found' });
    expect(await t.prisma.message.count({ where: { conversationId } })).toBe(2);
  });

  it('delivers a system message posted inside a transaction only once it commits; a rolled-back one never, and it takes no seq', async () => {
    const { conversationId, sockets: [sa, sb] } = await room();
    const chat = t.app.get(ChatService);
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    const committing = t.prisma.$transaction(async (tx) => {
      await chat.postSystem(conversationId, '会话已开始', tx);
      await held;
    });
    await sa.none('message', 400);
    release();
    await committing;
    expect((await sb.next('message')).message).toMatchObject({ seq: 1, from: 'system', kind: 'SYSTEM', text: '会话已开始', senderRole: null });
    expect((await sa.next('message')).message.seq).toBe(1);

    await expect(
      t.prisma.$transaction(async (tx) => {
        await chat.postSystem(conversationId, '不会出现', tx);
        throw new Error('roll back');
      }),
    ).rejects.toThrow('roll back');
    await sa.none('message', 500);
    expect((await send(sa, conversationId, '下一条')).seq).toBe(2);
  });

  it('crisis words: care card to the sender, guidance to the owner, every time; one ops alert counting the hits', async () => {
    const { conversationId, people: [owner, member], sockets: [so, sm] } = await room();
    const acked = await send(sm, conversationId, '我真的不想活了');
    expect(acked.text).toBe('我真的不想活了');
    expect(await sm.next('care')).toEqual({ type: 'care', conversationId, audience: 'talker' });
    expect(await so.next('care')).toEqual({ type: 'care', conversationId, audience: 'listener' });
    expect((await so.next('message')).message.text).toBe('我真的不想活了');
    const alert = await waitFor(() => t.prisma.crisisAlert.findMany({ where: { conversationId } }), (a) => a.length === 1, 5_000, 'crisis alert');
    expect(alert[0]).toMatchObject({ userId: member.user.id, category: 'suicide', term: '不想活了', hits: 1, status: 'OPEN' });

    await send(sm, conversationId, '自 杀 算 了');
    expect((await sm.next('care')).audience).toBe('talker');
    expect((await so.next('care')).audience).toBe('listener');
    await waitFor(() => t.prisma.crisisAlert.findMany({ where: { conversationId } }), (a) => a.length === 1 && a[0].hits === 2, 5_000, 'second hit counted');

    await send(so, conversationId, '今天累死了，算了不说了');
    await so.none('care');
    expect(owner.user.id).not.toBe(member.user.id);
  });
});

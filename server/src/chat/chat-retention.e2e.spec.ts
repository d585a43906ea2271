import { randomUUID } from 'node:crypto';
import { loginAs } from '../../test/auth';
import { waitFor } from '../../test/orders';
import { connectSocket, openConversation, type TestSocket } from '../../test/realtime';
import { TestApp, useTwoInstances } from '../../test/test-app';
import { FieldCrypto } from '../identity/field-crypto.service';
import { SchedulerService } from '../scheduler/scheduler.service';
import { ChatService } from './chat.service';
import { GROUP_HISTORY_PRUNE_JOB } from './group-history';
import { openMessage } from './message-crypto';

/** Retention and crypto-shredding (PRODUCT.md §1): the key is destroyed when the window ends, unless frozen. */
describe('chat retention and crypto-shredding (e2e: scheduler + PostgreSQL + two instances)', () => {
  let a: TestApp;
  let b: TestApp;
  const sockets: TestSocket[] = [];

  useTwoInstances((x, y) => ([a, b] = [x, y]));
  afterEach(async () => {
    await Promise.all(sockets.splice(0).map((s) => s.close()));
  });

  async function conversationWithMessages() {
    const owner = await loginAs(a);
    const member = await loginAs(a);
    const conversationId = await openConversation(a, 'GROUP', [{ userId: owner.user.id, role: 'OWNER' }, { userId: member.user.id, role: 'MEMBER' }]);
    const socket = await connectSocket(b, owner.token);
    sockets.push(socket);
    for (const text of ['第一句心里话', '第二句心里话']) {
      socket.send({ type: 'send', conversationId, clientId: randomUUID(), text });
      await socket.next('ack');
    }
    return { owner, member, conversationId, socket };
  }

  const shredJob = (app: TestApp, conversationId: string) => app.prisma.scheduledJob.findUnique({ where: { kind_key: { kind: 'chat.shred', key: conversationId } } });
  const conversation = (app: TestApp, id: string) => app.prisma.conversation.findUniqueOrThrow({ where: { id } });
  /** Makes the shred job due now and runs due jobs (the background poller may win the race; both are fine). */
  async function fireShred(conversationId: string) {
    await a.prisma.scheduledJob.updateMany({ where: { kind: 'chat.shred', key: conversationId, doneAt: null }, data: { dueAt: new Date(Date.now() - 1000) } });
    await a.app.get(SchedulerService).runDue();
    await waitFor(() => shredJob(a, conversationId), (j) => j?.doneAt != null, 5_000, 'shred job done');
  }

  it('schedules the shred at retainUntil and moves it when the retention changes', async () => {
    const { conversationId } = await conversationWithMessages();
    const chat = a.app.get(ChatService);
    const first = new Date(Date.now() + 72 * 3600_000);
    await chat.setRetention(conversationId, first);
    expect((await shredJob(a, conversationId))?.dueAt).toEqual(first);
    expect((await conversation(a, conversationId)).retainUntil).toEqual(first);
    const later = new Date(first.getTime() + 3600_000);
    await a.prisma.$transaction((tx) => chat.setRetention(conversationId, later, tx));
    expect((await shredJob(a, conversationId))?.dueAt).toEqual(later);
    await expect(chat.setRetention(randomUUID(), later)).rejects.toMatchObject({ code: 'chat/not_found' });
  });

  it('destroys the key at the end of retention: 410 everywhere, posting fails, only undecryptable ciphertext remains, every instance forgets the key', async () => {
    const { owner, conversationId, socket } = await conversationWithMessages();
    const before = await conversation(a, conversationId);
    const key = Buffer.from(a.app.get(FieldCrypto).decrypt(before.keyWrapped!), 'base64');
    const rows = await a.prisma.message.findMany({ where: { conversationId }, orderBy: { seq: 'asc' } });
    expect(rows.map((r) => openMessage(key, r.body))).toEqual(['第一句心里话', '第二句心里话']);
    // Instance b holds the unwrapped key in its cache (it served the sends).
    const cachedOnB = () => (b.app.get(ChatService)['states'] as unknown as { entries: Map<string, unknown> }).entries.has(conversationId);
    expect(cachedOnB()).toBe(true);

    await a.app.get(ChatService).setRetention(conversationId, new Date(Date.now() - 1000));
    await fireShred(conversationId);
    const after = await conversation(a, conversationId);
    expect(after.keyWrapped).toBeNull();
    expect(after.keyDestroyedAt).toBeInstanceOf(Date);
    await waitFor(async () => cachedOnB(), (cached) => !cached, 5_000, 'eviction on instance b');

    for (const app of [a, b]) {
      const res = await app.request(`/api/conversations/${conversationId}/messages`, { headers: owner.headers });
      expect([res.status, res.body.code]).toEqual([410, 'chat/destroyed']);
    }
    socket.send({ type: 'send', conversationId, clientId: 'after', text: '还能发吗' });
    expect(await socket.next('error', (f) => f.ref === 'after')).toMatchObject({ code: 'chat/destroyed' });
    socket.send({ type: 'subscribe', conversationId, afterSeq: 0 });
    expect(await socket.next('error', (f) => f.ref === 'subscribe')).toMatchObject({ code: 'chat/destroyed' });
    await expect(b.app.get(ChatService).postSystem(conversationId, '系统消息')).rejects.toMatchObject({ code: 'chat/destroyed' });

    // The rows keep only ciphertext: no plaintext in them, and nothing the server still holds opens them.
    const kept = await a.prisma.message.findMany({ where: { conversationId }, orderBy: { seq: 'asc' } });
    expect(kept.map((r) => r.seq)).toEqual([1, 2]);
    for (const r of kept) {
      expect(Buffer.from(r.body).includes(Buffer.from('心里话'))).toBe(false);
      expect(() => openMessage(Buffer.alloc(32), r.body)).toThrow();
    }
    // A stranger still learns nothing (404, not 410).
    const stranger = await loginAs(a);
    expect((await a.request(`/api/conversations/${conversationId}/messages`, { headers: stranger.headers })).status).toBe(404);
  });

  it('keeps the key while frozen (a report or dispute), and destroys it once unfrozen after the window', async () => {
    const { owner, conversationId } = await conversationWithMessages();
    const chat = a.app.get(ChatService);
    await a.prisma.$transaction(async (tx) => {
      await chat.setRetention(conversationId, new Date(Date.now() - 1000), tx);
      await chat.freeze(conversationId, tx);
    });
    await fireShred(conversationId);
    expect((await conversation(a, conversationId)).keyWrapped).not.toBeNull();
    expect((await a.request(`/api/conversations/${conversationId}/messages`, { headers: owner.headers })).status).toBe(200);

    await chat.unfreeze(conversationId);
    const job = await shredJob(a, conversationId);
    expect(job?.doneAt).toBeNull();
    expect(job!.dueAt.getTime()).toBeLessThanOrEqual(Date.now());
    await fireShred(conversationId);
    expect((await conversation(a, conversationId)).keyWrapped).toBeNull();
    expect((await a.request(`/api/conversations/${conversationId}/messages`, { headers: owner.headers })).status).toBe(410);
  });

  it('unfreezing before the window ends keeps the original destruction time', async () => {
    const { conversationId } = await conversationWithMessages();
    const chat = a.app.get(ChatService);
    const retainUntil = new Date(Date.now() + 3600_000);
    await chat.setRetention(conversationId, retainUntil);
    await chat.freeze(conversationId);
    await chat.unfreeze(conversationId);
    expect((await shredJob(a, conversationId))?.dueAt).toEqual(retainUntil);
    expect((await conversation(a, conversationId)).frozen).toBe(false);
  });

  it('rolls group history: messages older than the retention window are deleted by the hourly job, newer ones stay', async () => {
    const { conversationId, owner } = await conversationWithMessages();
    const [older] = await a.prisma.message.findMany({ where: { conversationId }, orderBy: { seq: 'asc' }, take: 1 });
    await a.prisma.message.update({ where: { id: older.id }, data: { createdAt: new Date(Date.now() - (a.config.CHAT_RETENTION_HOURS + 1) * 3600_000) } });
    // Due now; the job runs again an hour later.
    await a.prisma.scheduledJob.updateMany({ where: { kind: GROUP_HISTORY_PRUNE_JOB }, data: { dueAt: new Date(Date.now() - 1000) } });
    await a.app.get(SchedulerService).runDue();
    expect((await a.prisma.message.findMany({ where: { conversationId }, orderBy: { seq: 'asc' } })).map((m) => m.seq)).toEqual([2]);
    const job = await a.prisma.scheduledJob.findUniqueOrThrow({ where: { kind_key: { kind: GROUP_HISTORY_PRUNE_JOB, key: 'all' } } });
    expect(job.doneAt).toBeNull();
    expect(job.dueAt.getTime()).toBeGreaterThan(Date.now() + 3500_000);
    const history = await a.request(`/api/conversations/${conversationId}/messages?afterSeq=0`, { headers: { authorization: `Bearer ${owner.token}` } });
    expect(history.body.messages.map((m: { text: string }) => m.text)).toEqual(['第二句心里话']);
  });
});

import { randomUUID } from 'node:crypto';
import { loginAs } from '../../test/auth';
import { ageMembership, availableOf, heldOf, joinGroup, openGroup, paidMember, payGroupOrder, seniorListener } from '../../test/groups';
import { fireTimer, ledgerCheck, listenerWithSession, orderStatus, post, waitFor, waitForStatus } from '../../test/orders';
import { connectSocket, type TestSocket } from '../../test/realtime';
import { TestApp, useAppWithSimulator } from '../../test/test-app';
import { TestSimulator } from '../../test/wechat';
import { EARNINGS_RELEASE_JOB } from '../settlement/earnings.service';
import { MEMBERSHIP_EXPIRE_JOB, RESERVATION_RELEASE_JOB } from './memberships.service';

const HOUR = 3600_000;
const DAY = 24 * HOUR;

describe('paid groups (e2e: app + simulator + PostgreSQL + Redis)', () => {
  let wx: TestSimulator;
  let t: TestApp;

  useAppWithSimulator((app, sim) => ([t, wx] = [app, sim]));

  const groupRow = (id: string) => t.prisma.group.findUniqueOrThrow({ where: { id } });
  const membershipRow = (groupId: string, userId: string) => t.prisma.groupMembership.findUniqueOrThrow({ where: { groupId_userId: { groupId, userId } } });
  const chatMember = async (conversationId: string, userId: string) => t.prisma.conversationMember.findUnique({ where: { conversationId_userId: { conversationId, userId } } });

  describe('creation and review', () => {
    it('lets only SENIOR listeners create, keeps a group out of the list until approved, and opens its chat on approval', async () => {
      const regular = await listenerWithSession(t, { tier: 'REGULAR' });
      const refused = await post(t, '/api/groups', regular.headers, { name: '群', intro: '介绍', topic: 'EMOTION', price30Fen: 1000, capacity: 10 });
      expect(refused).toMatchObject({ status: 403, body: { code: 'group/not_senior' } });

      const owner = await seniorListener(t);
      expect(await post(t, '/api/groups', owner.headers, { name: '群', intro: '介绍', topic: 'EMOTION', capacity: 10 })).toMatchObject({ status: 400, body: { code: 'group/no_price' } });
      expect(await post(t, '/api/groups', owner.headers, { name: '群', intro: '介绍', topic: 'EMOTION', price30Fen: 1000, capacity: t.config.GROUP_MAX_CAPACITY + 1 })).toMatchObject({ status: 400, body: { code: 'group/capacity_out_of_range' } });
      expect(await post(t, '/api/groups', owner.headers, { name: 'x'.repeat(31), intro: '介绍', topic: 'EMOTION', price30Fen: 1000, capacity: 10 })).toMatchObject({ status: 400, body: { code: 'request/invalid' } });
      expect(await post(t, '/api/groups', owner.headers, { name: '群', intro: '介绍', topic: 'EMOTION', price30Fen: 100_001, capacity: 10 })).toMatchObject({ status: 400, body: { code: 'request/invalid' } });

      const created = await post(t, '/api/groups', owner.headers, { name: '职场减压群', intro: '下班后聊聊', topic: 'CAREER', price30Fen: 1990, price365Fen: 19_900, capacity: 5 });
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({ status: 'PENDING_REVIEW', owner: { id: owner.user.id, alias: owner.user.alias }, price30Fen: 1990, price90Fen: null, conversationId: null, myMembership: null });
      const id = created.body.id as string;

      const talker = await loginAs(t);
      expect((await t.request(`/api/groups/${id}`, { headers: talker.headers })).status).toBe(404);
      expect(await joinGroup(t, talker.headers, id)).toMatchObject({ status: 409, body: { code: 'group/not_open' } });
      const list = await t.request('/api/groups?topic=CAREER', { headers: talker.headers });
      expect(list.body.items.map((g: { id: string }) => g.id)).not.toContain(id);

      const queue = await t.request('/api/ops/groups?status=PENDING_REVIEW', { headers: (await loginAs(t, ['REVIEWER'])).headers });
      expect(queue.body.items.map((g: { id: string }) => g.id)).toContain(id);
      expect((await post(t, `/api/ops/groups/${id}/review`, talker.headers, { decision: 'APPROVE' })).status).toBe(403);

      const reviewer = await loginAs(t, ['REVIEWER']);
      const approved = await post(t, `/api/ops/groups/${id}/review`, reviewer.headers, { decision: 'APPROVE', note: '内容合规' });
      expect(approved.body).toMatchObject({ status: 'OPEN', reviewNote: '内容合规' });
      expect(await post(t, `/api/ops/groups/${id}/review`, reviewer.headers, { decision: 'REJECT' })).toMatchObject({ status: 409, body: { code: 'group/state_changed' } });
      const conversation = await t.prisma.conversation.findUniqueOrThrow({ where: { subjectId: id } });
      expect(await chatMember(conversation.id, owner.user.id)).toMatchObject({ role: 'OWNER', leftAt: null });

      expect((await t.request('/api/groups?topic=CAREER', { headers: talker.headers })).body.items.map((g: { id: string }) => g.id)).toContain(id);
      expect((await t.request(`/api/listeners/${owner.user.id}/groups`, { headers: talker.headers })).body.map((g: { id: string }) => g.id)).toEqual([id]);
      expect((await t.request('/api/groups/mine', { headers: owner.headers })).body.owned.map((g: { id: string }) => g.id)).toEqual([id]);
      expect(await t.prisma.auditLog.count({ where: { subjectId: id, action: { in: ['group.create', 'group.review.approve'] } } })).toBe(2);
    });
  });

  describe('membership lifecycle', () => {
    it('join → pay → active, renew extends, expiry removes access, renewing afterwards joins again', async () => {
      const owner = await seniorListener(t);
      const group = await openGroup(t, owner, { price30Fen: 3000, price90Fen: 8000, price365Fen: 30_000, capacity: 3 });
      const talker = await loginAs(t);

      expect(await joinGroup(t, talker.headers, group.id, 7)).toMatchObject({ status: 400, body: { code: 'request/invalid' } });
      expect(await joinGroup(t, owner.headers, group.id)).toMatchObject({ status: 400, body: { code: 'group/owner_own_group' } });
      expect(await joinGroup(t, talker.headers, group.id, 30, 'renew')).toMatchObject({ status: 409, body: { code: 'group/not_member' } });

      const joined = await joinGroup(t, talker.headers, group.id, 30);
      expect(joined.status).toBe(200);
      expect(joined.body.order).toMatchObject({ kind: 'GROUP_MEMBERSHIP', status: 'PENDING_PAYMENT', totalFen: 3000 });
      expect(joined.body.membership).toMatchObject({ status: 'RESERVED', orderId: joined.body.order.id, joinedAt: null });
      expect((await groupRow(group.id)).seatsTaken).toBe(1);
      // A double tap returns the same reservation and order; another term while it is unpaid is refused.
      expect((await joinGroup(t, talker.headers, group.id, 30)).body.order.id).toBe(joined.body.order.id);
      expect(await joinGroup(t, talker.headers, group.id, 90)).toMatchObject({ status: 409, body: { code: 'group/order_pending' } });
      expect((await groupRow(group.id)).seatsTaken).toBe(1);

      const paid = await payGroupOrder(t, wx, talker.headers, joined.body.order.id);
      expect(paid).toMatchObject({ status: 'COMPLETED', groupId: group.id, termDays: 30 });
      let m = await membershipRow(group.id, talker.user.id);
      expect(m).toMatchObject({ status: 'ACTIVE', orderId: paid.id, reservedUntil: null });
      expect(m.joinedAt!.getTime()).toBe(paid.paidAt!.getTime());
      expect(m.endsAt!.getTime()).toBe(paid.paidAt!.getTime() + 30 * DAY);
      const hold = await t.prisma.earningHold.findUniqueOrThrow({ where: { orderId: paid.id } });
      expect(hold.releaseAt.getTime()).toBe(paid.paidAt!.getTime() + 72 * HOUR);
      expect(await heldOf(t, owner.user.id)).toBe(3000 - Math.ceil(3000 * t.config.COMMISSION_GROUP_PERCENT / 100));
      expect(await chatMember(group.conversationId, talker.user.id)).toMatchObject({ role: 'MEMBER', leftAt: null });

      const view = await t.request(`/api/groups/${group.id}`, { headers: talker.headers });
      expect(view.body).toMatchObject({ conversationId: group.conversationId, seatsTaken: 1, myMembership: { status: 'ACTIVE', endsAt: m.endsAt!.toISOString() } });
      expect((await t.request('/api/groups/mine', { headers: talker.headers })).body.joined.map((g: { id: string }) => g.id)).toEqual([group.id]);
      expect(await joinGroup(t, talker.headers, group.id, 30)).toMatchObject({ status: 409, body: { code: 'group/already_member' } });

      // Renew 90 days: no new seat; the end moves from the current end.
      const renewal = await joinGroup(t, talker.headers, group.id, 90, 'renew');
      expect(renewal.body.order).toMatchObject({ totalFen: 8000, status: 'PENDING_PAYMENT' });
      await payGroupOrder(t, wx, talker.headers, renewal.body.order.id);
      const before = m.endsAt!.getTime();
      m = await membershipRow(group.id, talker.user.id);
      expect(m.endsAt!.getTime()).toBe(before + 90 * DAY);
      expect(m.joinedAt!.getTime()).toBe(paid.paidAt!.getTime());
      expect((await groupRow(group.id)).seatsTaken).toBe(1);

      // 120 days left: one more year is fine, a second is past the 730-day limit.
      const year = await joinGroup(t, talker.headers, group.id, 365, 'renew');
      await payGroupOrder(t, wx, talker.headers, year.body.order.id);
      const endBeforeLimit = (await membershipRow(group.id, talker.user.id)).endsAt;
      expect(await joinGroup(t, talker.headers, group.id, 365, 'renew')).toMatchObject({ status: 400, body: { code: 'group/renew_limit' } });
      expect((await membershipRow(group.id, talker.user.id)).endsAt).toEqual(endBeforeLimit);

      // The owner's share of each order is released after 72 hours, but the orders stay COMPLETED
      // while the membership runs (the owner could still refund the unused term pro rata).
      const termOrders = [paid.id, renewal.body.order.id, year.body.order.id];
      for (const id of termOrders) await fireTimer(t, EARNINGS_RELEASE_JOB, id);
      expect((await t.prisma.order.findMany({ where: { id: { in: termOrders } } })).map((o) => o.status)).toEqual(['COMPLETED', 'COMPLETED', 'COMPLETED']);

      // The end comes (the clock moved past it): EXPIRED, seat freed, out of the chat, its orders SETTLED.
      await ageMembership(t, m.id, 485 * DAY + HOUR);
      await fireTimer(t, MEMBERSHIP_EXPIRE_JOB, m.id);
      expect(await membershipRow(group.id, talker.user.id)).toMatchObject({ status: 'EXPIRED' });
      expect((await t.prisma.order.findMany({ where: { id: { in: termOrders } } })).map((o) => o.status)).toEqual(['SETTLED', 'SETTLED', 'SETTLED']);
      expect((await groupRow(group.id)).seatsTaken).toBe(0);
      expect((await chatMember(group.conversationId, talker.user.id))!.leftAt).not.toBeNull();
      expect((await t.request(`/api/conversations/${group.conversationId}/messages`, { headers: talker.headers })).status).toBe(404);
      expect((await t.request(`/api/groups/${group.id}`, { headers: talker.headers })).body.conversationId).toBeNull();

      // Renewing an expired membership is a join: it needs a seat again.
      const again = await joinGroup(t, talker.headers, group.id, 30, 'renew');
      expect(again.body.membership).toMatchObject({ status: 'RESERVED' });
      expect((await groupRow(group.id)).seatsTaken).toBe(1);
      await payGroupOrder(t, wx, talker.headers, again.body.order.id);
      expect(await membershipRow(group.id, talker.user.id)).toMatchObject({ status: 'ACTIVE' });
      expect((await chatMember(group.conversationId, talker.user.id))!.leftAt).toBeNull();
      const actions = (await t.prisma.auditLog.findMany({ where: { subjectId: m.id }, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] })).map((a) => a.action);
      expect(actions).toEqual(['group.membership.reserve', 'group.membership.activate', 'group.membership.renew', 'group.membership.renew', 'group.membership.expired', 'group.membership.reserve', 'group.membership.activate']);
      expect(await ledgerCheck(t)).toMatchObject({ ok: true });
    });

    it('releases a lapsed reservation (order closed unpaid) and frees its seat', async () => {
      const owner = await seniorListener(t);
      const group = await openGroup(t, owner, { capacity: 2 });
      const talker = await loginAs(t);
      const joined = await joinGroup(t, talker.headers, group.id);
      const membershipId = joined.body.membership.id as string;
      // Early: the order is still open, so the job only looks again later.
      await t.prisma.groupMembership.update({ where: { id: membershipId }, data: { reservedUntil: new Date(Date.now() - 1000) } });
      await fireTimer(t, RESERVATION_RELEASE_JOB, membershipId);
      expect(await membershipRow(group.id, talker.user.id)).toMatchObject({ status: 'RESERVED' });

      await fireTimer(t, 'order.expire', joined.body.order.id);
      expect((await orderStatus(t, joined.body.order.id)).status).toBe('CLOSED');
      await fireTimer(t, RESERVATION_RELEASE_JOB, membershipId);
      expect(await membershipRow(group.id, talker.user.id)).toMatchObject({ status: 'RELEASED' });
      expect((await groupRow(group.id)).seatsTaken).toBe(0);

      // Joining again reuses the row.
      const again = await joinGroup(t, talker.headers, group.id);
      expect(again.body.membership).toMatchObject({ id: membershipId, status: 'RESERVED' });
      expect((await groupRow(group.id)).seatsTaken).toBe(1);
    });

    it('refunds in full a payment that arrives after its seat went to someone else', async () => {
      const owner = await seniorListener(t);
      const group = await openGroup(t, owner, { capacity: 2 });
      const talker = await loginAs(t);
      const joined = await joinGroup(t, talker.headers, group.id);
      // Fault: the reservation was released meanwhile and both seats were taken by others.
      await t.prisma.groupMembership.update({ where: { id: joined.body.membership.id }, data: { status: 'RELEASED' } });
      await t.prisma.group.update({ where: { id: group.id }, data: { seatsTaken: 2 } });
      await payGroupOrder(t, wx, talker.headers, joined.body.order.id);
      expect(await waitForStatus(t, joined.body.order.id, 'REFUNDED')).toMatchObject({ refundedFen: 3000 });
      expect(await membershipRow(group.id, talker.user.id)).toMatchObject({ status: 'RELEASED' });
      expect((await groupRow(group.id)).seatsTaken).toBe(2);
      expect(await ledgerCheck(t)).toMatchObject({ ok: true });
    });
  });

  describe('the 72-hour rules and their money', () => {
    const share = (fen: number) => fen - Math.ceil((fen * t.config.COMMISSION_GROUP_PERCENT) / 100);

    it('leaving within 72 hours refunds everything paid; the owner keeps nothing', async () => {
      const owner = await seniorListener(t);
      const group = await openGroup(t, owner, { price30Fen: 3000 });
      const { talker, order, membership } = await paidMember(t, wx, group.id);
      await ageMembership(t, membership.id, 71 * HOUR);
      const left = await post(t, `/api/groups/${group.id}/leave`, talker.headers, { expectRefund: true });
      expect(left).toMatchObject({ status: 200, body: { status: 'REFUNDED' } });
      expect(await waitForStatus(t, order.id, 'REFUNDED')).toMatchObject({ refundedFen: 3000 });
      expect((await groupRow(group.id)).seatsTaken).toBe(0);
      expect((await chatMember(group.conversationId, talker.user.id))!.leftAt).not.toBeNull();
      expect(await heldOf(t, owner.user.id)).toBe(0);
      expect(await post(t, `/api/groups/${group.id}/leave`, talker.headers)).toMatchObject({ status: 409, body: { code: 'group/not_member' } });
      expect(await ledgerCheck(t)).toMatchObject({ ok: true });
    });

    it('after 72 hours: a refund request is refused with nothing changed, leaving refunds nothing, and the owner is paid', async () => {
      const owner = await seniorListener(t);
      const group = await openGroup(t, owner, { price30Fen: 3000 });
      const { talker, order, membership } = await paidMember(t, wx, group.id);
      await ageMembership(t, membership.id, 72 * HOUR + 60_000);
      await fireTimer(t, 'earnings.release', order.id);
      expect(await availableOf(t, owner.user.id)).toBe(share(3000));
      expect(await heldOf(t, owner.user.id)).toBe(0);

      const late = await post(t, `/api/groups/${group.id}/leave`, talker.headers, { expectRefund: true });
      expect(late).toMatchObject({ status: 409, body: { code: 'group/refund_window_passed' } });
      expect(await membershipRow(group.id, talker.user.id)).toMatchObject({ status: 'ACTIVE' });
      expect((await groupRow(group.id)).seatsTaken).toBe(1);

      expect(await post(t, `/api/groups/${group.id}/leave`, talker.headers)).toMatchObject({ status: 200, body: { status: 'LEFT' } });
      // Nothing can be refunded by a rule any more: the order is settled.
      expect(await orderStatus(t, order.id)).toMatchObject({ status: 'SETTLED', refundedFen: 0 });
      expect(await t.prisma.refund.count({ where: { orderId: order.id } })).toBe(0);
      expect((await groupRow(group.id)).seatsTaken).toBe(0);
      expect(await availableOf(t, owner.user.id)).toBe(share(3000));
      expect(await ledgerCheck(t)).toMatchObject({ ok: true });
    });

    it('removal by the owner refunds the unused term pro rata (rounded up for the member); the owner cannot be removed', async () => {
      const owner = await seniorListener(t);
      const group = await openGroup(t, owner, { price30Fen: 3000 });
      const { talker, order, membership } = await paidMember(t, wx, group.id);
      const other = await loginAs(t);
      expect(await post(t, `/api/groups/${group.id}/members/${owner.user.id}/remove`, owner.headers)).toMatchObject({ status: 400, body: { code: 'group/cannot_remove_owner' } });
      expect(await post(t, `/api/groups/${group.id}/members/${talker.user.id}/remove`, other.headers)).toMatchObject({ status: 403, body: { code: 'group/not_owner' } });
      expect(await post(t, `/api/groups/${group.id}/members/${other.user.id}/remove`, owner.headers)).toMatchObject({ status: 409, body: { code: 'group/member_not_active' } });

      // 10 of 30 days used: 20/30 of 3000 = 2000 back (a few ms less unused, rounded up).
      await ageMembership(t, membership.id, 10 * DAY);
      const removed = await post(t, `/api/groups/${group.id}/members/${talker.user.id}/remove`, owner.headers);
      expect(removed).toMatchObject({ status: 200, body: { status: 'REMOVED', user: { id: talker.user.id, alias: talker.user.alias } } });
      expect(await waitForStatus(t, order.id, 'PARTIALLY_REFUNDED')).toMatchObject({ refundedFen: 2000 });
      expect((await groupRow(group.id)).seatsTaken).toBe(0);
      expect((await chatMember(group.conversationId, talker.user.id))!.leftAt).not.toBeNull();
      // The hold (released 10 days ago by the clock) is clawed back for the owner's share of the refund.
      await fireTimer(t, 'earnings.release', order.id);
      expect(await heldOf(t, owner.user.id)).toBe(0);
      // The owner keeps the used third: their share less the refund's listener part (commission reversed pro rata, rounded down).
      const commission = 3000 - share(3000);
      expect(await availableOf(t, owner.user.id)).toBe(share(3000) - (2000 - Math.floor((commission * 2000) / 3000)));
      expect(await ledgerCheck(t)).toMatchObject({ ok: true });
    });
  });

  describe('capacity under concurrency', () => {
    it('30 concurrent joins for the last 3 seats: exactly 3 reservations, 27 clean 409 group/full', async () => {
      const owner = await seniorListener(t);
      const group = await openGroup(t, owner, { capacity: 5 });
      for (let i = 0; i < 2; i++) expect((await joinGroup(t, (await loginAs(t)).headers, group.id)).status).toBe(200);
      const talkers = await Promise.all(Array.from({ length: 30 }, () => loginAs(t)));
      const answers = await Promise.all(talkers.map((p) => joinGroup(t, p.headers, group.id)));
      const ok = answers.filter((a) => a.status === 200);
      const full = answers.filter((a) => a.status === 409 && a.body.code === 'group/full');
      expect(ok).toHaveLength(3);
      expect(full).toHaveLength(27);
      expect((await groupRow(group.id)).seatsTaken).toBe(5);
      expect(await t.prisma.groupMembership.count({ where: { groupId: group.id, status: 'RESERVED' } })).toBe(5);
      expect(await t.prisma.order.count({ where: { groupId: group.id } })).toBe(5);
    });
  });

  describe('group chat permissions', () => {
    const sockets: TestSocket[] = [];
    afterEach(async () => {
      await Promise.all(sockets.splice(0).map((s) => s.close()));
    });

    async function socketOf(token: string) {
      const s = await connectSocket(t, token);
      sockets.push(s);
      return s;
    }
    async function send(s: TestSocket, conversationId: string, text: string) {
      const clientId = randomUUID();
      s.send({ type: 'send', conversationId, clientId, text });
      // The ack or the error frame answering this send, whichever comes.
      const answer = await waitFor(async () => s.frames.find((f) => (f.type === 'ack' && f.clientId === clientId) || (f.type === 'error' && f.ref === clientId)), Boolean, 5_000, `answer to ${clientId}`);
      return answer!.type === 'ack' ? { ok: true as const, message: answer.message } : { ok: false as const, code: (answer as { code: string }).code };
    }

    it('members and the owner talk; non-members, muted and removed members cannot; the announcement is pinned and posted', async () => {
      const owner = await seniorListener(t);
      const group = await openGroup(t, owner);
      const { talker: member } = await paidMember(t, wx, group.id);
      const outsider = await loginAs(t);
      const ownerToken = owner.headers.authorization.slice('Bearer '.length);

      const so = await socketOf(ownerToken);
      const sm = await socketOf(member.token);
      const sx = await socketOf(outsider.token);
      for (const s of [so, sm]) {
        s.send({ type: 'subscribe', conversationId: group.conversationId, afterSeq: 0 });
        await s.next('history', (f) => f.conversationId === group.conversationId);
      }
      sx.send({ type: 'subscribe', conversationId: group.conversationId, afterSeq: 0 });
      expect(await sx.next('error')).toMatchObject({ code: 'chat/not_found' });
      expect(await send(sx, group.conversationId, '我也想说话')).toMatchObject({ ok: false, code: 'chat/not_found' });

      expect(await send(so, group.conversationId, '欢迎大家')).toMatchObject({ ok: true });
      expect((await sm.next('message')).message).toMatchObject({ text: '欢迎大家', from: 'peer', alias: owner.user.alias });
      expect(await send(sm, group.conversationId, '谢谢群主')).toMatchObject({ ok: true });
      expect((await so.next('message')).message).toMatchObject({ text: '谢谢群主', alias: member.user.alias });

      const announced = await t.request(`/api/groups/${group.id}/announcement`, { method: 'PUT', headers: owner.headers, body: JSON.stringify({ text: '每周三晚八点分享' }) });
      expect(announced.body).toMatchObject({ announcement: '每周三晚八点分享' });
      expect((await sm.next('message', (f) => f.message.kind === 'SYSTEM')).message.text).toBe('【群公告】每周三晚八点分享');
      expect((await t.request(`/api/groups/${group.id}/announcement`, { method: 'PUT', headers: member.headers, body: JSON.stringify({ text: 'x' }) })).status).toBe(403);

      const muted = await post(t, `/api/groups/${group.id}/members/${member.user.id}/mute`, owner.headers, { minutes: 60 });
      expect(muted.body).toMatchObject({ status: 'ACTIVE', mutedUntil: expect.any(String) });
      expect(await send(sm, group.conversationId, '我被禁言了吗')).toMatchObject({ ok: false, code: 'group/muted' });
      const members = await t.request(`/api/groups/${group.id}/members`, { headers: owner.headers });
      expect(members.body).toEqual([{ user: { id: member.user.id, alias: member.user.alias, avatar: expect.any(String) }, status: 'ACTIVE', joinedAt: expect.any(String), endsAt: expect.any(String), mutedUntil: muted.body.mutedUntil }]);
      expect((await t.request(`/api/groups/${group.id}/members`, { headers: member.headers })).status).toBe(403);
      await post(t, `/api/groups/${group.id}/members/${member.user.id}/unmute`, owner.headers);
      expect(await send(sm, group.conversationId, '又能说话了')).toMatchObject({ ok: true });

      await post(t, `/api/groups/${group.id}/members/${member.user.id}/remove`, owner.headers);
      // Their open sockets are closed (the client reconnects silently); live messages stop, resubscribing is refused.
      expect((await sm.closed).code).toBe(1012);
      const again = await socketOf(member.token);
      again.send({ type: 'subscribe', conversationId: group.conversationId, afterSeq: 0 });
      expect(await again.next('error')).toMatchObject({ code: 'chat/not_found' });
      expect(await send(again, group.conversationId, '还在吗')).toMatchObject({ ok: false, code: 'chat/not_found' });
      expect((await t.request(`/api/conversations/${group.conversationId}/messages`, { headers: member.headers })).status).toBe(404);
      expect((await t.request(`/api/conversations/${group.conversationId}/messages`, { headers: owner.headers })).body.messages.map((m: { text: string }) => m.text)).toEqual([
        '欢迎大家', '谢谢群主', '【群公告】每周三晚八点分享', '又能说话了',
      ]);
    });
  });

  it('refuses bad input with a clear 4xx and changes nothing', async () => {
    const owner = await seniorListener(t);
    const group = await openGroup(t, owner, { capacity: 2 });
    const talker = await loginAs(t);
    expect(await joinGroup(t, talker.headers, group.id, 90)).toMatchObject({ status: 400, body: { code: 'group/term_not_offered' } });
    expect(await joinGroup(t, talker.headers, randomUUID())).toMatchObject({ status: 404, body: { code: 'group/not_found' } });
    expect((await t.request('/api/groups/not-a-uuid', { headers: talker.headers })).status).toBe(400);
    await post(t, `/api/ops/groups/${group.id}/close`, (await loginAs(t, ['ADMIN'])).headers);
    expect(await joinGroup(t, talker.headers, group.id)).toMatchObject({ status: 409, body: { code: 'group/not_open' } });
    expect(await t.prisma.groupMembership.count({ where: { groupId: group.id } })).toBe(0);
    expect(await t.prisma.order.count({ where: { groupId: group.id } })).toBe(0);
    expect((await groupRow(group.id)).seatsTaken).toBe(0);
  });
});

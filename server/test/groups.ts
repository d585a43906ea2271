import { ACCOUNTS } from '../src/ledger/ledger.rules';
import { loginAs } from './auth';
import { listenerWithSession, orderStatus, post, waitFor } from './orders';
import type { TestApp } from './test-app';
import type { TestSimulator } from './wechat';

type Headers = Record<string, string>;

/** A SENIOR listener (may create groups) with a session token. */
export function seniorListener(t: TestApp) {
  return listenerWithSession(t, { tier: 'SENIOR' });
}

/** A group created by `owner` through the API and approved by a reviewer: OPEN, with its chat. */
export async function openGroup(t: TestApp, owner: { headers: Headers }, body: Record<string, unknown> = {}) {
  const created = await post(t, '/api/groups', owner.headers, { name: '走出失恋互助群', intro: '一起慢慢好起来', topic: 'RELATIONSHIP', price30Fen: 3000, capacity: 10, ...body });
  if (created.status !== 201) throw new Error(`create group: ${created.status} ${JSON.stringify(created.body)}`);
  const reviewer = await loginAs(t, ['REVIEWER']);
  const reviewed = await post(t, `/api/ops/groups/${created.body.id}/review`, reviewer.headers, { decision: 'APPROVE', note: '通过' });
  if (reviewed.status !== 200) throw new Error(`review group: ${reviewed.status} ${JSON.stringify(reviewed.body)}`);
  return reviewed.body as { id: string; conversationId: string; capacity: number };
}

/** POST /api/groups/:id/join (or renew). */
export function joinGroup(t: TestApp, headers: Headers, groupId: string, termDays = 30, action: 'join' | 'renew' = 'join') {
  return post(t, `/api/groups/${groupId}/${action}`, headers, { termDays });
}

/**
 * Pays a group order through the API and the simulator; resolves once the payment was applied
 * (a membership order goes PAID → COMPLETED in the payment's transaction, or to REFUNDING when no seat is left).
 */
export async function payGroupOrder(t: TestApp, wx: TestSimulator, headers: Headers, orderId: string) {
  const pay = await post(t, `/api/orders/${orderId}/pay`, headers);
  if (pay.status !== 200) throw new Error(`pay: ${pay.status} ${JSON.stringify(pay.body)}`);
  const order = await orderStatus(t, orderId);
  await wx.control(`/__sim/pay/${order.outTradeNo}/confirm`);
  return waitFor(() => orderStatus(t, orderId), (o) => o.transactionId !== null && o.status !== 'PAID', 15_000, `group order ${orderId} paid`);
}

/** A talker who joined and paid: their ACTIVE membership and the paid order. */
export async function paidMember(t: TestApp, wx: TestSimulator, groupId: string, termDays = 30) {
  const talker = await loginAs(t);
  const joined = await joinGroup(t, talker.headers, groupId, termDays);
  if (joined.status !== 200) throw new Error(`join: ${joined.status} ${JSON.stringify(joined.body)}`);
  const order = await payGroupOrder(t, wx, talker.headers, joined.body.order.id);
  const membership = await t.prisma.groupMembership.findUniqueOrThrow({ where: { groupId_userId: { groupId, userId: talker.user.id } } });
  return { talker, order, membership };
}

/**
 * The controllable clock: moves a membership (and what hangs on its current order: the payment
 * time and the owner's earning hold) `ms` into the past, as if that much time had passed.
 */
export async function ageMembership(t: TestApp, membershipId: string, ms: number) {
  const m = await t.prisma.groupMembership.findUniqueOrThrow({ where: { id: membershipId } });
  const back = (d: Date | null) => (d ? new Date(d.getTime() - ms) : null);
  await t.prisma.groupMembership.update({ where: { id: m.id }, data: { joinedAt: back(m.joinedAt), endsAt: back(m.endsAt) } });
  const orders = await t.prisma.order.findMany({ where: { kind: 'GROUP_MEMBERSHIP', groupId: m.groupId, talkerId: m.userId, paidAt: { not: null } } });
  for (const o of orders) {
    await t.prisma.order.update({ where: { id: o.id }, data: { paidAt: back(o.paidAt) } });
    const hold = await t.prisma.earningHold.findUnique({ where: { orderId: o.id } });
    if (hold) await t.prisma.earningHold.update({ where: { orderId: o.id }, data: { releaseAt: back(hold.releaseAt)! } });
    await t.prisma.scheduledJob.updateMany({ where: { kind: 'earnings.release', key: o.id, doneAt: null }, data: { dueAt: back(hold?.releaseAt ?? null) ?? undefined } });
  }
  await t.prisma.scheduledJob.updateMany({ where: { kind: 'group.membership_expire', key: m.id, doneAt: null }, data: { dueAt: back(m.endsAt) ?? undefined } });
}

/** A ledger account's balance as its owner sees it (credits are negative in the ledger). */
export async function balanceOf(t: TestApp, account: string) {
  const sum = await t.prisma.ledgerEntry.aggregate({ where: { account }, _sum: { amountFen: true } });
  return 0 - (sum._sum.amountFen ?? 0);
}

export const heldOf = (t: TestApp, listenerId: string) => balanceOf(t, ACCOUNTS.held(listenerId));
export const availableOf = (t: TestApp, listenerId: string) => balanceOf(t, ACCOUNTS.available(listenerId));

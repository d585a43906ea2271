import { randomUUID } from 'node:crypto';
import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import type { Group, GroupMembership, Order, Prisma, Refund } from '@qingting/prisma';
import { AuditService } from '../audit/audit.service';
import { ChatService } from '../chat/chat.service';
import { DomainError } from '../common/errors/domain-error';
import type { AuthUser } from '../identity/auth.decorators';
import { AppConfig } from '../infra/config/app-config';
import { PrismaService } from '../infra/database/prisma.service';
import { OrderHooks } from '../orders/order-hooks';
import { lockOrder, moveOrder, settleOrder } from '../orders/order-state';
import { REFUNDABLE_STATES } from '../orders/order-transitions';
import { OrderView, toOrderView } from '../orders/order-view';
import { OrdersService } from '../orders/orders.service';
import { RefundService } from '../orders/refund.service';
import { RealtimeService } from '../realtime/realtime.service';
import { SchedulerService } from '../scheduler/scheduler.service';
import { EarningsService } from '../settlement/earnings.service';
import type { TermDays } from './dto';
import { iso, MemberView, MembershipView, person, toMembershipView } from './group-view';
import { moveMembership } from './group-transitions';
import { GroupsService } from './groups.service';

/** Releases a reservation whose join order was not paid (at reservedUntil). */
export const RESERVATION_RELEASE_JOB = 'group.reservation_release';
/** Ends a membership at endsAt (access gone, seat freed). */
export const MEMBERSHIP_EXPIRE_JOB = 'group.membership_expire';
/**
 * After a membership ends (committed): the person's open sockets are closed so that live group
 * messages stop reaching them. The realtime layer has no per-conversation eviction across
 * instances; a close with 1012 ("service restart") makes the client reconnect and resubscribe
 * silently, and the group's subscription is then refused.
 */
export const MEMBER_EVICT_JOB = 'group.member_evict';
const RECONNECT_CLOSE_CODE = 1012;
/** A renewal may not put the end more than this far ahead (two years). */
export const MAX_AHEAD_DAYS = 730;
/** A reservation outlives its order's payBy by this much, so the order's expiry job closes the order first. */
const RESERVATION_SLACK_MS = 60_000;
/** The order is still PENDING_PAYMENT at the reservation's end: look again after the order's expiry job ran. */
const RELEASE_RETRY_MS = 30_000;
const DAY_MS = 86_400_000;

export interface JoinAnswer {
  order: OrderView;
  membership: MembershipView;
}

const MEMBERSHIP_COLUMNS = `id, group_id AS "groupId", user_id AS "userId", status, order_id AS "orderId", reserved_until AS "reservedUntil",
  joined_at AS "joinedAt", ends_at AS "endsAt", muted_until AS "mutedUntil", created_at AS "createdAt", updated_at AS "updatedAt"`;

/**
 * Group memberships (PRODUCT.md §7). Joining reserves a seat with ONE conditional update of the
 * group row (`seats_taken < capacity`), so capacity is never oversold, whatever the number of
 * instances; the seat is held by a RESERVED membership until the join order is paid (→ ACTIVE)
 * or its reservation lapses (→ RELEASED, seat freed). Every membership change is a conditional
 * update from the expected state (`moveMembership`) with an audit row, in one transaction with
 * its seat, chat membership, order and money effects.
 *
 * Money: leaving within GROUP_REFUND_WINDOW_HOURS of joinedAt refunds in full every order paid
 * for the current membership; the owner's share of each order is held for that window
 * (EarningsService). Removal by the owner refunds the unused part of the term pro rata:
 * ceil(paid × unused time / term) — rounding in the member's favour.
 */
@Injectable()
export class MembershipsService implements OnModuleInit {
  private readonly logger = new Logger(MembershipsService.name);

  constructor(
    private readonly prisma: PrismaService,
    private readonly config: AppConfig,
    private readonly groups: GroupsService,
    private readonly orders: OrdersService,
    private readonly refunds: RefundService,
    private readonly hooks: OrderHooks,
    private readonly earnings: EarningsService,
    private readonly scheduler: SchedulerService,
    private readonly chat: ChatService,
    private readonly realtime: RealtimeService,
    private readonly audit: AuditService,
  ) {}

  onModuleInit(): void {
    this.hooks.on('paid', (order, tx) => (order.kind === 'GROUP_MEMBERSHIP' ? this.onPaid(order, tx) : Promise.resolve()));
    this.scheduler.register(RESERVATION_RELEASE_JOB, (job, tx) => this.releaseLapsed(job.key, tx));
    this.scheduler.register(MEMBERSHIP_EXPIRE_JOB, (job, tx) => this.expire(job.key, tx));
    this.scheduler.registerEffect(MEMBER_EVICT_JOB, (job) => this.realtime.disconnectUser((job.payload as { userId: string }).userId, RECONNECT_CLOSE_CODE));
    this.chat.registerPolicy('GROUP', {
      canSend: (groupId, userId) => this.canSend(groupId, userId),
      canRead: async (groupId, userId) => (await this.access(groupId, userId)).readable,
    });
  }

  // --- joining and renewing ---

  /**
   * A seat and a join order waiting for payment. Already ACTIVE → 409 (renew instead); a
   * reservation of mine still being paid → that one again (same term; another term → 409).
   */
  async join(user: AuthUser, groupId: string, termDays: TermDays): Promise<JoinAnswer> {
    const group = await this.groups.find(groupId);
    if (group.ownerId === user.id) throw new DomainError('group/owner_own_group');
    const price = this.priceOf(group, termDays);
    const existing = await this.membershipOf(groupId, user.id);
    if (existing?.status === 'ACTIVE') throw new DomainError('group/already_member');
    if (existing?.status === 'RESERVED' && existing.reservedUntil && existing.reservedUntil.getTime() > Date.now()) return this.pendingJoin(user.id, existing, termDays);
    if (group.status !== 'OPEN') throw new DomainError('group/not_open');
    return this.reserve(user.id, group, termDays, price, existing);
  }

  /** Extends an ACTIVE membership (no seat needed); an ended one is joined again (needs a seat). */
  async renew(user: AuthUser, groupId: string, termDays: TermDays): Promise<JoinAnswer> {
    const group = await this.groups.find(groupId);
    const existing = await this.membershipOf(groupId, user.id);
    if (!existing) throw new DomainError('group/not_member');
    if (existing.status !== 'ACTIVE') return this.join(user, groupId, termDays);
    const price = this.priceOf(group, termDays);
    if (group.status !== 'OPEN') throw new DomainError('group/not_open');
    const newEnd = Math.max(Date.now(), existing.endsAt!.getTime()) + termDays * DAY_MS;
    if (newEnd - Date.now() > MAX_AHEAD_DAYS * DAY_MS) {
      throw new DomainError('group/renew_limit', `续费后有效期不能超过 ${MAX_AHEAD_DAYS} 天，请临近到期再续费`, [{ field: 'termDays', problem: `有效期上限 ${MAX_AHEAD_DAYS} 天` }]);
    }
    const pending = await this.pendingOrder(groupId, user.id);
    if (pending) {
      if (pending.termDays !== termDays) throw new DomainError('group/order_pending');
      return this.answer(user.id, pending, existing);
    }
    const order = await this.openOrder(user.id, group, termDays, price, `续费付费群组「${group.name}」${termDays}天`);
    return this.answer(user.id, order, existing);
  }

  private async reserve(userId: string, group: Group, termDays: TermDays, price: number, existing: GroupMembership | null): Promise<JoinAnswer> {
    const placeholder = randomUUID();
    const holdUntil = new Date(Date.now() + this.config.ORDER_PAY_MINUTES * 60_000 + RESERVATION_SLACK_MS);
    const membership = await this.prisma.client.$transaction(async (tx) => {
      // A lapsed reservation not yet released still holds its seat: it is re-pointed, not counted again.
      if (existing?.status !== 'RESERVED') await this.takeSeat(tx, group.id);
      let m: GroupMembership;
      if (!existing) {
        const [inserted] = await tx.$queryRawUnsafe<GroupMembership[]>(
          `INSERT INTO group_memberships (id, group_id, user_id, status, order_id, reserved_until, updated_at)
           VALUES ($1::uuid, $2::uuid, $3::uuid, 'RESERVED', $4::uuid, $5::timestamptz, now())
           ON CONFLICT (group_id, user_id) DO NOTHING RETURNING ${MEMBERSHIP_COLUMNS}`,
          randomUUID(), group.id, userId, placeholder, holdUntil,
        );
        // A concurrent join of the same person won: this one rolls back (its seat with it).
        if (!inserted) throw new DomainError('group/order_pending');
        m = inserted;
      } else {
        await moveMembership(tx, existing.id, existing.status, 'RESERVED', { orderId: placeholder, reservedUntil: holdUntil, joinedAt: null, endsAt: null, mutedUntil: null }, { orderId: existing.orderId });
        m = { ...existing, status: 'RESERVED', orderId: placeholder, reservedUntil: holdUntil };
      }
      await this.scheduler.schedule(RESERVATION_RELEASE_JOB, m.id, holdUntil, {}, tx);
      await this.record(tx, userId, m, 'reserve', { from: existing?.status ?? null });
      return m;
    });
    let order: Order;
    try {
      order = await this.openOrder(userId, group, termDays, price, `加入付费群组「${group.name}」${termDays}天`);
    } catch (err) {
      await this.prisma.client.$transaction((tx) => this.release(tx, membership, null)).catch((e) => this.logger.error({ err: e, membershipId: membership.id }, 'could not release a reservation; its job will'));
      throw err;
    }
    const reservedUntil = new Date(order.payBy.getTime() + RESERVATION_SLACK_MS);
    await this.prisma.client.$transaction(async (tx) => {
      await moveMembership(tx, membership.id, 'RESERVED', 'RESERVED', { orderId: order.id, reservedUntil }, { orderId: placeholder });
      await this.scheduler.schedule(RESERVATION_RELEASE_JOB, membership.id, reservedUntil, {}, tx);
    });
    return this.answer(userId, order, { ...membership, orderId: order.id, reservedUntil });
  }

  /** The seat: one conditional update of the group row; on failure, why (closed or full). */
  private async takeSeat(tx: Prisma.TransactionClient, groupId: string): Promise<boolean> {
    const rows = await tx.$queryRawUnsafe<{ seatsTaken: number }[]>(
      `UPDATE groups SET seats_taken = seats_taken + 1, updated_at = now()
       WHERE id = $1::uuid AND status = 'OPEN' AND seats_taken < capacity RETURNING seats_taken AS "seatsTaken"`,
      groupId,
    );
    if (rows.length) return true;
    const group = await tx.group.findUnique({ where: { id: groupId }, select: { status: true } });
    if (!group) throw new DomainError('group/not_found');
    throw new DomainError(group.status === 'OPEN' ? 'group/full' : 'group/not_open');
  }

  private async freeSeat(tx: Prisma.TransactionClient, groupId: string): Promise<void> {
    await tx.$executeRawUnsafe('UPDATE groups SET seats_taken = seats_taken - 1, updated_at = now() WHERE id = $1::uuid AND seats_taken > 0', groupId);
  }

  private async pendingJoin(userId: string, m: GroupMembership, termDays: TermDays): Promise<JoinAnswer> {
    const order = await this.prisma.client.order.findUnique({ where: { id: m.orderId } });
    // The order is being created right now by a concurrent request (placeholder), or is of another term.
    if (!order || order.termDays !== termDays || order.status !== 'PENDING_PAYMENT') throw new DomainError('group/order_pending');
    return this.answer(userId, order, m);
  }

  private pendingOrder(groupId: string, userId: string): Promise<Order | null> {
    return this.prisma.client.order.findFirst({ where: { kind: 'GROUP_MEMBERSHIP', groupId, talkerId: userId, status: 'PENDING_PAYMENT', payBy: { gt: new Date() } }, orderBy: { createdAt: 'desc' } });
  }

  private priceOf(group: Group, termDays: TermDays): number {
    const price = { 30: group.price30Fen, 90: group.price90Fen, 365: group.price365Fen }[termDays];
    if (!price) throw new DomainError('group/term_not_offered');
    return price;
  }

  private openOrder(userId: string, group: Group, termDays: TermDays, price: number, reason: string): Promise<Order> {
    return this.orders.open(
      {
        kind: 'GROUP_MEMBERSHIP',
        talkerId: userId,
        listenerId: group.ownerId,
        serviceType: 'TEXT',
        topic: group.topic,
        units: 1,
        unitPriceFen: price,
        minutes: 0,
        packageId: null,
        subtotalFen: price,
        pointsDiscountFen: 0,
        totalFen: price,
        parentOrderId: null,
        giftCode: null,
        groupId: group.id,
        termDays,
      },
      userId,
      reason,
    );
  }

  private async answer(userId: string, order: Order, m: GroupMembership): Promise<JoinAnswer> {
    return { order: toOrderView(order, await this.orders.usersOf([order]), userId), membership: toMembershipView(m, this.config.GROUP_REFUND_WINDOW_HOURS) };
  }

  // --- payment, lapse, expiry ---

  /**
   * A GROUP_MEMBERSHIP order was paid (inside the payment transaction): the reservation becomes
   * ACTIVE, or the active membership is extended, or (the reservation was released meanwhile) a
   * seat is taken again; when none is free the payment is refunded in full. The order completes,
   * the owner's share is held for the refund window, and the expiry timer is set.
   */
  private async onPaid(order: Order, tx: Prisma.TransactionClient): Promise<void> {
    const groupId = order.groupId!;
    const paidAt = order.paidAt ?? new Date();
    const term = order.termDays! * DAY_MS;
    const [m] = await tx.$queryRawUnsafe<GroupMembership[]>(`SELECT ${MEMBERSHIP_COLUMNS} FROM group_memberships WHERE group_id = $1::uuid AND user_id = $2::uuid FOR UPDATE`, groupId, order.talkerId);
    let active: GroupMembership;
    if (m?.status === 'RESERVED' && m.orderId === order.id) {
      active = { ...m, status: 'ACTIVE', joinedAt: paidAt, endsAt: new Date(paidAt.getTime() + term), reservedUntil: null };
      await moveMembership(tx, m.id, 'RESERVED', 'ACTIVE', { joinedAt: active.joinedAt, endsAt: active.endsAt, reservedUntil: null }, { orderId: order.id });
    } else if (m?.status === 'ACTIVE') {
      active = { ...m, orderId: order.id, endsAt: new Date(Math.max(paidAt.getTime(), m.endsAt!.getTime()) + term) };
      await moveMembership(tx, m.id, 'ACTIVE', 'ACTIVE', { orderId: order.id, endsAt: active.endsAt }, { orderId: m.orderId });
    } else {
      const seated = m?.status !== 'RESERVED' && (await this.takeSeat(tx, groupId).catch((err: unknown) => (err instanceof DomainError ? false : Promise.reject(err))));
      if (!seated) {
        // No seat for it any more (released and taken by others, group closed, or another join pending): all of it back.
        await this.refunds.refund(order.id, order.totalFen, '付费群组已满员或已关闭，自动全额退款', null, tx);
        await this.audit.record({ actorId: null, action: 'group.membership.refund_no_seat', subjectType: 'group', subjectId: groupId, detail: { orderId: order.id, userId: order.talkerId } }, tx);
        return;
      }
      const endsAt = new Date(paidAt.getTime() + term);
      if (m) {
        await moveMembership(tx, m.id, m.status, 'ACTIVE', { orderId: order.id, joinedAt: paidAt, endsAt, reservedUntil: null, mutedUntil: null }, { orderId: m.orderId });
        active = { ...m, status: 'ACTIVE', orderId: order.id, joinedAt: paidAt, endsAt };
      } else {
        active = await tx.groupMembership.create({ data: { groupId, userId: order.talkerId, status: 'ACTIVE', orderId: order.id, joinedAt: paidAt, endsAt } });
      }
    }
    await moveOrder(tx, order.id, 'PAID', 'COMPLETED', { actorId: null, reason: `付费群组会员已生效至 ${active.endsAt!.toISOString()}` });
    await this.earnings.holdUntil(order.id, order.listenerId, new Date(paidAt.getTime() + this.config.GROUP_REFUND_WINDOW_HOURS * 3600_000), tx);
    await this.scheduler.schedule(MEMBERSHIP_EXPIRE_JOB, active.id, active.endsAt!, {}, tx);
    await this.joinConversation(tx, groupId, order.talkerId);
    await this.record(tx, null, active, m?.status === 'ACTIVE' ? 'renew' : 'activate', { orderId: order.id, endsAt: active.endsAt });
  }

  /** The release job: the reservation's order was not paid (closed, or never created) → RELEASED, seat freed. */
  private async releaseLapsed(membershipId: string, tx: Prisma.TransactionClient): Promise<Date | void> {
    const m = await tx.groupMembership.findUnique({ where: { id: membershipId } });
    if (!m || m.status !== 'RESERVED') return;
    if (m.reservedUntil && m.reservedUntil.getTime() > Date.now()) return m.reservedUntil;
    const order = await tx.order.findUnique({ where: { id: m.orderId }, select: { status: true } });
    // Still open: the order's expiry job closes it first (and may find it paid at WeChat).
    if (order?.status === 'PENDING_PAYMENT') return new Date(Date.now() + RELEASE_RETRY_MS);
    if (order && order.status !== 'CLOSED') return;
    await this.release(tx, m, null);
  }

  private async release(tx: Prisma.TransactionClient, m: GroupMembership, actorId: string | null): Promise<void> {
    await moveMembership(tx, m.id, 'RESERVED', 'RELEASED', { reservedUntil: null }, { orderId: m.orderId });
    await this.freeSeat(tx, m.groupId);
    await this.record(tx, actorId, m, 'release', { orderId: m.orderId });
  }

  /** The expiry job: at endsAt an ACTIVE membership ends (seat freed, out of the chat); a renewed one runs again at its new end. */
  private async expire(membershipId: string, tx: Prisma.TransactionClient): Promise<Date | void> {
    const m = await tx.groupMembership.findUnique({ where: { id: membershipId } });
    if (!m || m.status !== 'ACTIVE' || !m.endsAt) return;
    if (m.endsAt.getTime() > Date.now()) return m.endsAt;
    await this.end(tx, m, 'EXPIRED', null);
    await this.settleOrders(tx, m);
  }

  /**
   * A membership ended with nothing left to refund (expired, or left after the refund window):
   * its orders whose owner's share was released are SETTLED. The release job settles none of a
   * membership's orders, since the owner could still refund the unused term pro rata.
   */
  private async settleOrders(tx: Prisma.TransactionClient, m: GroupMembership): Promise<void> {
    for (const o of await this.membershipOrders(tx, m)) {
      if (await this.earnings.released(o.id, tx)) await settleOrder(tx, (await lockOrder(tx, o.id))!, '会员期结束，群主收益已结算');
    }
  }

  /** ACTIVE → an ended state: seat freed, out of the group chat, audited. */
  private async end(tx: Prisma.TransactionClient, m: GroupMembership, to: 'EXPIRED' | 'LEFT' | 'REMOVED' | 'REFUNDED', actorId: string | null, detail: Record<string, unknown> = {}): Promise<void> {
    await moveMembership(tx, m.id, 'ACTIVE', to, { mutedUntil: null }, { orderId: m.orderId, code: 'group/member_not_active' });
    await this.freeSeat(tx, m.groupId);
    await tx.$executeRawUnsafe(
      `UPDATE conversation_members cm SET left_at = now(), muted_until = NULL FROM conversations c
       WHERE c.id = cm.conversation_id AND c.subject_id = $1::uuid AND cm.user_id = $2::uuid AND cm.left_at IS NULL`,
      m.groupId, m.userId,
    );
    await this.scheduler.schedule(MEMBER_EVICT_JOB, m.id, new Date(), { userId: m.userId }, tx);
    await this.record(tx, actorId, m, to.toLowerCase(), detail);
  }

  private async joinConversation(tx: Prisma.TransactionClient, groupId: string, userId: string): Promise<void> {
    await tx.$executeRawUnsafe(
      `INSERT INTO conversation_members (conversation_id, user_id, role)
       SELECT c.id, $2::uuid, 'MEMBER' FROM conversations c WHERE c.subject_id = $1::uuid
       ON CONFLICT (conversation_id, user_id) DO UPDATE SET left_at = NULL, muted_until = NULL`,
      groupId, userId,
    );
  }

  // --- leaving and the owner's controls ---

  /**
   * Within the refund window of joinedAt: every order paid for this membership is refunded in
   * full (→ REFUNDED); after it: LEFT, nothing refunded. `expectRefund` makes a late request a
   * 409 with nothing changed (the person saw "refund" and must not silently lose it).
   */
  async leave(user: AuthUser, groupId: string, expectRefund = false): Promise<MembershipView> {
    await this.groups.find(groupId);
    const refunds = await this.prisma.client.$transaction(async (tx) => {
      const m = await this.lockMembership(tx, groupId, user.id);
      const inWindow = Date.now() < m.joinedAt!.getTime() + this.config.GROUP_REFUND_WINDOW_HOURS * 3600_000;
      if (!inWindow && expectRefund) throw new DomainError('group/refund_window_passed');
      const made: Refund[] = [];
      if (inWindow) {
        for (const o of await this.membershipOrders(tx, m)) {
          const amount = await this.refunds.refundable(tx, o);
          if (amount > 0) made.push(await this.refunds.refund(o.id, amount, `${this.config.GROUP_REFUND_WINDOW_HOURS}小时内退出付费群组，全额退款`, user.id, tx));
        }
      }
      await this.end(tx, m, inWindow ? 'REFUNDED' : 'LEFT', user.id, { refundedFen: made.reduce((s, r) => s + r.amountFen, 0) });
      if (!inWindow) await this.settleOrders(tx, m);
      return made;
    });
    await this.submit(refunds);
    return toMembershipView((await this.membershipOf(groupId, user.id))!, this.config.GROUP_REFUND_WINDOW_HOURS);
  }

  /** The owner removes a member: the unused part of the term refunded pro rata (newest order first), REMOVED. */
  async remove(owner: AuthUser, groupId: string, userId: string): Promise<MemberView> {
    const group = await this.groups.owned(groupId, owner.id);
    if (userId === group.ownerId) throw new DomainError('group/cannot_remove_owner');
    const refunds = await this.prisma.client.$transaction(async (tx) => {
      const m = await this.lockMembership(tx, groupId, userId, 'group/member_not_active');
      const now = Date.now();
      const orders = await this.membershipOrders(tx, m);
      const paid = orders.reduce((s, o) => s + o.totalFen, 0);
      const termMs = m.endsAt!.getTime() - m.joinedAt!.getTime();
      const unusedMs = Math.max(0, m.endsAt!.getTime() - now);
      let owed = termMs > 0 ? Math.ceil((paid * unusedMs) / termMs) : 0;
      const made: Refund[] = [];
      for (const o of orders) {
        if (owed <= 0) break;
        const amount = Math.min(owed, await this.refunds.refundable(tx, o));
        if (amount <= 0) continue;
        made.push(await this.refunds.refund(o.id, amount, '群主移出成员，按未使用时长比例退款', owner.id, tx));
        owed -= amount;
      }
      await this.end(tx, m, 'REMOVED', owner.id, { refundedFen: made.reduce((s, r) => s + r.amountFen, 0), paidFen: paid });
      return made;
    });
    await this.submit(refunds);
    return (await this.members(owner, groupId, [userId]))[0];
  }

  /** Mute (`minutes` > 0) or unmute (null) an ACTIVE member, in the membership and the chat. */
  async mute(owner: AuthUser, groupId: string, userId: string, minutes: number | null): Promise<MemberView> {
    await this.groups.owned(groupId, owner.id);
    const mutedUntil = minutes === null ? null : new Date(Date.now() + minutes * 60_000);
    await this.prisma.client.$transaction(async (tx) => {
      const m = await this.lockMembership(tx, groupId, userId, 'group/member_not_active');
      await moveMembership(tx, m.id, 'ACTIVE', 'ACTIVE', { mutedUntil }, { orderId: m.orderId, code: 'group/member_not_active' });
      await tx.$executeRawUnsafe(
        `UPDATE conversation_members cm SET muted_until = $3::timestamptz FROM conversations c
         WHERE c.id = cm.conversation_id AND c.subject_id = $1::uuid AND cm.user_id = $2::uuid`,
        groupId, userId, mutedUntil,
      );
      await this.record(tx, owner.id, m, minutes === null ? 'unmute' : 'mute', { mutedUntil });
    });
    return (await this.members(owner, groupId, [userId]))[0];
  }

  /** The owner's member list (reserved and active; or the given users in any state): aliases only. */
  async members(owner: AuthUser, groupId: string, only?: string[]): Promise<MemberView[]> {
    await this.groups.owned(groupId, owner.id);
    const rows = await this.prisma.client.groupMembership.findMany({
      where: { groupId, ...(only ? { userId: { in: only } } : { status: { in: ['ACTIVE', 'RESERVED'] } }) },
      orderBy: [{ status: 'asc' }, { joinedAt: 'asc' }, { createdAt: 'asc' }],
    });
    const users = await this.prisma.client.user.findMany({ where: { id: { in: rows.map((r) => r.userId) } }, select: { id: true, alias: true, avatarSeed: true } });
    const userOf = new Map(users.map((u) => [u.id, u]));
    return rows.map((m) => ({
      user: person(userOf.get(m.userId)!),
      status: m.status,
      joinedAt: iso(m.joinedAt),
      endsAt: iso(m.endsAt),
      mutedUntil: m.mutedUntil && m.mutedUntil.getTime() > Date.now() ? m.mutedUntil.toISOString() : null,
    }));
  }

  // --- chat policy ---

  private async access(groupId: string, userId: string): Promise<{ status: string | null; owner: boolean; active: boolean; muted: boolean; readable: boolean }> {
    const [row] = await this.prisma.sql.query<{ status: string; owner: boolean; active: boolean; muted: boolean }>(
      `SELECT g.status::text AS status, g.owner_id = $2::uuid AS owner,
              coalesce(m.status = 'ACTIVE' AND m.ends_at > now(), false) AS active,
              coalesce(m.muted_until > now(), false) AS muted
       FROM groups g LEFT JOIN group_memberships m ON m.group_id = g.id AND m.user_id = $2::uuid
       WHERE g.id = $1::uuid`,
      [groupId, userId],
    );
    if (!row) return { status: null, owner: false, active: false, muted: false, readable: false };
    return { ...row, readable: row.owner || row.active };
  }

  /** The owner, or an ACTIVE (unexpired) member who is not muted; nobody in a rejected group. */
  private async canSend(groupId: string, userId: string): Promise<boolean> {
    const a = await this.access(groupId, userId);
    if (!a.status || a.status === 'REJECTED') return false;
    if (a.owner) return true;
    // Not (or no longer) a member: refused like any non-member, revealing nothing (the chat's state cache may lag).
    if (!a.active) throw new DomainError('chat/not_found');
    if (a.muted) throw new DomainError('group/muted');
    return true;
  }

  // --- helpers ---

  private membershipOf(groupId: string, userId: string): Promise<GroupMembership | null> {
    return this.prisma.client.groupMembership.findUnique({ where: { groupId_userId: { groupId, userId } } });
  }

  /** The ACTIVE membership, locked for the transaction; else 409 (`code`). */
  private async lockMembership(tx: Prisma.TransactionClient, groupId: string, userId: string, code: 'group/not_member' | 'group/member_not_active' = 'group/not_member'): Promise<GroupMembership> {
    const [m] = await tx.$queryRawUnsafe<GroupMembership[]>(`SELECT ${MEMBERSHIP_COLUMNS} FROM group_memberships WHERE group_id = $1::uuid AND user_id = $2::uuid FOR UPDATE`, groupId, userId);
    if (!m || m.status !== 'ACTIVE') throw new DomainError(code);
    return m;
  }

  /** The orders paid for the current membership (since joinedAt), newest first, that may still be refunded. */
  private membershipOrders(tx: Prisma.TransactionClient, m: GroupMembership): Promise<Order[]> {
    return tx.order.findMany({
      where: { kind: 'GROUP_MEMBERSHIP', groupId: m.groupId, talkerId: m.userId, paidAt: { gte: m.joinedAt! }, status: { in: [...REFUNDABLE_STATES] } },
      orderBy: [{ paidAt: 'desc' }, { id: 'desc' }],
    });
  }

  private async submit(refunds: Refund[]): Promise<void> {
    for (const r of refunds) await this.refunds.submit(r.id).catch((err) => this.logger.warn({ err, refundId: r.id }, 'refund submit failed; the job retries'));
  }

  private record(tx: Prisma.TransactionClient, actorId: string | null, m: Pick<GroupMembership, 'id' | 'groupId' | 'userId'>, what: string, detail: Record<string, unknown>): Promise<void> {
    return this.audit.record({ actorId, action: `group.membership.${what}`, subjectType: 'group_membership', subjectId: m.id, detail: { groupId: m.groupId, userId: m.userId, ...detail } }, tx);
  }
}

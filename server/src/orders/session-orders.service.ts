import { Injectable } from '@nestjs/common';
import type { Order, Prisma, Refund, SqlReader } from '@qingting/prisma';
import { DomainError } from '../common/errors/domain-error';
import { PrismaService } from '../infra/database/prisma.service';
import { ORDER_COLUMNS } from './order-rows';
import { lockOrder, moveOrder } from './order-state';
import { OrderView, toOrderView } from './order-view';
import { OrdersService } from './orders.service';
import { isPackageFunded, PackageMinutesService } from './package-minutes.service';
import { RefundService } from './refund.service';

/** What the sessions module needs of a session to buy more for it. */
export interface SessionRef {
  /** The session's SESSION order (the parent of its extensions and gifts). */
  orderId: string;
  talkerId: string;
}

/** One order's share of a session's settlement (see sessions/settlement.ts). */
export interface OrderCharge {
  orderId: string;
  /** Seconds of the order's block charged for (what a package-funded order takes from its package). */
  chargedSeconds: number;
  chargedFen: number;
  refundFen: number;
}

export type DisputeDecisionKind = 'NONE' | 'PARTIAL' | 'FULL';

/**
 * The orders side of timed sessions (PRODUCT.md §3, §4): the session's orders move through
 * their states here, with `moveOrder` and `RefundService` like every other order change, inside
 * the session module's transaction. The sessions module decides when and how much; this service
 * knows how an order gets there.
 */
@Injectable()
export class SessionOrdersService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly orders: OrdersService,
    private readonly refunds: RefundService,
    private readonly packages: PackageMinutesService,
  ) {}

  // --- buying more during a session ---

  /**
   * An EXTENSION order of `units` at the session order's unit price, waiting for payment (paid
   * with POST /orders/:id/pay; the orders module's expiry timer closes it when unpaid). A second
   * request while one is unpaid returns that one when it is the same length (a double tap), else 409.
   */
  async createExtension(session: SessionRef, units: number): Promise<OrderView> {
    this.orders.checkUnits(units);
    const parent = await this.prisma.client.order.findUniqueOrThrow({ where: { id: session.orderId } });
    // A session paid with package minutes is extended with money, at the listener's current price.
    const unitPriceFen = isPackageFunded(parent) ? await this.currentUnitPrice(parent) : parent.unitPriceFen;
    const pending = await this.prisma.client.order.findFirst({
      where: { parentOrderId: parent.id, kind: 'EXTENSION', status: 'PENDING_PAYMENT', payBy: { gt: new Date() } },
      orderBy: { createdAt: 'desc' },
    });
    if (pending) {
      if (pending.units !== units) throw new DomainError('session/extension_pending');
      return this.view(pending, session.talkerId);
    }
    const subtotalFen = unitPriceFen * units;
    const order = await this.orders.open(
      {
        kind: 'EXTENSION',
        talkerId: parent.talkerId,
        listenerId: parent.listenerId,
        serviceType: parent.serviceType,
        topic: parent.topic,
        units,
        unitPriceFen,
        minutes: units * 15,
        packageId: null,
        subtotalFen,
        pointsDiscountFen: 0,
        totalFen: subtotalFen,
        parentOrderId: parent.id,
        giftCode: null,
      },
      session.talkerId,
      `会话续时 ${units * 15} 分钟`,
    );
    return this.view(order, session.talkerId);
  }

  /** A GIFT order for the session's listener, priced from the catalogue, waiting for payment. */
  async createGift(session: SessionRef, giftCode: string): Promise<OrderView> {
    const gift = await this.prisma.client.gift.findFirst({ where: { code: giftCode, active: true } });
    if (!gift) throw new DomainError('session/gift_not_found');
    const parent = await this.prisma.client.order.findUniqueOrThrow({ where: { id: session.orderId } });
    const order = await this.orders.open(
      {
        kind: 'GIFT',
        talkerId: parent.talkerId,
        listenerId: parent.listenerId,
        serviceType: parent.serviceType,
        topic: null,
        units: 1,
        unitPriceFen: gift.priceFen,
        minutes: 0,
        packageId: null,
        subtotalFen: gift.priceFen,
        pointsDiscountFen: 0,
        totalFen: gift.priceFen,
        parentOrderId: parent.id,
        giftCode: gift.code,
      },
      session.talkerId,
      `送出礼物「${gift.name}」`,
    );
    return this.view(order, session.talkerId);
  }

  /**
   * The orders of sessions at their end, by SESSION order id, each in consumption order: the
   * SESSION order, then its extensions by payment time. Many at once (a batch of timed-out
   * sessions); plain SQL through `db` (a pool, a plain-SQL transaction or `inTx` of a Prisma one).
   */
  async ordersOf(sessionOrderIds: readonly string[], db: SqlReader): Promise<Map<string, Order[]>> {
    const rows = await db.query<Order & { sessionOrderId: string }>(
      `SELECT ${ORDER_COLUMNS}, CASE WHEN kind = 'EXTENSION' THEN parent_order_id ELSE id END AS "sessionOrderId" FROM orders
        WHERE id = ANY($1::uuid[]) OR (parent_order_id = ANY($1::uuid[]) AND kind = 'EXTENSION')
        ORDER BY (kind = 'EXTENSION'), coalesce(paid_at, created_at), id`,
      [sessionOrderIds],
    );
    const bySession = new Map<string, Order[]>(sessionOrderIds.map((id) => [id, []]));
    for (const { sessionOrderId, ...order } of rows) bySession.get(sessionOrderId)?.push(order);
    return bySession;
  }

  // --- the session's lifecycle ---

  /** The session started (SESSION order ACCEPTED → IN_SESSION) or a paid extension joined it (PAID → IN_SESSION). */
  async markInSession(order: Pick<Order, 'id' | 'kind'>, actorId: string | null, tx: Prisma.TransactionClient): Promise<void> {
    const from = order.kind === 'EXTENSION' ? 'PAID' : 'ACCEPTED';
    await moveOrder(tx, order.id, from, 'IN_SESSION', { actorId, reason: order.kind === 'EXTENSION' ? '续时已支付，计入会话' : '双方进入会话，开始计时' });
  }

  /**
   * The session ended: every order IN_SESSION → COMPLETED, and what it was not charged refunded
   * (submitted to WeChat Pay by the refund job right after the caller's commit).
   */
  async settle(charges: readonly OrderCharge[], reason: string, refundReason: string, actorId: string | null, tx: Prisma.TransactionClient): Promise<Refund[]> {
    const refunds: Refund[] = [];
    for (const c of charges) {
      const order = await lockOrder(tx, c.orderId);
      if (order && isPackageFunded(order)) {
        await this.packages.settleUsed(tx, order, c.chargedSeconds, reason, actorId);
        continue;
      }
      await moveOrder(tx, c.orderId, 'IN_SESSION', 'COMPLETED', { actorId, reason: `${reason}，实收 ${c.chargedFen} 分` });
      if (c.refundFen > 0) refunds.push(await this.refunds.refund(c.orderId, c.refundFen, refundReason, actorId, tx));
    }
    return refunds;
  }

  /**
   * The session never started (a no-show): the SESSION order is refunded, keeping `keepFen` (the
   * talker no-show fee, capped at what is refundable); when the fee takes everything the order
   * simply completes. Nothing happens to an order that is no longer ACCEPTED (e.g. refunded by ops).
   */
  async refundUnstarted(orderId: string, keepFen: number, reason: string, tx: Prisma.TransactionClient): Promise<{ refundedFen: number; keptFen: number }> {
    const order = await lockOrder(tx, orderId);
    if (order?.status !== 'ACCEPTED') return { refundedFen: 0, keptFen: 0 };
    if (isPackageFunded(order)) {
      // Minutes, not money: all of them go back (the no-show fee is money, kept only from paid orders).
      await this.orders.refundInFull(tx, order, reason, null);
      return { refundedFen: 0, keptFen: 0 };
    }
    const refundable = await this.refunds.refundable(tx, order);
    const amount = Math.max(0, refundable - keepFen);
    if (amount > 0) await this.refunds.refund(orderId, amount, reason, null, tx);
    else await moveOrder(tx, orderId, 'ACCEPTED', 'COMPLETED', { actorId: null, reason: `${reason}（无可退金额）` });
    return { refundedFen: amount, keptFen: refundable - amount };
  }

  /** A paid extension whose session had already ended: refunded in full. */
  async refundInFull(orderId: string, reason: string, tx: Prisma.TransactionClient): Promise<void> {
    const order = await lockOrder(tx, orderId);
    if (!order) throw new DomainError('order/not_found');
    await this.orders.refundInFull(tx, order, reason, null);
  }

  /** A gift was paid: it is delivered at once (PAID → COMPLETED). Returns the gift's name. */
  async completeGift(order: Pick<Order, 'id' | 'giftCode'>, tx: Prisma.TransactionClient): Promise<string> {
    const gift = order.giftCode ? await tx.gift.findUnique({ where: { code: order.giftCode } }) : null;
    await moveOrder(tx, order.id, 'PAID', 'COMPLETED', { actorId: null, reason: `礼物「${gift?.name ?? order.giftCode}」已送达` });
    return gift?.name ?? order.giftCode ?? '礼物';
  }

  // --- disputes (called by the feedback module inside its transaction) ---

  /** The talker disputes a completed (or partially refunded) order: → DISPUTED. */
  async openDispute(orderId: string, actorId: string, reason: string, tx: Prisma.TransactionClient): Promise<void> {
    const order = await lockOrder(tx, orderId);
    if (!order) throw new DomainError('order/not_found');
    if (order.status !== 'COMPLETED' && order.status !== 'PARTIALLY_REFUNDED') throw new DomainError('dispute/not_disputable');
    await moveOrder(tx, orderId, order.status, 'DISPUTED', { actorId, reason: `倾诉者提出争议：${reason}` });
  }

  /**
   * An operator decides a dispute: NONE → back to COMPLETED; PARTIAL (`refundFen`) or FULL →
   * refunded through `RefundService`, capped by what is still refundable (→ REFUNDING).
   * Returns the amount refunded (0 for NONE).
   */
  async decideDispute(orderId: string, decision: DisputeDecisionKind, refundFen: number, actorId: string, note: string, tx: Prisma.TransactionClient): Promise<{ refundedFen: number }> {
    const order = await lockOrder(tx, orderId);
    if (!order) throw new DomainError('order/not_found');
    if (order.status !== 'DISPUTED') throw new DomainError('session/not_disputed');
    if (decision === 'NONE') {
      await moveOrder(tx, orderId, 'DISPUTED', 'COMPLETED', { actorId, reason: `争议裁定：不退款${note ? `（${note}）` : ''}` });
      return { refundedFen: 0 };
    }
    const refundable = await this.refunds.refundable(tx, order);
    const amount = decision === 'FULL' ? refundable : Math.min(refundFen, refundable);
    if (!Number.isSafeInteger(amount) || amount <= 0) throw new DomainError('order/refund_too_large', `没有可退的金额（最多可退 ${(refundable / 100).toFixed(2)} 元）`, [{ field: 'refundFen', problem: `可退 ${refundable} 分` }]);
    await this.refunds.refund(orderId, amount, `争议裁定：${decision === 'FULL' ? '全额' : '部分'}退款${note ? `（${note}）` : ''}`, actorId, tx);
    return { refundedFen: amount };
  }

  private async currentUnitPrice(order: Pick<Order, 'listenerId' | 'serviceType'>): Promise<number> {
    const profile = await this.prisma.client.listenerProfile.findUnique({ where: { userId: order.listenerId }, select: { priceTextFen: true, priceVoiceFen: true } });
    const price = order.serviceType === 'TEXT' ? profile?.priceTextFen : profile?.priceVoiceFen;
    if (!price || price <= 0) throw new DomainError('order/service_not_offered');
    return price;
  }

  private async view(order: Order, viewerId: string): Promise<OrderView> {
    return toOrderView(order, await this.orders.usersOf([order]), viewerId);
  }
}

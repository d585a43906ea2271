import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import type { Prisma } from '@qingting/prisma';
import type { Page } from '@qingting/shared';
import { AppConfig } from '../infra/config/app-config';
import { PrismaService } from '../infra/database/prisma.service';
import { releaseLines } from '../ledger/ledger.rules';
import { LedgerService } from '../ledger/ledger.service';
import { OrderHooks } from '../orders/order-hooks';
import { lockOrder, settleOrder } from '../orders/order-state';
import { decodeOrderCursor, encodeOrderCursor } from '../orders/order-view';
import { DueJob, SchedulerService } from '../scheduler/scheduler.service';
import { heldForOrder, listenerBalances, listenerMovements, MovementRow } from './balances';

export const EARNINGS_RELEASE_JOB = 'earnings.release';
/** How long a release waits while the order is disputed or being refunded, before looking again. */
export const RELEASE_RETRY_MS = 3600_000;

export const releaseKey = (orderId: string) => `release:${orderId}`;

/** What the earnings page shows (fen). */
export interface EarningsSummary {
  /** Inside the dispute window. */
  heldFen: number;
  /** May be withdrawn now; negative when a refund after release took back more than was left. */
  withdrawableFen: number;
  /** Reserved for a withdrawal in flight. */
  pendingPayoutFen: number;
  /** Transferred to the listener's WeChat balance so far. */
  paidOutFen: number;
  /** Everything earned, net of refunds: held + withdrawable + pending + paid out. */
  lifetimeFen: number;
  /** The withdrawal rules, for the withdrawal form. */
  payoutMinFen: number;
  payoutDailyLimitFen: number;
}

export type MovementKind = 'EARNING' | 'REFUND' | 'RELEASE' | 'PAYOUT' | 'PAYOUT_PAID' | 'PAYOUT_RETURNED';

/** One line of the earnings history: what one posting did to the listener's money. No talker identity. */
export interface EarningMovementView {
  id: string;
  kind: MovementKind;
  order: { id: string; kind: string } | null;
  payoutId: string | null;
  /** Change of each balance (+ is more for the listener). */
  heldFen: number;
  withdrawableFen: number;
  pendingPayoutFen: number;
  at: string;
}

const LEDGER_KIND_TO_MOVEMENT: Record<string, MovementKind> = {
  PAYMENT: 'EARNING',
  REFUND: 'REFUND',
  RELEASE: 'RELEASE',
  PAYOUT: 'PAYOUT',
  PAYOUT_PAID: 'PAYOUT_PAID',
  PAYOUT_RETURN: 'PAYOUT_RETURNED',
};

/**
 * Listener earnings (PRODUCT.md §11): a paid order's listener share is held for the dispute
 * window (`holdUntil`, called by the sessions module when a session ends or a gift is paid, and
 * when a topic package completes),
 * then the `earnings.release` job moves what is still held for the order to withdrawable in one
 * balanced posting. Refunds before the release shrink the hold; refunds after it are clawed back
 * from withdrawable (see `refundLines`).
 */
@Injectable()
export class EarningsService implements OnModuleInit {
  private readonly logger = new Logger(EarningsService.name);

  constructor(
    private readonly prisma: PrismaService,
    private readonly config: AppConfig,
    private readonly ledger: LedgerService,
    private readonly scheduler: SchedulerService,
    private readonly hooks: OrderHooks,
  ) {}

  onModuleInit(): void {
    this.scheduler.register(EARNINGS_RELEASE_JOB, (job, tx) => this.release(job, tx));
    // A topic package's earnings wait until it completes (used up or expired), then the dispute window.
    this.hooks.on('completed', async (order, tx) => {
      if (order.kind === 'PACKAGE') await this.holdUntil(order.id, order.listenerId, new Date(Date.now() + this.config.DISPUTE_WINDOW_HOURS * 3600_000), tx);
    });
  }

  /**
   * Holds the listener's earnings from the order until `releaseAt` (creates the hold, or moves
   * it), inside the caller's transaction. A hold already released stays released (false).
   */
  async holdUntil(orderId: string, listenerId: string, releaseAt: Date, tx: Prisma.TransactionClient): Promise<boolean> {
    const order = await tx.order.findUnique({ where: { id: orderId }, select: { listenerId: true } });
    if (!order) throw new Error(`holdUntil: order ${orderId} does not exist`);
    if (order.listenerId !== listenerId) throw new Error(`holdUntil: order ${orderId} belongs to another listener`);
    const existing = await tx.earningHold.findUnique({ where: { orderId } });
    if (existing?.releasedAt) return false;
    if (existing) await tx.earningHold.updateMany({ where: { orderId, releasedAt: null }, data: { releaseAt } });
    else await tx.earningHold.create({ data: { orderId, listenerId, releaseAt } });
    await this.scheduler.schedule(EARNINGS_RELEASE_JOB, orderId, releaseAt, {}, tx);
    return true;
  }

  /** The order's held earnings were released (its window is over). */
  async released(orderId: string, tx: Prisma.TransactionClient): Promise<boolean> {
    return (await tx.earningHold.count({ where: { orderId, releasedAt: { not: null } } })) > 0;
  }

  /**
   * The release job, under the order's row lock (so a refund's posting is either before, and
   * shrinks what is released, or after, and is clawed back). A disputed order, or one being
   * refunded, is looked at again an hour later.
   */
  private async release(job: DueJob, tx: Prisma.TransactionClient): Promise<Date | void> {
    const hold = await tx.earningHold.findUnique({ where: { orderId: job.key } });
    if (!hold || hold.releasedAt) return;
    const order = await lockOrder(tx, hold.orderId);
    if (!order) return;
    if (order.status === 'DISPUTED' || order.status === 'REFUNDING') {
      const later = new Date(Date.now() + RELEASE_RETRY_MS);
      await tx.earningHold.update({ where: { orderId: hold.orderId }, data: { releaseAt: later } });
      this.logger.log({ orderId: hold.orderId, status: order.status, until: later.toISOString() }, 'earnings release postponed');
      return later; // the scheduler runs this job again then
    }
    const amount = await heldForOrder(tx, hold.listenerId, hold.orderId);
    if (amount > 0) await this.ledger.post(tx, { kind: 'RELEASE', idempotencyKey: releaseKey(hold.orderId), orderId: hold.orderId, entries: releaseLines(hold.listenerId, amount) });
    await tx.earningHold.updateMany({ where: { orderId: hold.orderId, releasedAt: null }, data: { releasedFen: Math.max(0, amount), releasedAt: new Date() } });
    // The dispute window is over, so no rule can move the order's money any more: SETTLED. A
    // membership's owner may still refund the unused term pro rata, so those settle when it ends.
    if (order.kind !== 'GROUP_MEMBERSHIP') await settleOrder(tx, order, '争议期结束，倾听者收益已结算');
  }

  async summary(listenerId: string): Promise<EarningsSummary> {
    const db = this.prisma.client;
    const [balances, paid] = await Promise.all([
      listenerBalances(db, listenerId),
      db.payout.aggregate({ where: { listenerId, status: 'SUCCESS' }, _sum: { amountFen: true } }),
    ]);
    const paidOutFen = paid._sum.amountFen ?? 0;
    return {
      heldFen: balances.heldFen,
      withdrawableFen: balances.availableFen,
      pendingPayoutFen: balances.payoutFen,
      paidOutFen,
      lifetimeFen: balances.heldFen + balances.availableFen + balances.payoutFen + paidOutFen,
      payoutMinFen: this.config.PAYOUT_MIN_FEN,
      payoutDailyLimitFen: this.config.PAYOUT_DAILY_LIMIT_FEN,
    };
  }

  async history(listenerId: string, query: { cursor?: string; limit: number }): Promise<Page<EarningMovementView>> {
    const db = this.prisma.client;
    const rows = await listenerMovements(db, listenerId, { before: query.cursor ? decodeOrderCursor(query.cursor) : undefined, take: query.limit + 1 });
    const items = rows.slice(0, query.limit);
    const orderIds = [...new Set(items.flatMap((r) => (r.orderId ? [r.orderId] : [])))];
    const orders = orderIds.length ? await db.order.findMany({ where: { id: { in: orderIds } }, select: { id: true, kind: true } }) : [];
    const kindOf = new Map(orders.map((o) => [o.id, o.kind]));
    return {
      items: items.map((r) => toMovementView(r, kindOf)),
      nextCursor: rows.length > query.limit ? encodeOrderCursor(items[items.length - 1]) : null,
    };
  }
}

function toMovementView(r: MovementRow, orderKinds: Map<string, string>): EarningMovementView {
  // Payout postings carry the payout in their idempotency key (`payout:<id>:<step>`).
  const payoutId = /^payout:([0-9a-f-]{36}):/.exec(r.idempotencyKey)?.[1] ?? null;
  return {
    id: r.id,
    kind: LEDGER_KIND_TO_MOVEMENT[r.kind] ?? (r.kind as MovementKind),
    order: r.orderId ? { id: r.orderId, kind: orderKinds.get(r.orderId) ?? 'SESSION' } : null,
    payoutId,
    heldFen: r.heldFen,
    withdrawableFen: r.availableFen,
    pendingPayoutFen: r.payoutFen,
    at: r.createdAt.toISOString(),
  };
}

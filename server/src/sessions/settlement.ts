/**
 * What a talker pays at the end of a session (PRODUCT.md §3 refund rules), as pure arithmetic on
 * integers of fen and whole seconds. The session's time is consumed from the first order's block
 * (the SESSION order), then from each paid extension in order; each order is charged its price
 * for the seconds used of its block, pro rata to the second and rounded down (the talker's
 * favour); what is not charged is refunded.
 */

/** One 15-minute unit, the minimum charge when the talker ends a started session early. */
export const UNIT_SECONDS = 15 * 60;

export type SettlementReason = 'TIME_UP' | 'TALKER_ENDED' | 'LISTENER_ENDED';

export interface Block {
  orderId: string;
  /** What was paid for the block. */
  totalFen: number;
  /** Seconds the block buys (the order's minutes × 60). */
  seconds: number;
}

export interface Charge {
  orderId: string;
  /** Seconds of this block that were used (before any minimum). */
  usedSeconds: number;
  /** Seconds charged for: the used ones, or the whole block (time up), or the minimum unit. */
  chargedSeconds: number;
  chargedFen: number;
  refundFen: number;
}

/**
 * - TIME_UP: every block is charged in full.
 * - TALKER_ENDED: the used seconds, but at least one unit of the first block.
 * - LISTENER_ENDED: exactly the used seconds, no minimum.
 */
export function settle(blocks: readonly Block[], usedSeconds: number, reason: SettlementReason): Charge[] {
  if (!Number.isSafeInteger(usedSeconds) || usedSeconds < 0) throw new RangeError(`usedSeconds must be a non-negative integer, got ${usedSeconds}`);
  let left = usedSeconds;
  return blocks.map((block, i) => {
    if (!Number.isSafeInteger(block.totalFen) || block.totalFen < 0) throw new RangeError(`totalFen must be a non-negative integer, got ${block.totalFen}`);
    if (!Number.isSafeInteger(block.seconds) || block.seconds <= 0) throw new RangeError(`block seconds must be a positive integer, got ${block.seconds}`);
    const used = Math.min(left, block.seconds);
    left -= used;
    let billable = used;
    if (reason === 'TIME_UP') billable = block.seconds;
    else if (reason === 'TALKER_ENDED' && i === 0) billable = Math.max(used, Math.min(UNIT_SECONDS, block.seconds));
    const chargedFen = Math.floor((block.totalFen * billable) / block.seconds);
    return { orderId: block.orderId, usedSeconds: used, chargedSeconds: billable, chargedFen, refundFen: block.totalFen - chargedFen };
  });
}

/** `settle` for a session's orders (each buys its minutes for its total), in consumption order. */
export function chargesOf(orders: readonly { id: string; totalFen: number; minutes: number }[], usedSeconds: number, reason: SettlementReason): Charge[] {
  return settle(orders.map((o) => ({ orderId: o.id, totalFen: o.totalFen, seconds: o.minutes * 60 })), usedSeconds, reason);
}

/** Whole seconds of conversation from `startedAt` to `min(at, endsAt)`, never more than paid for. */
export function usedSecondsOf(startedAt: Date, endsAt: Date, at: Date, paidSeconds: number): number {
  const end = Math.min(at.getTime(), endsAt.getTime());
  return Math.max(0, Math.min(paidSeconds, Math.floor((end - startedAt.getTime()) / 1000)));
}

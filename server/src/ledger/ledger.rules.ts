/**
 * The ledger's pure arithmetic: how a payment and a refund split between the WeChat Pay
 * clearing account, the platform's commission and the listener's earnings, and how earnings
 * move from held to withdrawable to a payout. Integers in fen; every rounding is in the
 * platform's favour; debits positive, credits negative (so a listener's balance on one of their
 * accounts is minus the sum of its entries).
 */
export interface LedgerLine {
  account: string;
  amountFen: number;
}

export const ACCOUNTS = {
  clearing: 'wechat:clearing',
  commission: 'platform:commission',
  /** Earnings inside the dispute window (PRODUCT.md §11). */
  held: (listenerId: string) => `listener:${listenerId}:held`,
  /** Withdrawable earnings; negative when a refund after release clawed back more than was left (the listener owes it). */
  available: (listenerId: string) => `listener:${listenerId}:available`,
  /** Reserved for a withdrawal in flight at WeChat Pay. */
  payoutPending: (listenerId: string) => `listener:${listenerId}:payout`,
} as const;

/** The platform's share of `totalFen` at `percent`, rounded up (the platform's favour). */
export function commissionOf(totalFen: number, percent: number): number {
  assertFen(totalFen);
  return Math.ceil((totalFen * percent) / 100);
}

/** A talker paid `totalFen`: clearing is debited, commission and the listener's held earnings credited. */
export function paymentLines(listenerId: string, totalFen: number, percent: number): LedgerLine[] {
  const commission = commissionOf(totalFen, percent);
  return nonZero([
    { account: ACCOUNTS.clearing, amountFen: totalFen },
    { account: ACCOUNTS.commission, amountFen: -commission },
    { account: ACCOUNTS.held(listenerId), amountFen: -(totalFen - commission) },
  ]);
}

/**
 * `amountFen` of a payment of `totalFen` (of which the platform took `commission`) goes back to the payer, `refundedBeforeFen` having gone
 * back already: the commission is reversed in proportion to the cumulative refund (rounded down,
 * so the platform keeps the odd fen until the last refund, and a full refund reverses it exactly).
 * The listener's share comes out of what is still held for this order (`heldForOrderFen`); what
 * the hold no longer covers, because it was released, is clawed back from withdrawable earnings.
 */
export function refundLines(listenerId: string, totalFen: number, commission: number, refundedBeforeFen: number, amountFen: number, heldForOrderFen: number): LedgerLine[] {
  assertFen(amountFen);
  assertFen(commission);
  if (refundedBeforeFen + amountFen > totalFen) throw new RangeError(`refund of ${amountFen} exceeds what is left of ${totalFen} after ${refundedBeforeFen}`);
  const reversedBefore = Math.floor((commission * refundedBeforeFen) / totalFen);
  const reversedAfter = Math.floor((commission * (refundedBeforeFen + amountFen)) / totalFen);
  const fromCommission = reversedAfter - reversedBefore;
  const listenerShare = amountFen - fromCommission;
  const fromHeld = Math.min(listenerShare, Math.max(0, heldForOrderFen));
  return nonZero([
    { account: ACCOUNTS.commission, amountFen: fromCommission },
    { account: ACCOUNTS.held(listenerId), amountFen: fromHeld },
    ...clawbackLines(listenerId, listenerShare - fromHeld),
    { account: ACCOUNTS.clearing, amountFen: -amountFen },
  ]);
}

/** The debit of a refund's listener share that the hold no longer covers: taken from withdrawable (which may go negative). */
export function clawbackLines(listenerId: string, amountFen: number): LedgerLine[] {
  assertFen(amountFen);
  return nonZero([{ account: ACCOUNTS.available(listenerId), amountFen }]);
}

/** The dispute window is over: what is still held for an order becomes withdrawable. */
export function releaseLines(listenerId: string, amountFen: number): LedgerLine[] {
  return move(ACCOUNTS.held(listenerId), ACCOUNTS.available(listenerId), amountFen);
}

/** A withdrawal is requested: the amount is reserved out of withdrawable until WeChat Pay's transfer ends. */
export function payoutReserveLines(listenerId: string, amountFen: number): LedgerLine[] {
  return move(ACCOUNTS.available(listenerId), ACCOUNTS.payoutPending(listenerId), amountFen);
}

/** The transfer succeeded: the reserved money left the merchant account (credit clearing). */
export function payoutPaidLines(listenerId: string, amountFen: number): LedgerLine[] {
  return move(ACCOUNTS.payoutPending(listenerId), ACCOUNTS.clearing, amountFen);
}

/** The transfer failed or was cancelled (or rejected by the listener): the reserve goes back to withdrawable. */
export function payoutReturnLines(listenerId: string, amountFen: number): LedgerLine[] {
  return move(ACCOUNTS.payoutPending(listenerId), ACCOUNTS.available(listenerId), amountFen);
}

/** `amountFen` (> 0) out of `from` into `to`: debit `from`, credit `to`. */
function move(from: string, to: string, amountFen: number): LedgerLine[] {
  assertFen(amountFen);
  if (amountFen === 0) throw new RangeError('a movement of 0 fen is not a posting');
  return [
    { account: from, amountFen },
    { account: to, amountFen: -amountFen },
  ];
}

function nonZero(lines: LedgerLine[]): LedgerLine[] {
  return lines.filter((l) => l.amountFen !== 0);
}

function assertFen(n: number): void {
  if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`amount must be a non-negative integer of fen, got ${n}`);
}

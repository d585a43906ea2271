/**
 * The ledger's pure arithmetic: how a payment and a refund split between the WeChat Pay
 * clearing account, the platform's commission and the listener's held earnings. Integers in
 * fen; every rounding is in the platform's favour; debits positive, credits negative.
 */
export interface LedgerLine {
  account: string;
  amountFen: number;
}

export const ACCOUNTS = {
  clearing: 'wechat:clearing',
  commission: 'platform:commission',
  held: (listenerId: string) => `listener:${listenerId}:held`,
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
 */
export function refundLines(listenerId: string, totalFen: number, commission: number, refundedBeforeFen: number, amountFen: number): LedgerLine[] {
  assertFen(amountFen);
  assertFen(commission);
  if (refundedBeforeFen + amountFen > totalFen) throw new RangeError(`refund of ${amountFen} exceeds what is left of ${totalFen} after ${refundedBeforeFen}`);
  const reversedBefore = Math.floor((commission * refundedBeforeFen) / totalFen);
  const reversedAfter = Math.floor((commission * (refundedBeforeFen + amountFen)) / totalFen);
  const fromCommission = reversedAfter - reversedBefore;
  return nonZero([
    { account: ACCOUNTS.commission, amountFen: fromCommission },
    { account: ACCOUNTS.held(listenerId), amountFen: amountFen - fromCommission },
    { account: ACCOUNTS.clearing, amountFen: -amountFen },
  ]);
}

function nonZero(lines: LedgerLine[]): LedgerLine[] {
  return lines.filter((l) => l.amountFen !== 0);
}

function assertFen(n: number): void {
  if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`amount must be a non-negative integer of fen, got ${n}`);
}

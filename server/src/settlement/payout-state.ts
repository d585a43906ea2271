import type { PayoutStatus, Prisma } from '@qingting/prisma';
import type { TransferState } from '../wechat/protocol/types';

/**
 * The one table of allowed payout transitions. Every change is a conditional update from the
 * states that may lead to the target, so a duplicate notification, or a notification racing a
 * sync, changes a payout (and posts its ledger movement) at most once.
 */
export const PAYOUT_TRANSITIONS: Readonly<Record<PayoutStatus, readonly PayoutStatus[]>> = {
  PENDING: ['WAIT_USER_CONFIRM', 'PROCESSING', 'SUCCESS', 'FAILED', 'CANCELLED'],
  WAIT_USER_CONFIRM: ['PROCESSING', 'SUCCESS', 'FAILED', 'CANCELLED'],
  PROCESSING: ['SUCCESS', 'FAILED', 'CANCELLED'],
  SUCCESS: [],
  FAILED: [],
  CANCELLED: [],
};

/** Money reserved and the outcome not known yet: at most one per listener. */
export const OPEN_PAYOUT_STATUSES: readonly PayoutStatus[] = ['PENDING', 'WAIT_USER_CONFIRM', 'PROCESSING'];

export const FINAL_PAYOUT_STATUSES: readonly PayoutStatus[] = ['SUCCESS', 'FAILED', 'CANCELLED'];

/** States from which `to` may be reached. */
export function sourcesOf(to: PayoutStatus): PayoutStatus[] {
  return (Object.keys(PAYOUT_TRANSITIONS) as PayoutStatus[]).filter((from) => PAYOUT_TRANSITIONS[from].includes(to));
}

/** What a WeChat transfer state means for our payout; null while WeChat is still accepting or cancelling it. */
export function payoutStatusOf(state: TransferState): PayoutStatus | null {
  switch (state) {
    case 'WAIT_USER_CONFIRM':
      return 'WAIT_USER_CONFIRM';
    case 'PROCESSING':
    case 'TRANSFERING':
      return 'PROCESSING';
    case 'SUCCESS':
      return 'SUCCESS';
    case 'FAIL':
      return 'FAILED';
    case 'CANCELLED':
      return 'CANCELLED';
    case 'ACCEPTED':
    case 'CANCELING':
      return null;
  }
}

/** Moves the payout to `to` if it is in a state that may lead there; false when it was not (already moved by someone else). */
export async function movePayout(tx: Prisma.TransactionClient, payoutId: string, to: PayoutStatus, data: Prisma.PayoutUpdateManyMutationInput = {}): Promise<boolean> {
  const { count } = await tx.payout.updateMany({
    where: { id: payoutId, status: { in: sourcesOf(to) } },
    data: { ...data, status: to, ...(FINAL_PAYOUT_STATUSES.includes(to) ? { finishedAt: new Date() } : {}) },
  });
  return count === 1;
}

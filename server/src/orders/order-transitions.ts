import type { OrderStatus } from '@qingting/prisma';
import { DomainError } from '../common/errors/domain-error';

/**
 * The one table of allowed order transitions (PRODUCT.md §3). Every status change goes
 * through `assertTransition` and a conditional update from the expected status.
 *
 * REFUNDING → REFUNDING records a further refund requested while one is in flight; CLOSED →
 * REFUNDING is a payment that arrived after the order was closed (refunded in full).
 *
 * Sessions (see `session-orders.service.ts`): an EXTENSION order has no accept step, so once paid
 * during its session it goes PAID → IN_SESSION; a GIFT order completes when paid (PAID →
 * COMPLETED); a talker no-show whose fee takes the whole price leaves nothing to refund
 * (ACCEPTED → COMPLETED).
 *
 * Paid groups (`groups/memberships.service.ts`): a GROUP_MEMBERSHIP order completes when its
 * membership activates or extends (PAID → COMPLETED), or is refunded when no seat is left (PAID → REFUNDING).
 *
 * SETTLED: the dispute window is over and the listener's earnings were released (the release job;
 * a membership's orders when the membership ends). No rule refunds it any more; only a finance
 * refund can (SETTLED → REFUNDING), clawed back from the listener's withdrawable balance.
 */
export const ORDER_TRANSITIONS: Readonly<Record<OrderStatus, readonly OrderStatus[]>> = {
  PENDING_PAYMENT: ['PAID', 'CLOSED'],
  PAID: ['ACCEPTED', 'REFUNDING', 'IN_SESSION', 'COMPLETED'],
  ACCEPTED: ['IN_SESSION', 'REFUNDING', 'COMPLETED'],
  IN_SESSION: ['COMPLETED', 'REFUNDING'],
  COMPLETED: ['SETTLED', 'DISPUTED', 'REFUNDING'],
  DISPUTED: ['COMPLETED', 'SETTLED', 'REFUNDING'],
  REFUNDING: ['REFUNDING', 'REFUNDED', 'PARTIALLY_REFUNDED'],
  PARTIALLY_REFUNDED: ['REFUNDING', 'DISPUTED', 'SETTLED'],
  CLOSED: ['REFUNDING'],
  REFUNDED: [],
  SETTLED: ['REFUNDING'],
};

export function canTransition(from: OrderStatus, to: OrderStatus): boolean {
  return ORDER_TRANSITIONS[from].includes(to);
}

/** Throws 409 (`code`, default `order/state_changed`) when `from → to` is not in the table. */
export function assertTransition(from: OrderStatus, to: OrderStatus, code: 'order/state_changed' | 'order/not_payable' | 'order/not_cancellable' | 'order/not_acceptable' | 'order/not_refundable' = 'order/state_changed'): void {
  if (!canTransition(from, to)) throw new DomainError(code);
}

/** States from which a refund may be requested (money was paid and not all of it went back). */
export const REFUNDABLE_STATES: readonly OrderStatus[] = (Object.keys(ORDER_TRANSITIONS) as OrderStatus[]).filter((s) => canTransition(s, 'REFUNDING'));

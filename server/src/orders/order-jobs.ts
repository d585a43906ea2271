import type { Order, Prisma } from '@qingting/prisma';

/** Timer kinds of the orders module (scheduler job kinds; the order id is the key). */
export const ORDER_EXPIRE_JOB = 'order.expire';
export const ORDER_ACCEPT_TIMEOUT_JOB = 'order.accept_timeout';
/** After-commit effect of a payment: the listener is told (at least once). */
export const ORDER_PAID_JOB = 'order.paid';
/** A topic package's expiry (its balance's `expiresAt`). */
export const PACKAGE_EXPIRE_JOB = 'package.expire';

/** What the `order.paid` job carries: whom to tell, so telling an online listener reads nothing. */
export interface PaidJobPayload {
  listenerId: string;
}

export function paidJobPayload(order: Pick<Order, 'listenerId'>): PaidJobPayload & Prisma.InputJsonObject {
  return { listenerId: order.listenerId };
}

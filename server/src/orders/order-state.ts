import type { Order, OrderStatus, Prisma } from '@qingting/prisma';
import { DomainError } from '../common/errors/domain-error';
import { assertTransition } from './order-transitions';

type Code = 'order/state_changed' | 'order/not_payable' | 'order/not_cancellable' | 'order/not_acceptable' | 'order/not_refundable';

/**
 * The only way an order changes status: checked against the transition table, a conditional
 * update from the expected status (0 rows → 409, the caller's transaction rolls back), and the
 * history row with who and why, in the caller's transaction.
 */
export async function moveOrder(
  tx: Prisma.TransactionClient,
  orderId: string,
  from: OrderStatus,
  to: OrderStatus,
  how: { actorId: string | null; reason: string; data?: Prisma.OrderUpdateManyMutationInput; code?: Code },
): Promise<void> {
  assertTransition(from, to, how.code);
  const { count } = await tx.order.updateMany({ where: { id: orderId, status: from }, data: { ...how.data, status: to } });
  if (count === 0) throw new DomainError(how.code ?? 'order/state_changed');
  await tx.orderTransition.create({ data: { orderId, from, to, actorId: how.actorId, reason: how.reason.slice(0, 500) } });
}

/** Locks the order row for the rest of the transaction (`SELECT … FOR UPDATE`) and reads it fresh. */
export async function lockOrder(tx: Prisma.TransactionClient, orderId: string): Promise<Order | null> {
  const rows = await tx.$queryRaw<{ id: string }[]>`SELECT id FROM orders WHERE id = ${orderId}::uuid FOR UPDATE`;
  if (!rows.length) return null;
  return tx.order.findUnique({ where: { id: orderId } });
}

import { randomUUID } from 'node:crypto';
import type { Order, OrderStatus, Prisma } from '@qingting/prisma';
import { DomainError } from '../common/errors/domain-error';
import { ORDER_COLUMNS } from './order-rows';
import { assertTransition } from './order-transitions';

type Code = 'order/state_changed' | 'order/not_payable' | 'order/not_cancellable' | 'order/not_acceptable' | 'order/not_refundable';

/** Fields a transition sets along with the status (plain values, each becomes `column = $n`). */
export type OrderChanges = Partial<Pick<Order, 'transactionId' | 'paidAt' | 'acceptBy' | 'acceptedAt' | 'closedAt' | 'refundedFen'>>;

export interface Move {
  actorId: string | null;
  reason: string;
  data?: OrderChanges;
  code?: Code;
}

/**
 * A transition as SQL: two data-modifying CTEs with parameters numbered from `first`. `moved` is
 * the conditional update from `from` (no row when the order is no longer in `from`); the history
 * row with who and why is written only with it. Checked against the transition table here, so
 * `moveOrder` and the statements that move an order together with its effects in one round trip
 * (a payment) share one definition of a move.
 */
export function moveOrderSql(orderId: string, from: OrderStatus, to: OrderStatus, how: Move, first = 1): { text: string; values: unknown[] } {
  assertTransition(from, to, how.code);
  const changes = Object.entries(how.data ?? {}).filter(([, v]) => v !== undefined);
  const p = (i: number) => `$${first + i}`;
  const sets = changes.map(([field], i) => `${field.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)} = ${p(3 + i)}`);
  const h = 3 + changes.length;
  return {
    text: `moved AS (UPDATE orders SET ${[...sets, `status = ${p(2)}::"OrderStatus"`, 'updated_at = now()'].join(', ')}
                     WHERE id = ${p(0)}::uuid AND status = ${p(1)}::"OrderStatus" RETURNING id),
           moved_history AS (INSERT INTO order_transitions (id, order_id, "from", "to", actor_id, reason, at)
                             SELECT ${p(h)}::uuid, moved.id, ${p(1)}::"OrderStatus", ${p(2)}::"OrderStatus", ${p(h + 1)}::uuid, ${p(h + 2)}::text, ${p(h + 3)}::timestamptz FROM moved)`,
    values: [orderId, from, to, ...changes.map(([, v]) => v), randomUUID(), how.actorId, how.reason.slice(0, 500), new Date()],
  };
}

/**
 * The only way an order changes status: checked against the transition table, a conditional
 * update from the expected status (0 rows → 409, the caller's transaction rolls back), and the
 * history row with who and why, in the caller's transaction (one statement, see `moveOrderSql`).
 */
export async function moveOrder(tx: Prisma.TransactionClient, orderId: string, from: OrderStatus, to: OrderStatus, how: Move): Promise<void> {
  const move = moveOrderSql(orderId, from, to, how);
  const [{ moved }] = await tx.$queryRawUnsafe<{ moved: number }[]>(`WITH ${move.text} SELECT count(*)::int AS moved FROM moved`, ...move.values);
  if (moved === 0) throw new DomainError(how.code ?? 'order/state_changed');
}

/** Locks the order row for the rest of the transaction (`SELECT … FOR UPDATE`) and reads it fresh. */
export async function lockOrder(tx: Prisma.TransactionClient, orderId: string): Promise<Order | null> {
  const [order] = await tx.$queryRawUnsafe<Order[]>(`SELECT ${ORDER_COLUMNS} FROM orders WHERE id = $1::uuid FOR UPDATE`, orderId);
  return order ?? null;
}

/**
 * COMPLETED or PARTIALLY_REFUNDED → SETTLED (final: no rule may move its money any more), in the
 * caller's transaction with the order locked. False when the order is in another state.
 */
export async function settleOrder(tx: Prisma.TransactionClient, order: Pick<Order, 'id' | 'status'>, reason: string): Promise<boolean> {
  if (order.status !== 'COMPLETED' && order.status !== 'PARTIALLY_REFUNDED') return false;
  await moveOrder(tx, order.id, order.status, 'SETTLED', { actorId: null, reason });
  return true;
}

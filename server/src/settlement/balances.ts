import { Prisma } from '@qingting/prisma';
import { ACCOUNTS } from '../ledger/ledger.rules';

/**
 * Reads of the listener's ledger accounts (the ledger module owns the tables and all writes go
 * through `LedgerService.post`). Balances are from the listener's side: credits count positive.
 */

/** What is still held for one order: its payment's credit minus refunds and the release. */
export async function heldForOrder(tx: Prisma.TransactionClient, listenerId: string, orderId: string): Promise<number> {
  const sum = await tx.ledgerEntry.aggregate({ where: { account: ACCOUNTS.held(listenerId), transaction: { orderId } }, _sum: { amountFen: true } });
  return -(sum._sum.amountFen ?? 0);
}

export interface ListenerBalances {
  heldFen: number;
  /** Negative when a clawback took more than was withdrawable (the listener owes it). */
  availableFen: number;
  payoutFen: number;
}

export async function listenerBalances(tx: Prisma.TransactionClient, listenerId: string): Promise<ListenerBalances> {
  const accounts = { held: ACCOUNTS.held(listenerId), available: ACCOUNTS.available(listenerId), payout: ACCOUNTS.payoutPending(listenerId) };
  const rows = await tx.ledgerEntry.groupBy({ by: ['account'], where: { account: { in: Object.values(accounts) } }, _sum: { amountFen: true } });
  const balance = (account: string) => -(rows.find((r) => r.account === account)?._sum.amountFen ?? 0) + 0;
  return { heldFen: balance(accounts.held), availableFen: balance(accounts.available), payoutFen: balance(accounts.payout) };
}

/** One posting that touched the listener's accounts, with what it did to each (listener's side: + is money for them). */
export interface MovementRow {
  id: string;
  kind: string;
  orderId: string | null;
  idempotencyKey: string;
  createdAt: Date;
  heldFen: number;
  availableFen: number;
  payoutFen: number;
}

/** The listener's postings, newest first, keyset-paged on (createdAt, id). */
export async function listenerMovements(
  tx: Prisma.TransactionClient,
  listenerId: string,
  page: { before?: { createdAt: Date; id: string }; take: number },
): Promise<MovementRow[]> {
  const held = ACCOUNTS.held(listenerId);
  const available = ACCOUNTS.available(listenerId);
  const payout = ACCOUNTS.payoutPending(listenerId);
  const before = page.before ? Prisma.sql`AND (t.created_at, t.id) < (${page.before.createdAt}, ${page.before.id}::uuid)` : Prisma.empty;
  const rows = await tx.$queryRaw<(Omit<MovementRow, 'heldFen' | 'availableFen' | 'payoutFen'> & { heldFen: bigint; availableFen: bigint; payoutFen: bigint })[]>`
    SELECT t.id, t.kind, t.order_id AS "orderId", t.idempotency_key AS "idempotencyKey", t.created_at AS "createdAt",
      -SUM(CASE WHEN e.account = ${held} THEN e.amount_fen ELSE 0 END)::bigint AS "heldFen",
      -SUM(CASE WHEN e.account = ${available} THEN e.amount_fen ELSE 0 END)::bigint AS "availableFen",
      -SUM(CASE WHEN e.account = ${payout} THEN e.amount_fen ELSE 0 END)::bigint AS "payoutFen"
    FROM ledger_entries e JOIN ledger_transactions t ON t.id = e.transaction_id
    WHERE e.account IN (${held}, ${available}, ${payout}) ${before}
    GROUP BY t.id
    ORDER BY t.created_at DESC, t.id DESC
    LIMIT ${page.take}`;
  return rows.map((r) => ({ ...r, heldFen: Number(r.heldFen), availableFen: Number(r.availableFen), payoutFen: Number(r.payoutFen) }));
}

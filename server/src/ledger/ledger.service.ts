import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { Prisma } from '@qingting/prisma';
import { PrismaService } from '../infra/database/prisma.service';
import { ACCOUNTS, LedgerLine } from './ledger.rules';

export interface Posting {
  /** PAYMENT, REFUND, RELEASE, PAYOUT … */
  kind: string;
  /** Makes the posting idempotent, e.g. `payment:<orderId>`: posting it again changes nothing. */
  idempotencyKey: string;
  orderId?: string | null;
  entries: LedgerLine[];
}

export interface LedgerCheck {
  ok: boolean;
  transactions: number;
  orders: number;
  /** Transactions whose entries do not sum to zero. */
  unbalanced: { transactionId: string; sumFen: number }[];
  /** Orders whose clearing balance is not what they paid minus what was refunded (0 for unpaid orders). */
  mismatches: { orderId: string; expectedFen: number; clearingFen: number }[];
}

export interface LedgerEntryView {
  transactionId: string;
  kind: string;
  account: string;
  amountFen: number;
  at: string;
}

export const paymentKey = (orderId: string) => `payment:${orderId}`;
export const refundKey = (refundId: string) => `refund:${refundId}`;

/**
 * A posting as SQL: two data-modifying CTEs with parameters numbered from `first`. `posted` is the
 * transaction row (no row when its idempotency key was already posted); its entries are written
 * only with it. Refused here when the entries do not sum to zero, so `post` and the statements
 * that post together with a business change in one round trip (a payment) share the checks.
 */
export function postingSql(posting: Posting, first = 1): { text: string; values: unknown[] } {
  if (!posting.entries.length) throw new Error(`ledger posting ${posting.idempotencyKey} has no entries`);
  for (const e of posting.entries) {
    if (!Number.isSafeInteger(e.amountFen) || e.amountFen === 0) throw new Error(`ledger entry ${e.account}: amount must be a non-zero integer of fen, got ${e.amountFen}`);
    if (!e.account) throw new Error('ledger entry without an account');
  }
  const sum = posting.entries.reduce((acc, e) => acc + e.amountFen, 0);
  if (sum !== 0) throw new Error(`unbalanced ledger posting ${posting.idempotencyKey}: entries sum to ${sum}`);
  const p = (i: number) => `$${first + i}`;
  return {
    text: `posted AS (INSERT INTO ledger_transactions (id, kind, idempotency_key, order_id, created_at)
                      VALUES (${p(0)}::uuid, ${p(1)}::text, ${p(2)}::text, ${p(3)}::uuid, ${p(4)}::timestamptz) ON CONFLICT DO NOTHING RETURNING id, created_at),
           posted_entries AS (INSERT INTO ledger_entries (id, transaction_id, account, amount_fen, created_at)
                              SELECT e.id, posted.id, e.account, e.amount_fen, posted.created_at
                              FROM posted, unnest(${p(5)}::uuid[], ${p(6)}::text[], ${p(7)}::int[]) AS e(id, account, amount_fen))`,
    values: [
      randomUUID(),
      posting.kind,
      posting.idempotencyKey,
      posting.orderId ?? null,
      new Date(),
      posting.entries.map(() => randomUUID()),
      posting.entries.map((e) => e.account),
      posting.entries.map((e) => e.amountFen),
    ],
  };
}

/**
 * Double-entry postings (PRODUCT.md §11). A posting is written inside the transaction of the
 * business change it records and refused when its entries do not sum to zero; the invariant
 * check proves the whole ledger balances and agrees with every order.
 */
@Injectable()
export class LedgerService {
  constructor(private readonly prisma: PrismaService) {}

  /** Writes a balanced posting; false (and nothing written) when its idempotency key was already posted. */
  async post(tx: Prisma.TransactionClient, posting: Posting): Promise<boolean> {
    const q = postingSql(posting);
    const [{ posted }] = await tx.$queryRawUnsafe<{ posted: number }[]>(`WITH ${q.text} SELECT count(*)::int AS posted FROM posted`, ...q.values);
    return posted > 0;
  }

  /** The commission the platform took in the order's payment posting (what refunds reverse proportionally). */
  async paymentCommission(tx: Prisma.TransactionClient, orderId: string): Promise<number> {
    const sum = await tx.ledgerEntry.aggregate({
      where: { account: ACCOUNTS.commission, transaction: { idempotencyKey: paymentKey(orderId) } },
      _sum: { amountFen: true },
    });
    return -(sum._sum.amountFen ?? 0);
  }

  async entriesForOrder(orderId: string): Promise<LedgerEntryView[]> {
    const rows = await this.prisma.client.ledgerEntry.findMany({
      where: { transaction: { orderId } },
      include: { transaction: { select: { kind: true } } },
      orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
    });
    return rows.map((r) => ({ transactionId: r.transactionId, kind: r.transaction.kind, account: r.account, amountFen: r.amountFen, at: r.createdAt.toISOString() }));
  }

  /**
   * The invariant: every transaction sums to zero, and for every order the clearing account
   * holds exactly what the talker paid minus what went back (0 for an order never paid).
   */
  async check(): Promise<LedgerCheck> {
    const db = this.prisma.client;
    const unbalanced = await db.$queryRaw<{ transactionId: string; sumFen: bigint }[]>`
      SELECT t.id AS "transactionId", COALESCE(SUM(e.amount_fen), 0)::bigint AS "sumFen"
      FROM ledger_transactions t LEFT JOIN ledger_entries e ON e.transaction_id = t.id
      GROUP BY t.id HAVING COALESCE(SUM(e.amount_fen), 0) <> 0 OR COUNT(e.id) = 0`;
    const mismatches = await db.$queryRaw<{ orderId: string; expectedFen: bigint; clearingFen: bigint }[]>`
      WITH clearing AS (
        SELECT t.order_id, SUM(e.amount_fen)::bigint AS fen
        FROM ledger_transactions t JOIN ledger_entries e ON e.transaction_id = t.id
        WHERE t.order_id IS NOT NULL AND e.account = ${ACCOUNTS.clearing}
        GROUP BY t.order_id)
      SELECT o.id AS "orderId",
        (CASE WHEN o.transaction_id IS NULL THEN 0 ELSE o.total_fen - o.refunded_fen END)::bigint AS "expectedFen",
        COALESCE(c.fen, 0)::bigint AS "clearingFen"
      FROM orders o LEFT JOIN clearing c ON c.order_id = o.id
      WHERE COALESCE(c.fen, 0) <> (CASE WHEN o.transaction_id IS NULL THEN 0 ELSE o.total_fen - o.refunded_fen END)
      UNION ALL
      SELECT c.order_id, 0::bigint, c.fen FROM clearing c WHERE NOT EXISTS (SELECT 1 FROM orders o WHERE o.id = c.order_id)`;
    const [{ transactions, orders }] = await db.$queryRaw<{ transactions: bigint; orders: bigint }[]>`
      SELECT (SELECT COUNT(*) FROM ledger_transactions)::bigint AS transactions, (SELECT COUNT(*) FROM orders)::bigint AS orders`;
    return {
      ok: unbalanced.length === 0 && mismatches.length === 0,
      transactions: Number(transactions),
      orders: Number(orders),
      unbalanced: unbalanced.map((u) => ({ transactionId: u.transactionId, sumFen: Number(u.sumFen) })),
      mismatches: mismatches.map((m) => ({ orderId: m.orderId, expectedFen: Number(m.expectedFen), clearingFen: Number(m.clearingFen) })),
    };
  }
}

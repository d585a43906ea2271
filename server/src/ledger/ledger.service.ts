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
 * Double-entry postings (PRODUCT.md §11). A posting is written inside the transaction of the
 * business change it records and refused when its entries do not sum to zero; the invariant
 * check proves the whole ledger balances and agrees with every order.
 */
@Injectable()
export class LedgerService {
  constructor(private readonly prisma: PrismaService) {}

  /** Writes a balanced posting; false (and nothing written) when its idempotency key was already posted. */
  async post(tx: Prisma.TransactionClient, posting: Posting): Promise<boolean> {
    if (!posting.entries.length) throw new Error(`ledger posting ${posting.idempotencyKey} has no entries`);
    for (const e of posting.entries) {
      if (!Number.isSafeInteger(e.amountFen) || e.amountFen === 0) throw new Error(`ledger entry ${e.account}: amount must be a non-zero integer of fen, got ${e.amountFen}`);
      if (!e.account) throw new Error('ledger entry without an account');
    }
    const sum = posting.entries.reduce((acc, e) => acc + e.amountFen, 0);
    if (sum !== 0) throw new Error(`unbalanced ledger posting ${posting.idempotencyKey}: entries sum to ${sum}`);
    const id = randomUUID();
    const inserted = await tx.ledgerTransaction.createMany({
      data: [{ id, kind: posting.kind, idempotencyKey: posting.idempotencyKey, orderId: posting.orderId ?? null }],
      skipDuplicates: true,
    });
    if (inserted.count === 0) return false;
    await tx.ledgerEntry.createMany({ data: posting.entries.map((e) => ({ transactionId: id, account: e.account, amountFen: e.amountFen })) });
    return true;
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

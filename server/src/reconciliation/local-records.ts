import { Injectable } from '@nestjs/common';
import type { Sql, SqlReader } from '@qingting/prisma';
import { PrismaService } from '../infra/database/prisma.service';
import { ACCOUNTS } from '../ledger/ledger.rules';
import { paymentKey, refundKey } from '../ledger/ledger.service';
import { dayRange } from './bill-date';
import { fingerprint, KeyIndex } from './key-index';
import type { DayIndexes, LocalLookup, LocalPayment, LocalState } from './matcher';

/** Rows per FETCH while loading a day: bounds the transient memory of the load to one batch of row objects. */
const FETCH_BATCH = 20_000;

/**
 * Runs one query and hands its rows over FETCH_BATCH at a time through a cursor: a single scan,
 * never the whole result in memory. Holds one connection (a read transaction) until done.
 */
export async function forEachBatch<T>(sql: Sql, text: string, values: unknown[], onRows: (rows: T[]) => void | Promise<void>): Promise<void> {
  await sql.transaction(async (tx: SqlReader) => {
    await tx.query(`DECLARE batch_rows NO SCROLL CURSOR FOR ${text}`, values);
    for (;;) {
      const rows = await tx.query<T>(`FETCH FORWARD ${FETCH_BATCH} FROM batch_rows`);
      if (!rows.length) return;
      await onRows(rows);
    }
  });
}

/**
 * The local side of a reconciliation, read in plain SQL (a million rows through Prisma would cost
 * seconds of query compilation and a JS object per row): payments and refunds (orders module),
 * payouts (settlement module, read only) and the ledger's clearing account.
 */
@Injectable()
export class LocalRecords implements LocalLookup {
  constructor(private readonly prisma: PrismaService) {}

  /** The day's paid orders, succeeded refunds and succeeded payouts, streamed through a cursor into compact indexes. */
  async loadDay(billDate: string): Promise<DayIndexes> {
    const range = dayRange(billDate);
    const payments = new KeyIndex();
    await forEachBatch<{ k: string; a: number; t: string }>(
      this.prisma.sql,
      'SELECT out_trade_no AS k, total_fen AS a, transaction_id AS t FROM orders WHERE paid_at >= $1 AND paid_at < $2 AND transaction_id IS NOT NULL',
      range,
      (rows) => rows.forEach((r) => payments.add(r.k, r.a, fingerprint(r.t))),
    );
    const refunds = new KeyIndex();
    await forEachBatch<{ k: string; a: number }>(
      this.prisma.sql,
      `SELECT out_refund_no AS k, amount_fen AS a FROM refunds WHERE status = 'SUCCESS' AND completed_at >= $1 AND completed_at < $2`,
      range,
      (rows) => rows.forEach((r) => refunds.add(r.k, r.a)),
    );
    const transfers = new KeyIndex();
    await forEachBatch<{ k: string; a: number }>(
      this.prisma.sql,
      `SELECT out_bill_no AS k, amount_fen AS a FROM payouts WHERE status = 'SUCCESS' AND finished_at >= $1 AND finished_at < $2`,
      range,
      (rows) => rows.forEach((r) => transfers.add(r.k, r.a)),
    );
    return { payments, refunds, transfers };
  }

  async payments(keys: string[]): Promise<Map<string, LocalPayment>> {
    const rows = await this.prisma.sql.query<{ k: string; a: number; status: string; t: string | null }>(
      'SELECT out_trade_no AS k, total_fen AS a, status, transaction_id AS t FROM orders WHERE out_trade_no = ANY($1::text[])',
      [keys],
    );
    return new Map(rows.map((r) => [r.k, { amountFen: r.a, paid: r.t !== null, status: r.status, transactionId: r.t }]));
  }

  async refunds(keys: string[]): Promise<Map<string, LocalState>> {
    const rows = await this.prisma.sql.query<{ k: string; a: number; status: string }>(
      'SELECT out_refund_no AS k, amount_fen AS a, status FROM refunds WHERE out_refund_no = ANY($1::text[])',
      [keys],
    );
    return new Map(rows.map((r) => [r.k, { amountFen: r.a, status: r.status }]));
  }

  async transfers(keys: string[]): Promise<Map<string, LocalState>> {
    const rows = await this.prisma.sql.query<{ k: string; a: number; status: string }>(
      'SELECT out_bill_no AS k, amount_fen AS a, status FROM payouts WHERE out_bill_no = ANY($1::text[])',
      [keys],
    );
    return new Map(rows.map((r) => [r.k, { amountFen: r.a, status: r.status }]));
  }

  /**
   * What the clearing account recorded for the day's payments and refunds: the local ones of the
   * day plus those the bill listed that are dated otherwise locally (`otherDay…`).
   */
  async ledgerTotals(billDate: string, otherDayPayments: string[], otherDayRefunds: string[]): Promise<{ paymentsFen: number; refundsFen: number }> {
    const [from, to] = dayRange(billDate);
    const [payments] = await this.prisma.sql.query<{ fen: string }>(
      `SELECT COALESCE(SUM(e.amount_fen), 0)::bigint AS fen
         FROM orders o
         JOIN ledger_transactions t ON t.idempotency_key = $3 || o.id::text
         JOIN ledger_entries e ON e.transaction_id = t.id AND e.account = $4
        WHERE (o.paid_at >= $1 AND o.paid_at < $2 AND o.transaction_id IS NOT NULL) OR o.out_trade_no = ANY($5::text[])`,
      [from, to, paymentKey(''), ACCOUNTS.clearing, otherDayPayments],
    );
    const [refunds] = await this.prisma.sql.query<{ fen: string }>(
      `SELECT COALESCE(-SUM(e.amount_fen), 0)::bigint AS fen
         FROM refunds r
         JOIN ledger_transactions t ON t.idempotency_key = $3 || r.id::text
         JOIN ledger_entries e ON e.transaction_id = t.id AND e.account = $4
        WHERE (r.status = 'SUCCESS' AND r.completed_at >= $1 AND r.completed_at < $2) OR r.out_refund_no = ANY($5::text[])`,
      [from, to, refundKey(''), ACCOUNTS.clearing, otherDayRefunds],
    );
    return { paymentsFen: Number(payments.fen), refundsFen: Number(refunds.fen) };
  }

}

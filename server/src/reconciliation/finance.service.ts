import { Injectable } from '@nestjs/common';
import { DomainError } from '../common/errors/domain-error';
import { PrismaService } from '../infra/database/prisma.service';
import { ACCOUNTS } from '../ledger/ledger.rules';
import { refundKey } from '../ledger/ledger.service';
import { dayRange, isValidBillDate } from './bill-date';

const MAX_DAYS = 92;

export interface DailyFigures {
  /** YYYY-MM-DD, China time. */
  date: string;
  /** Orders paid that day (every kind). */
  orders: number;
  /** What talkers paid that day. */
  gmvFen: number;
  /** Refunds that succeeded that day. */
  refundsFen: number;
  netFen: number;
  /** The platform's commission, net of reversals, from the ledger. */
  commissionFen: number;
}

export interface DailyReport {
  days: DailyFigures[];
  totals: Omit<DailyFigures, 'date'>;
}

/** `paid_at` etc. → the China calendar day, without relying on the server's time-zone data. */
const cstDay = (column: string) => `to_char((${column} AT TIME ZONE 'UTC') + interval '8 hours', 'YYYY-MM-DD')`;

/** GMV, refunds and commission per day for the finance chart (PRODUCT.md §11), from orders, refunds and the ledger. */
@Injectable()
export class FinanceService {
  constructor(private readonly prisma: PrismaService) {}

  async daily(from: string, to: string): Promise<DailyReport> {
    if (!isValidBillDate(from) || !isValidBillDate(to)) throw new DomainError('finance/range_invalid');
    const [start] = dayRange(from);
    const [, end] = dayRange(to);
    const days = Math.round((end.getTime() - start.getTime()) / 86_400_000);
    if (days < 1 || days > MAX_DAYS) throw new DomainError('finance/range_invalid');
    // Commission is dated by the business event it belongs to (the payment's or refund's day), so a
    // posting written late (a payment applied by reconciliation) lands on the right day.
    const rows = await this.prisma.sql.query<{ date: string; orders: number; gmvFen: string; refundsFen: string; commissionFen: string }>(
      `WITH days AS (SELECT to_char(d, 'YYYY-MM-DD') AS day FROM generate_series($3::date, $4::date, interval '1 day') d),
       paid AS (
         SELECT ${cstDay('paid_at')} AS day, count(*)::int AS orders, sum(total_fen)::bigint AS fen
           FROM orders WHERE transaction_id IS NOT NULL AND paid_at >= $1 AND paid_at < $2 GROUP BY 1),
       refunded AS (
         SELECT ${cstDay('completed_at')} AS day, sum(amount_fen)::bigint AS fen
           FROM refunds WHERE status = 'SUCCESS' AND completed_at >= $1 AND completed_at < $2 GROUP BY 1),
       commission AS (
         SELECT ${cstDay('COALESCE(o.paid_at, r.completed_at, t.created_at)')} AS day, -sum(e.amount_fen)::bigint AS fen
           FROM ledger_entries e
           JOIN ledger_transactions t ON t.id = e.transaction_id
           LEFT JOIN orders o ON t.kind = 'PAYMENT' AND o.id = t.order_id
           LEFT JOIN refunds r ON t.kind = 'REFUND' AND t.idempotency_key = $6 || r.id::text
          WHERE e.account = $5 GROUP BY 1)
       SELECT d.day AS date, COALESCE(p.orders, 0) AS orders, COALESCE(p.fen, 0) AS "gmvFen", COALESCE(rf.fen, 0) AS "refundsFen", COALESCE(c.fen, 0) AS "commissionFen"
         FROM days d LEFT JOIN paid p ON p.day = d.day LEFT JOIN refunded rf ON rf.day = d.day LEFT JOIN commission c ON c.day = d.day
        ORDER BY d.day`,
      [start, end, from, to, ACCOUNTS.commission, refundKey('')],
    );
    const out = rows.map((r) => {
      const gmvFen = Number(r.gmvFen);
      const refundsFen = Number(r.refundsFen);
      return { date: r.date, orders: r.orders, gmvFen, refundsFen, netFen: gmvFen - refundsFen, commissionFen: Number(r.commissionFen) };
    });
    const totals = { orders: 0, gmvFen: 0, refundsFen: 0, netFen: 0, commissionFen: 0 };
    for (const d of out) for (const k of Object.keys(totals) as (keyof typeof totals)[]) totals[k] += d[k];
    return { days: out, totals };
  }
}

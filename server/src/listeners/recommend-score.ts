import { Prisma } from '@qingting/prisma';
import { RECOMMEND_NEW_LISTENER_ORDERS, RECOMMEND_PRIOR } from '@qingting/shared';

/** SQL expressions (usually `p.column` or `p.column + 1`) for the inputs of the score. */
export interface RecommendInputsSql {
  ratingSum: Prisma.Sql;
  ratingCount: Prisma.Sql;
  ordersReceived: Prisma.Sql;
  ordersAccepted: Prisma.Sql;
  distinctTalkers: Prisma.Sql;
  repeatTalkers: Prisma.Sql;
  ordersServed: Prisma.Sql;
  online: Prisma.Sql;
}

const raw = (s: string) => Prisma.raw(s);

/** The current columns of `listener_profiles` (unaliased, as in an UPDATE's SET). */
export const CURRENT_INPUTS: RecommendInputsSql = {
  ratingSum: raw('rating_sum'),
  ratingCount: raw('rating_count'),
  ordersReceived: raw('orders_received'),
  ordersAccepted: raw('orders_accepted'),
  distinctTalkers: raw('distinct_talkers'),
  repeatTalkers: raw('repeat_talkers'),
  ordersServed: raw('orders_served'),
  online: raw('online'),
};

/**
 * The SQL twin of shared `recommendScore`, so an UPDATE can set the score from the new values
 * of its inputs in the same statement (atomic, no read-modify-write). Integer division of
 * non-negative integers truncates, which equals the TS Math.floor. Kept equal by
 * listener-stats.e2e.spec.ts.
 */
export function recommendScoreSql(i: RecommendInputsSql): Prisma.Sql {
  const priorCenti = RECOMMEND_PRIOR.centi * RECOMMEND_PRIOR.count;
  return Prisma.sql`(
    ((${i.ratingSum})::bigint * 100 + ${raw(String(priorCenti))}) / ((${i.ratingCount}) + ${raw(String(RECOMMEND_PRIOR.count))}) * 1000
    + (CASE WHEN (${i.ordersReceived}) > 0 THEN (${i.ordersAccepted})::bigint * 1000 / (${i.ordersReceived}) ELSE 1000 END) * 100
    + (CASE WHEN (${i.distinctTalkers}) > 0 THEN (${i.repeatTalkers})::bigint * 1000 / (${i.distinctTalkers}) ELSE 0 END) * 100
    + (CASE WHEN (${i.ordersServed}) < ${raw(String(RECOMMEND_NEW_LISTENER_ORDERS))} THEN 50000 ELSE 0 END)
    + (CASE WHEN (${i.online}) THEN 30000 ELSE 0 END)
  )::int`;
}

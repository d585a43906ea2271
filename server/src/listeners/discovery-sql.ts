import { Prisma } from '@qingting/prisma';
import { beijingClock, type ListenerSort, type ServiceType } from '@qingting/shared';
import type { ListListenersQuery } from './dto/list-listeners.query';
import { decodeCursor, encodeCursor, isSafeInt, UUID_RE } from './cursor';

const sql = Prisma.sql;
const raw = Prisma.raw;

/** The row discovery reads: public card fields plus the sort key. */
export interface DiscoveryRow {
  user_id: string;
  alias: string;
  avatar_seed: string;
  gender: 'FEMALE' | 'MALE' | 'UNDISCLOSED';
  tier: 'NEW' | 'REGULAR' | 'SENIOR';
  topics: string[];
  tags: string[];
  price_text_fen: number | null;
  price_voice_fen: number | null;
  online: boolean;
  certified: boolean;
  rating_sum: number;
  rating_count: number;
  orders_served: number;
  working_hours: unknown;
  sort_key: number;
}

export const PRICE_COLUMN: Record<ServiceType, string> = { TEXT: 'p.price_text_fen', VOICE: 'p.price_voice_fen' };

/** Each sort: its key column, direction, and the matching index (see schema.prisma). */
const SORTS: Record<ListenerSort, (q: ListListenersQuery) => { key: string; desc: boolean }> = {
  recommended: () => ({ key: 'p.recommend_score', desc: true }),
  // Ascending on the chosen service's price (TEXT by default); rows without that service are excluded.
  price: (q) => ({ key: PRICE_COLUMN[q.serviceType ?? 'TEXT'], desc: false }),
  rating: () => ({ key: 'p.rating_avg_centi', desc: true }),
  minutes: () => ({ key: 'p.minutes_served', desc: true }),
};

export interface DiscoveryCursor {
  key: number;
  id: string;
}

export function encodeDiscoveryCursor(sort: ListenerSort, row: DiscoveryRow): string {
  return encodeCursor({ s: sort, k: row.sort_key, id: row.user_id });
}

export function decodeDiscoveryCursor(sort: ListenerSort, cursor: string): DiscoveryCursor {
  return decodeCursor(cursor, (v) => (v.s === sort && isSafeInt(v.k) && typeof v.id === 'string' && UUID_RE.test(v.id) ? { key: v.k, id: v.id } : undefined));
}

/** `%`, `_` and the escape character itself are literals in a keyword. */
export function likePattern(q: string): string {
  return `%${q.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/**
 * SQL form of shared `isWithinWorkingHours` over the `working_hours` JSON, with the Beijing
 * clock computed here. "HH:mm" strings compare correctly as text under the C collation.
 */
export function withinHoursSql(now: Date): Prisma.Sql {
  const { day, prevDay, hhmm } = beijingClock(now);
  return sql`(jsonb_array_length(p.working_hours) = 0 OR EXISTS (
    SELECT 1 FROM jsonb_array_elements(p.working_hours) h
    WHERE ((h->>'start') COLLATE "C" < (h->>'end') AND (h->>'day')::int = ${day}
            AND (h->>'start') COLLATE "C" <= ${hhmm} AND ${hhmm} < (h->>'end') COLLATE "C")
       OR ((h->>'start') COLLATE "C" > (h->>'end') AND (
            ((h->>'day')::int = ${day} AND ${hhmm} >= (h->>'start') COLLATE "C")
         OR ((h->>'day')::int = ${prevDay} AND ${hhmm} < (h->>'end') COLLATE "C")))))`;
}

/**
 * The whole discovery query: filters, keyset on (sort key, user_id), one extra row to know
 * whether there is a next page. `presentIds` is the Redis presence set when `onlineNow` is asked.
 */
export function discoverySql(q: ListListenersQuery, opts: { now: Date; presentIds?: string[]; cursor?: DiscoveryCursor }): Prisma.Sql {
  const sort = SORTS[q.sort](q);
  const where: Prisma.Sql[] = [sql`p.status = 'ACTIVE'`, sql`u.deleted_at IS NULL`];
  if (q.topic) where.push(sql`p.topics @> ARRAY[${q.topic}::"Topic"]`);
  const priceCol = raw(PRICE_COLUMN[q.serviceType ?? 'TEXT']);
  if (q.serviceType || q.sort === 'price' || q.priceMin !== undefined || q.priceMax !== undefined) where.push(sql`${priceCol} IS NOT NULL`);
  if (q.priceMin !== undefined) where.push(sql`${priceCol} >= ${q.priceMin}`);
  if (q.priceMax !== undefined) where.push(sql`${priceCol} <= ${q.priceMax}`);
  if (q.gender) where.push(sql`p.gender = ${q.gender}::"Gender"`);
  if (q.tags?.length) where.push(sql`p.tags && ${q.tags}::text[]`);
  if (q.certified !== undefined) where.push(sql`p.certified = ${q.certified}`);
  if (q.ratingMin !== undefined) where.push(sql`p.rating_avg_centi >= ${Math.round(q.ratingMin * 100)}`);
  if (q.q) where.push(sql`p.search_text ILIKE ${likePattern(q.q)}`);
  if (q.onlineNow === true) {
    where.push(sql`p.online`, sql`p.user_id = ANY(${opts.presentIds ?? []}::uuid[])`, withinHoursSql(opts.now));
  } else if (q.onlineNow === false) {
    // "Not online now": the complement, so the two pages together are every listener.
    where.push(sql`NOT (p.online AND p.user_id = ANY(${opts.presentIds ?? []}::uuid[]) AND ${withinHoursSql(opts.now)})`);
  }
  const key = raw(sort.key);
  const cmp = raw(sort.desc ? '<' : '>');
  const dir = raw(sort.desc ? 'DESC' : 'ASC');
  if (opts.cursor) where.push(sql`(${key}, p.user_id) ${cmp} (${opts.cursor.key}, ${opts.cursor.id}::uuid)`);
  return sql`
    SELECT p.user_id, u.alias, u.avatar_seed, p.gender::text AS gender, p.tier::text AS tier, p.topics::text[] AS topics, p.tags, p.price_text_fen, p.price_voice_fen,
           p.online, p.certified, p.rating_sum, p.rating_count, p.orders_served, p.working_hours, ${key} AS sort_key
    FROM listener_profiles p JOIN users u ON u.id = p.user_id
    WHERE ${Prisma.join(where, ' AND ')}
    ORDER BY ${key} ${dir}, p.user_id ${dir}
    LIMIT ${q.limit + 1}`;
}

import { avatarPath, ratio, type Gender, type ListenerCard, type ListenerStats, type Topic, type WorkingHoursEntry } from '@qingting/shared';

/** The public columns a card is built from (a Prisma row or a raw discovery row, mapped). */
export interface CardSource {
  userId: string;
  alias: string;
  avatarSeed: string;
  gender: Gender;
  tier: ListenerCard['tier'];
  topics: string[];
  tags: string[];
  priceTextFen: number | null;
  priceVoiceFen: number | null;
  certified: boolean;
  ratingSum: number;
  ratingCount: number;
  ordersServed: number;
}

export function ratingOf(sum: number, count: number): number | null {
  return count ? Math.round((sum / count) * 10) / 10 : null;
}

/** The public face of a listener; nothing private (openid, real identity) can reach it. `online` is "online now". */
export function toListenerCard(p: CardSource, onlineNow: boolean): ListenerCard {
  const prices: ListenerCard['prices'] = {};
  if (p.priceTextFen !== null) prices.TEXT = p.priceTextFen;
  if (p.priceVoiceFen !== null) prices.VOICE = p.priceVoiceFen;
  return {
    id: p.userId,
    alias: p.alias,
    avatarUrl: avatarPath(p.avatarSeed, p.alias),
    gender: p.gender,
    tier: p.tier,
    topics: p.topics as Topic[],
    tags: p.tags,
    prices,
    online: onlineNow,
    certified: p.certified,
    rating: ratingOf(p.ratingSum, p.ratingCount),
    reviewCount: p.ratingCount,
    ordersServed: p.ordersServed,
  };
}

export interface StatsSource {
  ordersServed: number;
  minutesServed: number;
  ratingSum: number;
  ratingCount: number;
  distinctTalkers: number;
  repeatTalkers: number;
  ordersReceived: number;
  ordersAccepted: number;
  acceptSecondsSum: number;
}

/** Derived from the incremental columns only. */
export function toStats(p: StatsSource): ListenerStats {
  return {
    ordersServed: p.ordersServed,
    minutesServed: p.minutesServed,
    rating: ratingOf(p.ratingSum, p.ratingCount),
    reviewCount: p.ratingCount,
    repurchaseRate: ratio(p.repeatTalkers, p.distinctTalkers),
    responseRate: ratio(p.ordersAccepted, p.ordersReceived),
    avgAcceptSeconds: p.ordersAccepted > 0 ? Math.round(p.acceptSecondsSum / p.ordersAccepted) : null,
  };
}

/** The stored JSON, defensively: anything malformed is dropped rather than shown. */
export function parseWorkingHours(value: unknown): WorkingHoursEntry[] {
  if (!Array.isArray(value)) return [];
  return value.filter(
    (h): h is WorkingHoursEntry =>
      !!h && typeof h === 'object' && Number.isInteger((h as WorkingHoursEntry).day) && typeof (h as WorkingHoursEntry).start === 'string' && typeof (h as WorkingHoursEntry).end === 'string',
  );
}

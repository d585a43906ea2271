import type { Topic } from './topics';

export const SERVICE_TYPES = ['TEXT', 'VOICE'] as const;
export type ServiceType = (typeof SERVICE_TYPES)[number];

export const LISTENER_TIERS = ['NEW', 'REGULAR', 'SENIOR'] as const;
export type ListenerTier = (typeof LISTENER_TIERS)[number];

export type Gender = 'FEMALE' | 'MALE' | 'UNDISCLOSED';

/** Default price bounds per 15-minute unit, in fen (PRODUCT.md §3); the server may override them by configuration. */
export const DEFAULT_TIER_PRICE_BOUNDS: Record<ListenerTier, { min: number; max: number }> = {
  NEW: { min: 1000, max: 3000 },
  REGULAR: { min: 1000, max: 6000 },
  SENIOR: { min: 1000, max: 20000 },
};

/** One listener as shown in a list: no private data, only what the public profile shows. */
export interface ListenerCard {
  id: string;
  alias: string;
  avatarUrl: string;
  gender: Gender;
  tier: ListenerTier;
  topics: Topic[];
  tags: string[];
  /** Price per 15-minute unit in fen, per offered service type; a missing key means not offered. */
  prices: Partial<Record<ServiceType, number>>;
  online: boolean;
  certified: boolean;
  /** Average stars with one decimal, or null before the first review. */
  rating: number | null;
  reviewCount: number;
  ordersServed: number;
}

/** A cursor-paginated slice of a list. `nextCursor` is null on the last page. */
export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/** What keyword search matches: alias, intro and tags, lower-cased (the listeners module keeps it in step). */
export function listenerSearchText(alias: string, intro: string, tags: readonly string[]): string {
  return `${alias} ${intro} ${tags.join(' ')}`.toLowerCase();
}

/** Average stars × 100 as stored for sorting; 0 before the first review. */
export function ratingAvgCenti(ratingSum: number, ratingCount: number): number {
  return ratingCount > 0 ? Math.floor((ratingSum * 100) / ratingCount) : 0;
}

// ---------------------------------------------------------------------------------------------
// Discovery, profile and workbench (listeners module)

/** Orders of the discovery list: recommended (default, score desc), price (asc), rating (desc), served minutes (desc). */
export const LISTENER_SORTS = ['recommended', 'price', 'rating', 'minutes'] as const;
export type ListenerSort = (typeof LISTENER_SORTS)[number];

export const GENDERS = ['FEMALE', 'MALE', 'UNDISCLOSED'] as const;

/** Keyword search bounds (characters). */
export const LISTENER_QUERY_MAX_CHARS = 30;

/** One weekly slot in Beijing time; `day` 1 = Monday … 7 = Sunday; `end` before `start` runs past midnight. */
export interface WorkingHoursEntry {
  day: number;
  start: string;
  end: string;
}

export const MAX_WORKING_HOURS_ENTRIES = 14;
export const HHMM_PATTERN = /^([01]\d|2[0-3]):[0-5]\d$/;

/** Beijing wall clock (UTC+8, no daylight saving) at `now`: ISO weekday 1–7, the previous weekday, "HH:mm". */
export function beijingClock(now: Date): { day: number; prevDay: number; hhmm: string } {
  const bj = new Date(now.getTime() + 8 * 3600_000);
  const day = ((bj.getUTCDay() + 6) % 7) + 1;
  const hhmm = `${String(bj.getUTCHours()).padStart(2, '0')}:${String(bj.getUTCMinutes()).padStart(2, '0')}`;
  return { day, prevDay: day === 1 ? 7 : day - 1, hhmm };
}

/**
 * Whether `now` falls in the working hours. No hours set means "any time". A slot is
 * [start, end); a slot whose end is before its start runs past midnight into the next day.
 * The discovery SQL mirrors this rule (listeners/discovery-sql.ts).
 */
export function isWithinWorkingHours(hours: readonly WorkingHoursEntry[], now: Date): boolean {
  if (hours.length === 0) return true;
  const { day, prevDay, hhmm } = beijingClock(now);
  return hours.some((h) => {
    if (h.start < h.end) return h.day === day && h.start <= hhmm && hhmm < h.end;
    if (h.start > h.end) return (h.day === day && hhmm >= h.start) || (h.day === prevDay && hhmm < h.end);
    return false;
  });
}

/** The incremental inputs of the recommended order. */
export interface RecommendInputs {
  ratingSum: number;
  ratingCount: number;
  ordersReceived: number;
  ordersAccepted: number;
  distinctTalkers: number;
  repeatTalkers: number;
  ordersServed: number;
  /** The workbench toggle (presence is too short-lived to be stored in a score). */
  online: boolean;
}

/** Prior of the Bayesian rating: a new listener counts as 5 reviews of 4.5 stars. */
export const RECOMMEND_PRIOR = { centi: 450, count: 5 } as const;
/** Listeners with fewer served orders than this get the new-listener boost. */
export const RECOMMEND_NEW_LISTENER_ORDERS = 10;

/**
 * The recommended order's score (PRODUCT.md §2: rating, response rate, repurchase, online,
 * new-listener boost), an integer so it can be indexed:
 * Bayesian rating (centi-stars, 0–500) × 1000 + response rate (‰) × 100 + repurchase rate (‰) × 100
 * + 50 000 for a new listener + 30 000 when the toggle is on. The SQL twin is in
 * server/src/listeners/recommend-score.ts and must stay equal (tested).
 */
export function recommendScore(s: RecommendInputs): number {
  const bayes = Math.floor((s.ratingSum * 100 + RECOMMEND_PRIOR.centi * RECOMMEND_PRIOR.count) / (s.ratingCount + RECOMMEND_PRIOR.count));
  const response = s.ordersReceived > 0 ? Math.floor((s.ordersAccepted * 1000) / s.ordersReceived) : 1000;
  const repurchase = s.distinctTalkers > 0 ? Math.floor((s.repeatTalkers * 1000) / s.distinctTalkers) : 0;
  const boost = s.ordersServed < RECOMMEND_NEW_LISTENER_ORDERS ? 50_000 : 0;
  return bayes * 1000 + response * 100 + repurchase * 100 + boost + (s.online ? 30_000 : 0);
}

/** A ratio rounded to two decimals, or null when there is nothing to divide by. */
export function ratio(part: number, whole: number): number | null {
  return whole > 0 ? Math.round((part / whole) * 100) / 100 : null;
}

/** Stats shown on the profile, derived from the incremental columns (never from orders). */
export interface ListenerStats {
  ordersServed: number;
  minutesServed: number;
  rating: number | null;
  reviewCount: number;
  /** repeat talkers / distinct talkers, 0–1, null before the first served talker. */
  repurchaseRate: number | null;
  /** accepted / received orders, 0–1, null before the first order. */
  responseRate: number | null;
  avgAcceptSeconds: number | null;
}

/** GET /api/listeners/:id */
export interface ListenerProfileView extends ListenerCard {
  intro: string;
  stats: ListenerStats;
  workingHours: WorkingHoursEntry[];
  /** The caller has talked to (reviewed) this listener before: show "再次倾诉". */
  canRebook: boolean;
}

/** One anonymous review: never the author's id or alias. */
export interface ReviewItem {
  id: string;
  author: string;
  stars: number;
  tags: string[];
  text: string | null;
  createdAt: string;
}

export const ANONYMOUS_AUTHOR = '匿名用户';

/** GET /api/workbench: the listener's own profile and settings. */
export interface WorkbenchView extends ListenerProfileView {
  status: 'ACTIVE' | 'SUSPENDED';
  /** The workbench toggle. `online` (inherited) is the derived "online now". */
  toggleOn: boolean;
  /** A heartbeat is alive (the workbench is open). */
  present: boolean;
  priceBounds: { min: number; max: number };
  heartbeatSeconds: number;
}

/** PUT /api/workbench/prices: absent = unchanged, null = not offered. */
export type PriceUpdate = Partial<Record<ServiceType, number | null>>;

/** Topic packages a listener may offer (PRODUCT.md §3): whole 15-minute units from 30 minutes to 10 hours. */
export const PACKAGE_MINUTES = { min: 30, max: 600, step: 15 } as const;
/** Active topic packages per listener. */
export const MAX_ACTIVE_PACKAGES = 5;

/** A package's price bounds: its 15-minute units, each within the tier's per-unit bounds. */
export function packagePriceBounds(tier: ListenerTier, minutes: number): { min: number; max: number } {
  const units = minutes / PACKAGE_MINUTES.step;
  const { min, max } = DEFAULT_TIER_PRICE_BOUNDS[tier];
  return { min: units * min, max: units * max };
}

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

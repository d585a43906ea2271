import { DEFAULT_TIER_PRICE_BOUNDS, type ListenerTier } from '@qingting/shared';

/**
 * Promotion thresholds (PRODUCT.md §5), in one place: completed orders and average rating × 100.
 * Tiers only go up by these rules; a demotion is a moderation decision (suspension).
 */
export const TIER_RULES: readonly { tier: ListenerTier; minOrders: number; minRatingCenti: number }[] = [
  { tier: 'SENIOR', minOrders: 100, minRatingCenti: 470 },
  { tier: 'REGULAR', minOrders: 20, minRatingCenti: 450 },
];

const RANK: Record<ListenerTier, number> = { NEW: 0, REGULAR: 1, SENIOR: 2 };

/** The tier a listener's counters earn (the highest rule met), never below NEW. */
export function earnedTier(ordersServed: number, ratingAvgCenti: number): ListenerTier {
  return TIER_RULES.find((r) => ordersServed >= r.minOrders && ratingAvgCenti >= r.minRatingCenti)?.tier ?? 'NEW';
}

export function isHigherTier(a: ListenerTier, b: ListenerTier): boolean {
  return RANK[a] > RANK[b];
}

/** Price bounds per 15-minute unit for a tier, in fen. */
export function tierPriceBounds(tier: ListenerTier): { min: number; max: number } {
  return DEFAULT_TIER_PRICE_BOUNDS[tier];
}

/** True when `fen` is an allowed price for the tier (discovery/workbench check prices with this). */
export function isPriceWithinTier(tier: ListenerTier, fen: number): boolean {
  const { min, max } = tierPriceBounds(tier);
  return Number.isInteger(fen) && fen >= min && fen <= max;
}

/** The default text price of a newly approved listener. */
export const DEFAULT_NEW_TEXT_PRICE_FEN = 1500;

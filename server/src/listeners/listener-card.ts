import type { ListenerProfile, User } from '@qingting/prisma';
import { avatarDataUri, type ListenerCard } from '@qingting/shared';

/** The public face of a listener; nothing private (openid, real identity) can reach it. */
export function toListenerCard(profile: ListenerProfile & { user: Pick<User, 'id' | 'alias' | 'avatarSeed'> }): ListenerCard {
  const prices: ListenerCard['prices'] = {};
  if (profile.priceTextFen !== null) prices.TEXT = profile.priceTextFen;
  if (profile.priceVoiceFen !== null) prices.VOICE = profile.priceVoiceFen;
  return {
    id: profile.user.id,
    alias: profile.user.alias,
    avatarUrl: avatarDataUri(profile.user.avatarSeed, profile.user.alias),
    gender: profile.gender,
    tier: profile.tier,
    topics: profile.topics,
    tags: profile.tags,
    prices,
    online: profile.online,
    certified: profile.certified,
    rating: profile.ratingCount ? Math.round((profile.ratingSum / profile.ratingCount) * 10) / 10 : null,
    reviewCount: profile.ratingCount,
    ordersServed: profile.ordersServed,
  };
}

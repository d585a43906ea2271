import { Injectable } from '@nestjs/common';
import type { ListenerProfile, User } from '@qingting/prisma';
import {
  ANONYMOUS_AUTHOR,
  isWithinWorkingHours,
  listenerSearchText,
  type ListenerCard,
  type ListenerProfileView,
  type Page,
  type ReviewItem,
} from '@qingting/shared';
import { DomainError } from '../common/errors/domain-error';
import { PrismaService } from '../infra/database/prisma.service';
import { decodeCursor, encodeCursor, UUID_RE } from './cursor';
import { decodeDiscoveryCursor, discoverySql, encodeDiscoveryCursor, type DiscoveryRow } from './discovery-sql';
import type { ListListenersQuery, ReviewsQuery } from './dto/list-listeners.query';
import { parseWorkingHours, toListenerCard, toStats } from './listener-card';
import { PresenceService } from './presence.service';

export const PUBLIC_USER_FIELDS = { id: true, alias: true, avatarSeed: true } as const;
export type ProfileWithUser = ListenerProfile & { user: Pick<User, 'id' | 'alias' | 'avatarSeed'> };

/** "Online now": the toggle on, a live heartbeat, and inside the working hours (if any are set). */
export function isOnlineNow(toggle: boolean, present: boolean, workingHours: unknown, now: Date): boolean {
  return toggle && present && isWithinWorkingHours(parseWorkingHours(workingHours), now);
}

@Injectable()
export class ListenersService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly presence: PresenceService,
  ) {}

  /** Discovery: filters, four sorts, keyword, keyset pagination (see discovery-sql.ts). */
  async list(query: ListListenersQuery, now = new Date()): Promise<Page<ListenerCard>> {
    const cursor = query.cursor ? decodeDiscoveryCursor(query.sort, query.cursor) : undefined;
    let presentIds: string[] | undefined;
    if (query.onlineNow !== undefined) {
      presentIds = await this.presence.presentIds(now.getTime());
      if (query.onlineNow && presentIds.length === 0) return { items: [], nextCursor: null };
    }
    // The hottest read: plain SQL rather than Prisma's raw-query path (see SqlReader).
    const statement = discoverySql(query, { now, presentIds, cursor });
    const rows = await this.prisma.sql.query<DiscoveryRow>(statement.text, statement.values);
    const page = rows.slice(0, query.limit);
    const present = await this.presence.presentAmong(page.filter((r) => r.online).map((r) => r.user_id));
    return {
      items: page.map((r) =>
        toListenerCard(
          {
            userId: r.user_id,
            alias: r.alias,
            avatarSeed: r.avatar_seed,
            gender: r.gender,
            tier: r.tier,
            topics: r.topics,
            tags: r.tags,
            priceTextFen: r.price_text_fen,
            priceVoiceFen: r.price_voice_fen,
            certified: r.certified,
            ratingSum: r.rating_sum,
            ratingCount: r.rating_count,
            ordersServed: r.orders_served,
          },
          isOnlineNow(r.online, present.has(r.user_id), r.working_hours, now),
        ),
      ),
      nextCursor: rows.length > query.limit ? encodeDiscoveryCursor(query.sort, page[page.length - 1]) : null,
    };
  }

  /** The public profile; `viewerId` (optional login) decides `canRebook`. */
  async get(id: string, viewerId?: string, now = new Date()): Promise<ListenerProfileView> {
    const profile = await this.findActive(id);
    const [present, reviewed] = await Promise.all([
      profile.online ? this.presence.isPresent(id) : Promise.resolve(false),
      viewerId && viewerId !== id ? this.prisma.client.review.findFirst({ where: { listenerId: id, authorId: viewerId }, select: { id: true } }) : null,
    ]);
    return this.view(profile, { present, canRebook: !!reviewed, now });
  }

  view(profile: ProfileWithUser, o: { present: boolean; canRebook: boolean; now: Date }): ListenerProfileView {
    return {
      ...toListenerCard({ ...profile, alias: profile.user.alias, avatarSeed: profile.user.avatarSeed }, isOnlineNow(profile.online, o.present, profile.workingHours, o.now)),
      intro: profile.intro,
      stats: toStats(profile),
      workingHours: parseWorkingHours(profile.workingHours),
      canRebook: o.canRebook,
    };
  }

  /** Anonymous reviews, newest first, keyset on (createdAt, id). */
  async reviews(listenerId: string, query: ReviewsQuery): Promise<Page<ReviewItem>> {
    await this.findActive(listenerId);
    const after = query.cursor
      ? decodeCursor(query.cursor, (v) =>
          typeof v.t === 'string' && !Number.isNaN(Date.parse(v.t)) && typeof v.id === 'string' && UUID_RE.test(v.id) ? { t: new Date(v.t), id: v.id } : undefined,
        )
      : undefined;
    const rows = await this.prisma.client.review.findMany({
      where: { listenerId, ...(after ? { OR: [{ createdAt: { lt: after.t } }, { createdAt: after.t, id: { lt: after.id } }] } : {}) },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      take: query.limit + 1,
      // Never the author: reviews are anonymous.
      select: { id: true, stars: true, tags: true, text: true, createdAt: true },
    });
    const page = rows.slice(0, query.limit);
    const last = page[page.length - 1];
    return {
      items: page.map((r) => ({ id: r.id, author: ANONYMOUS_AUTHOR, stars: r.stars, tags: r.tags, text: r.text, createdAt: r.createdAt.toISOString() })),
      nextCursor: rows.length > query.limit ? encodeCursor({ t: last.createdAt.toISOString(), id: last.id }) : null,
    };
  }

  /**
   * Recomputes `searchText` from the current alias, intro and tags. The modules that change
   * them call it: identity after an alias change, vetting after an approval or intro edit.
   */
  async refreshSearchText(listenerId: string): Promise<void> {
    const p = await this.prisma.client.listenerProfile.findUnique({ where: { userId: listenerId }, include: { user: { select: { alias: true } } } });
    if (!p) return;
    await this.prisma.client.listenerProfile.update({ where: { userId: listenerId }, data: { searchText: listenerSearchText(p.user.alias, p.intro, p.tags) } });
  }

  private async findActive(id: string): Promise<ProfileWithUser> {
    const profile = await this.prisma.client.listenerProfile.findFirst({
      where: { userId: id, status: 'ACTIVE', user: { deletedAt: null } },
      include: { user: { select: PUBLIC_USER_FIELDS } },
    });
    if (!profile) throw new DomainError('listener/not_found');
    return profile;
  }
}

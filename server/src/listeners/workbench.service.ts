import { Injectable } from '@nestjs/common';
import { Prisma } from '@qingting/prisma';
import { DEFAULT_TIER_PRICE_BOUNDS, formatFen, SERVICE_TYPES, type PriceUpdate, type WorkbenchView, type WorkingHoursEntry } from '@qingting/shared';
import { DomainError } from '../common/errors/domain-error';
import { PrismaService } from '../infra/database/prisma.service';
import { ListenersService, PUBLIC_USER_FIELDS, type ProfileWithUser } from './listeners.service';
import { PRESENCE_TTL_SECONDS, PresenceService } from './presence.service';
import { CURRENT_INPUTS, recommendScoreSql } from './recommend-score';

const PRICE_FIELD = { TEXT: 'priceTextFen', VOICE: 'priceVoiceFen' } as const;
const SERVICE_LABEL = { TEXT: '文字', VOICE: '语音' } as const;

/** The listener's own workbench: online toggle, presence heartbeat, working hours, prices. */
@Injectable()
export class WorkbenchService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly presence: PresenceService,
    private readonly listeners: ListenersService,
  ) {}

  async get(userId: string, now = new Date()): Promise<WorkbenchView> {
    const profile = await this.own(userId);
    const present = await this.presence.isPresent(userId);
    return {
      ...this.listeners.view(profile, { present, canRebook: false, now }),
      status: profile.status,
      toggleOn: profile.online,
      present,
      priceBounds: DEFAULT_TIER_PRICE_BOUNDS[profile.tier],
      heartbeatSeconds: Math.floor(PRESENCE_TTL_SECONDS / 3),
    };
  }

  /** The toggle (and the score, which counts it) in one UPDATE; presence follows it at once. */
  async setOnline(userId: string, online: boolean): Promise<WorkbenchView> {
    await this.own(userId);
    await this.prisma.client.$executeRaw`
      UPDATE listener_profiles SET online = ${online}, recommend_score = ${recommendScoreSql({ ...CURRENT_INPUTS, online: Prisma.sql`${online}` })}
      WHERE user_id = ${userId}::uuid`;
    if (online) await this.presence.beat(userId);
    else await this.presence.leave(userId);
    return this.get(userId);
  }

  /** The workbench is open: keep the listener present (only while the toggle is on). */
  async heartbeat(userId: string): Promise<{ online: boolean; present: boolean; ttlSeconds: number; nextInSeconds: number }> {
    const profile = await this.own(userId);
    if (profile.online) await this.presence.beat(userId);
    return { online: profile.online, present: profile.online, ttlSeconds: PRESENCE_TTL_SECONDS, nextInSeconds: Math.floor(PRESENCE_TTL_SECONDS / 3) };
  }

  async setHours(userId: string, hours: WorkingHoursEntry[]): Promise<WorkbenchView> {
    hours.forEach((h, i) => {
      if (h.start === h.end) {
        const problem = `第 ${i + 1} 段工作时间的开始和结束不能相同`;
        throw new DomainError('request/invalid', `请求参数有误：${problem}`, [{ field: `hours.${i}.end`, problem }]);
      }
    });
    await this.own(userId);
    const clean = hours.map(({ day, start, end }) => ({ day, start, end }));
    await this.prisma.client.listenerProfile.update({ where: { userId }, data: { workingHours: clean } });
    return this.get(userId);
  }

  /** Prices within the tier's bounds; at least one service stays offered. */
  async setPrices(userId: string, update: PriceUpdate): Promise<WorkbenchView> {
    const profile = await this.own(userId);
    const bounds = DEFAULT_TIER_PRICE_BOUNDS[profile.tier];
    const next = { TEXT: profile.priceTextFen, VOICE: profile.priceVoiceFen };
    for (const type of SERVICE_TYPES) {
      const value = update[type];
      if (value === undefined) continue;
      if (value !== null && (value < bounds.min || value > bounds.max)) {
        throw new DomainError(
          'listener/price_out_of_bounds',
          `${SERVICE_LABEL[type]}价格需在 ${formatFen(bounds.min)} 到 ${formatFen(bounds.max)} 之间（每 15 分钟）`,
          [{ field: type, problem: `${formatFen(bounds.min)}–${formatFen(bounds.max)}` }],
        );
      }
      next[type] = value;
    }
    if (next.TEXT === null && next.VOICE === null) throw new DomainError('listener/no_service');
    // Only if the tier is still the one the bounds came from (a promotion in between re-reads).
    const { count } = await this.prisma.client.listenerProfile.updateMany({
      where: { userId, tier: profile.tier },
      data: { [PRICE_FIELD.TEXT]: next.TEXT, [PRICE_FIELD.VOICE]: next.VOICE },
    });
    if (count === 0) return this.setPrices(userId, update);
    return this.get(userId);
  }

  private async own(userId: string): Promise<ProfileWithUser> {
    const profile = await this.prisma.client.listenerProfile.findUnique({ where: { userId }, include: { user: { select: PUBLIC_USER_FIELDS } } });
    if (!profile) throw new DomainError('listener/not_found');
    if (profile.status === 'SUSPENDED') throw new DomainError('listener/suspended');
    return profile;
  }
}

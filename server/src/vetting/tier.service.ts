import { Injectable } from '@nestjs/common';
import type { ListenerTier } from '@qingting/prisma';
import { AuditService } from '../audit/audit.service';
import { DomainError } from '../common/errors/domain-error';
import type { AuthUser } from '../identity/auth.decorators';
import { PrismaService } from '../infra/database/prisma.service';
import { earnedTier, isHigherTier, TIER_RULES } from './tier.rules';

export interface ListenerStanding {
  listenerId: string;
  tier: ListenerTier;
  status: 'ACTIVE' | 'SUSPENDED';
  suspendedReason: string | null;
}

/** Tiers (promotion by the rules in tier.rules.ts) and suspension; every change audit-logged. */
@Injectable()
export class TierService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly audit: AuditService,
  ) {}

  /**
   * Promotes the listener when the profile's counters earn a higher tier (NEW → REGULAR →
   * SENIOR); never demotes. Call after an order completes or a review lands. Returns the tier now.
   */
  async evaluate(listenerId: string, actorId: string | null = null): Promise<{ tier: ListenerTier; changed: boolean }> {
    const profile = await this.prisma.client.listenerProfile.findUnique({ where: { userId: listenerId }, select: { tier: true, ordersServed: true, ratingAvgCenti: true } });
    if (!profile) throw new DomainError('vetting/listener_not_found');
    const earned = earnedTier(profile.ordersServed, profile.ratingAvgCenti);
    if (!isHigherTier(earned, profile.tier)) return { tier: profile.tier, changed: false };
    return this.prisma.client.$transaction(async (tx) => {
      const { count } = await tx.listenerProfile.updateMany({ where: { userId: listenerId, tier: profile.tier }, data: { tier: earned } });
      if (count === 0) {
        const now = await tx.listenerProfile.findUniqueOrThrow({ where: { userId: listenerId }, select: { tier: true } });
        return { tier: now.tier, changed: false };
      }
      await this.audit.record({
        actorId,
        action: 'listener.tier_change',
        subjectType: 'listener',
        subjectId: listenerId,
        detail: { from: profile.tier, to: earned, ordersServed: profile.ordersServed, ratingAvgCenti: profile.ratingAvgCenti, rules: TIER_RULES },
      }, tx);
      return { tier: earned, changed: true };
    });
  }

  async suspend(actor: AuthUser, listenerId: string, reason: string): Promise<ListenerStanding> {
    return this.setStatus(actor, listenerId, 'ACTIVE', 'SUSPENDED', reason);
  }

  async unsuspend(actor: AuthUser, listenerId: string, reason?: string): Promise<ListenerStanding> {
    return this.setStatus(actor, listenerId, 'SUSPENDED', 'ACTIVE', reason);
  }

  private async setStatus(actor: AuthUser, listenerId: string, from: 'ACTIVE' | 'SUSPENDED', to: 'ACTIVE' | 'SUSPENDED', reason?: string): Promise<ListenerStanding> {
    const profile = await this.prisma.client.listenerProfile.findUnique({ where: { userId: listenerId }, select: { status: true, user: { select: { deletedAt: true } } } });
    if (!profile || profile.user.deletedAt) throw new DomainError('vetting/listener_not_found');
    return this.prisma.client.$transaction(async (tx) => {
      const { count } = await tx.listenerProfile.updateMany({
        where: { userId: listenerId, status: from },
        data: to === 'SUSPENDED' ? { status: to, suspendedReason: reason, online: false } : { status: to, suspendedReason: null },
      });
      if (count === 0) throw new DomainError('vetting/listener_state_unchanged');
      await this.audit.record({ actorId: actor.id, action: to === 'SUSPENDED' ? 'listener.suspend' : 'listener.unsuspend', subjectType: 'listener', subjectId: listenerId, detail: reason ? { reason } : {} }, tx);
      const now = await tx.listenerProfile.findUniqueOrThrow({ where: { userId: listenerId }, select: { tier: true, status: true, suspendedReason: true } });
      return { listenerId, tier: now.tier, status: now.status, suspendedReason: now.suspendedReason };
    });
  }
}

import { Injectable } from '@nestjs/common';
import type { CrisisAlert, CrisisAlertStatus } from '@qingting/prisma';
import type { Page } from '@qingting/shared';
import { AuditService } from '../audit/audit.service';
import { DomainError } from '../common/errors/domain-error';
import { peopleOf, type PersonView } from '../feedback/people';
import { AppConfig } from '../infra/config/app-config';
import { PrismaService } from '../infra/database/prisma.service';
import { olderThan, pageOf } from '../orders/order-view';

/** One crisis-lexicon hit in a conversation, as the chat (or community) module reports it. */
export interface CrisisHit {
  conversationId: string;
  /** The person whose text matched. */
  userId: string;
  /** Lexicon category, e.g. `suicide`, `self_harm`. */
  category: string;
  /** The lexicon term that matched; the text itself is never stored here. */
  term: string;
}

/** What an operator sees of an alert: minimal facts, never the message. */
export interface CrisisAlertView {
  id: string;
  status: CrisisAlertStatus;
  category: string;
  term: string;
  hits: number;
  person: PersonView;
  conversationId: string;
  /** The session the conversation belongs to (null for other kinds of conversation). */
  sessionId: string | null;
  createdAt: string;
  handledBy: PersonView | null;
  handledAt: string | null;
  note: string | null;
}

export interface FalsePositiveTermSummary {
  term: string;
  category: string;
  falsePositives: number;
  /** Every resolved alert of the term (handled + false positives): the denominator of the misfire rate. */
  resolved: number;
}

export type CrisisResolution = 'HANDLED' | 'FALSE_POSITIVE';

/**
 * The crisis alert queue (PRODUCT.md §4 crisis safety, §10 queues). Raising is rate-limited
 * per conversation: while an alert of the conversation is OPEN and younger than
 * CRISIS_ALERT_COOLDOWN_MINUTES, further hits only count on it, so one person in distress
 * produces one queue entry, not one per message.
 */
@Injectable()
export class CrisisAlertsService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly config: AppConfig,
    private readonly audit: AuditService,
  ) {}

  /**
   * Records a hit: a new alert (`alerted: true`) or one more hit on the open one (`alerted:
   * false`). A per-conversation advisory lock serialises concurrent hits, and the look-up runs
   * after the lock is held (a fresh snapshot), so simultaneous hits never create two alerts.
   */
  async raise(hit: CrisisHit): Promise<{ alerted: boolean; alertId: string }> {
    return this.prisma.client.$transaction(async (tx) => {
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`safety:crisis:${hit.conversationId}`}))`;
      const bumped = await tx.$queryRaw<{ id: string }[]>`
        UPDATE crisis_alerts SET hits = hits + 1
        WHERE id = (
          SELECT id FROM crisis_alerts
          WHERE conversation_id = ${hit.conversationId}::uuid AND status = 'OPEN'
            AND created_at > now() - make_interval(mins => ${this.config.CRISIS_ALERT_COOLDOWN_MINUTES}::int)
          ORDER BY created_at DESC LIMIT 1)
        RETURNING id`;
      if (bumped.length) return { alerted: false, alertId: bumped[0].id };
      const alert = await tx.crisisAlert.create({
        data: { conversationId: hit.conversationId, userId: hit.userId, category: hit.category.slice(0, 40), term: hit.term.slice(0, 100) },
      });
      return { alerted: true, alertId: alert.id };
    });
  }

  async list(query: { status?: CrisisAlertStatus; cursor?: string; limit: number }): Promise<Page<CrisisAlertView>> {
    const rows = await this.prisma.client.crisisAlert.findMany({
      where: { AND: [query.status ? { status: query.status } : {}, olderThan(query.cursor)] },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      take: query.limit + 1,
    });
    const toView = await this.viewer(rows.slice(0, query.limit));
    return pageOf(rows, query.limit, toView);
  }

  /** An operator closes an open alert; only one decision wins (conditional from OPEN), audit-logged with it. */
  async resolve(operatorId: string, alertId: string, status: CrisisResolution, note: string | null): Promise<CrisisAlertView> {
    await this.prisma.client.$transaction(async (tx) => {
      const { count } = await tx.crisisAlert.updateMany({
        where: { id: alertId, status: 'OPEN' },
        data: { status, note, handledById: operatorId, handledAt: new Date() },
      });
      if (count === 0) {
        const exists = await tx.crisisAlert.count({ where: { id: alertId } });
        throw new DomainError(exists ? 'crisis_alert/already_resolved' : 'crisis_alert/not_found');
      }
      await this.audit.record({ actorId: operatorId, action: 'safety.crisis_alert.resolve', subjectType: 'crisis_alert', subjectId: alertId, detail: { status, note } }, tx);
    });
    const alert = await this.prisma.client.crisisAlert.findUniqueOrThrow({ where: { id: alertId } });
    return (await this.viewer([alert]))(alert);
  }

  /** Which lexicon terms misfire: false positives per term, next to every resolved alert of it; worst first. */
  async falsePositiveSummary(): Promise<FalsePositiveTermSummary[]> {
    const groups = await this.prisma.client.crisisAlert.groupBy({
      by: ['term', 'category', 'status'],
      where: { status: { in: ['HANDLED', 'FALSE_POSITIVE'] } },
      _count: { _all: true },
    });
    const byTerm = new Map<string, FalsePositiveTermSummary>();
    for (const g of groups) {
      const key = `${g.category}\u0000${g.term}`;
      const entry = byTerm.get(key) ?? { term: g.term, category: g.category, falsePositives: 0, resolved: 0 };
      entry.resolved += g._count._all;
      if (g.status === 'FALSE_POSITIVE') entry.falsePositives += g._count._all;
      byTerm.set(key, entry);
    }
    return [...byTerm.values()]
      .filter((e) => e.falsePositives > 0)
      .sort((a, b) => b.falsePositives - a.falsePositives || b.resolved - a.resolved || a.term.localeCompare(b.term));
  }

  private async viewer(alerts: CrisisAlert[]): Promise<(a: CrisisAlert) => CrisisAlertView> {
    const conversations = alerts.length
      ? await this.prisma.client.conversation.findMany({ where: { id: { in: alerts.map((a) => a.conversationId) } }, select: { id: true, kind: true, subjectId: true } })
      : [];
    const sessionOf = new Map(conversations.map((c) => [c.id, c.kind === 'SESSION' ? c.subjectId : null]));
    const person = await peopleOf(this.prisma.client, alerts.flatMap((a) => (a.handledById ? [a.userId, a.handledById] : [a.userId])));
    return (a) => ({
      id: a.id,
      status: a.status,
      category: a.category,
      term: a.term,
      hits: a.hits,
      person: person(a.userId),
      conversationId: a.conversationId,
      sessionId: sessionOf.get(a.conversationId) ?? null,
      createdAt: a.createdAt.toISOString(),
      handledBy: a.handledById ? person(a.handledById) : null,
      handledAt: a.handledAt?.toISOString() ?? null,
      note: a.note,
    });
  }
}

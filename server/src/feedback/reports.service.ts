import { Injectable, Logger } from '@nestjs/common';
import { Prisma, type Report, type ReportStatus } from '@qingting/prisma';
import type { Page } from '@qingting/shared';
import { AuditService } from '../audit/audit.service';
import { DomainError } from '../common/errors/domain-error';
import type { AuthUser } from '../identity/auth.decorators';
import { PrismaService } from '../infra/database/prisma.service';
import { olderThan, pageOf } from '../orders/order-view';
import { CrisisAlertsService } from '../safety/crisis-alerts.service';
import { SessionsService } from '../sessions/sessions.service';
import { ConversationHolds } from './conversation-holds';
import type { ReportBody, ReportReason } from './dto';
import { peopleOf, type PersonView } from './people';

/** A report about someone at risk also goes to the crisis queue, where operators act at once. */
const CRISIS_REASON: ReportReason = '危机风险';

export interface OpsReportView {
  id: string;
  sessionId: string;
  status: ReportStatus;
  reason: string;
  detail: string;
  reporter: PersonView & { role: 'talker' | 'listener' };
  reported: PersonView;
  createdAt: string;
  resolution: string | null;
  resolvedBy: PersonView | null;
  resolvedAt: string | null;
}

/**
 * Either party reports the other (PRODUCT.md §4). A report freezes the conversation (its key
 * outlives the retention window) until a moderator resolves it.
 */
@Injectable()
export class ReportsService {
  private readonly logger = new Logger(ReportsService.name);

  constructor(
    private readonly prisma: PrismaService,
    private readonly sessions: SessionsService,
    private readonly holds: ConversationHolds,
    private readonly crisis: CrisisAlertsService,
    private readonly audit: AuditService,
  ) {}

  async report(actor: AuthUser, sessionId: string, body: ReportBody): Promise<{ id: string }> {
    const session = await this.sessions.getForParty(sessionId, actor.id);
    if (!session.startedAt) throw new DomainError('report/not_started');
    const reportedId = session.talkerId === actor.id ? session.listenerId : session.talkerId;
    let report: Report;
    try {
      report = await this.prisma.client.$transaction(async (tx) => {
        await this.holds.lock(tx, sessionId);
        if (await tx.report.count({ where: { sessionId, reporterId: actor.id } })) throw new DomainError('report/already_reported');
        const created = await tx.report.create({ data: { sessionId, reporterId: actor.id, reportedId, reason: body.reason, detail: body.detail ?? '' } });
        await this.holds.hold(tx, sessionId);
        await this.audit.record({ actorId: actor.id, action: 'feedback.report.create', subjectType: 'report', subjectId: created.id, detail: { sessionId, reason: body.reason } }, tx);
        return created;
      });
    } catch (err) {
      if (err instanceof Prisma.PrismaClientKnownRequestError && err.code === 'P2002') throw new DomainError('report/already_reported');
      throw err;
    }
    if (body.reason === CRISIS_REASON) await this.raiseCrisis(sessionId, reportedId);
    return { id: report.id };
  }

  async list(query: { status?: ReportStatus; cursor?: string; limit: number }): Promise<Page<OpsReportView>> {
    const rows = await this.prisma.client.report.findMany({
      where: { AND: [query.status ? { status: query.status } : {}, olderThan(query.cursor)] },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      take: query.limit + 1,
    });
    return pageOf(rows, query.limit, await this.viewer(rows.slice(0, query.limit)));
  }

  /** One decision per report (conditional from OPEN); the conversation is released when nothing else holds it. */
  async resolve(operator: AuthUser, reportId: string, status: Exclude<ReportStatus, 'OPEN'>, resolution: string): Promise<OpsReportView> {
    const found = await this.prisma.client.report.findUnique({ where: { id: reportId }, select: { sessionId: true } });
    if (!found) throw new DomainError('report/not_found');
    await this.prisma.client.$transaction(async (tx) => {
      await this.holds.lock(tx, found.sessionId);
      const { count } = await tx.report.updateMany({
        where: { id: reportId, status: 'OPEN' },
        data: { status, resolution, resolvedById: operator.id, resolvedAt: new Date() },
      });
      if (count === 0) throw new DomainError('report/already_resolved');
      const released = await this.holds.release(tx, found.sessionId);
      await this.audit.record({ actorId: operator.id, action: 'feedback.report.resolve', subjectType: 'report', subjectId: reportId, detail: { status, resolution, released } }, tx);
    });
    const report = await this.prisma.client.report.findUniqueOrThrow({ where: { id: reportId } });
    return (await this.viewer([report]))(report);
  }

  /** Best effort after the report is saved: the report itself already reached the moderators. */
  private async raiseCrisis(sessionId: string, userId: string): Promise<void> {
    try {
      const conversationId = await this.holds.conversationOf(undefined, sessionId);
      if (conversationId) await this.crisis.raise({ conversationId, userId, category: 'report', term: CRISIS_REASON });
    } catch (err) {
      this.logger.error(`crisis alert for a report on session ${sessionId} failed: ${(err as Error).message}`);
    }
  }

  private async viewer(reports: Report[]): Promise<(r: Report) => OpsReportView> {
    const sessions = reports.length
      ? await this.prisma.client.session.findMany({ where: { id: { in: reports.map((r) => r.sessionId) } }, select: { id: true, talkerId: true } })
      : [];
    const talkerOf = new Map(sessions.map((s) => [s.id, s.talkerId]));
    const person = await peopleOf(this.prisma.client, reports.flatMap((r) => [r.reporterId, r.reportedId, ...(r.resolvedById ? [r.resolvedById] : [])]));
    return (r) => ({
      id: r.id,
      sessionId: r.sessionId,
      status: r.status,
      reason: r.reason,
      detail: r.detail,
      reporter: { ...person(r.reporterId), role: talkerOf.get(r.sessionId) === r.reporterId ? 'talker' : 'listener' },
      reported: person(r.reportedId),
      createdAt: r.createdAt.toISOString(),
      resolution: r.resolution,
      resolvedBy: r.resolvedById ? person(r.resolvedById) : null,
      resolvedAt: r.resolvedAt?.toISOString() ?? null,
    });
  }
}

import { Injectable } from '@nestjs/common';
import { Prisma, type Dispute, type DisputeStatus } from '@qingting/prisma';
import type { DisputeView, Page } from '@qingting/shared';
import { AuditService } from '../audit/audit.service';
import { DomainError } from '../common/errors/domain-error';
import type { AuthUser } from '../identity/auth.decorators';
import { AppConfig } from '../infra/config/app-config';
import { PrismaService } from '../infra/database/prisma.service';
import { lockOrder } from '../orders/order-state';
import { isPackageFunded } from '../orders/package-minutes.service';
import { olderThan, pageOf } from '../orders/order-view';
import { RefundService } from '../orders/refund.service';
import { SessionOrdersService } from '../orders/session-orders.service';
import { SessionsService } from '../sessions/sessions.service';
import { ConversationHolds } from './conversation-holds';
import type { DecideDisputeBody } from './dto';
import { peopleOf, type PersonView } from './people';
import { assertDisputeWindowOpen, assertEndedSession } from './session-rules';

export function toDisputeView(d: Dispute): DisputeView {
  return { id: d.id, sessionId: d.sessionId, status: d.status, decision: d.decision, refundFen: d.refundFen, createdAt: d.createdAt.toISOString() };
}

/** What an agent or finance operator weighs: the talker's reason, what was paid and refunded, what the session used. */
export interface OpsDisputeView extends DisputeView {
  reason: string;
  note: string | null;
  decidedBy: PersonView | null;
  decidedAt: string | null;
  talker: PersonView;
  listener: PersonView;
  order: { id: string; outTradeNo: string; status: string; totalFen: number; refundedFen: number; refundableFen: number };
  session: { serviceType: string; paidSeconds: number; usedSeconds: number | null; chargedFen: number | null; startedAt: string | null; endedAt: string | null; endReason: string | null };
}

/**
 * A talker disputes a session within DISPUTE_WINDOW_HOURS of its end (PRODUCT.md §3); an
 * operator decides none / partial / full refund. Opening moves the order to DISPUTED and
 * freezes the conversation in one transaction; deciding refunds (through the orders module),
 * closes the dispute and releases the conversation in one transaction.
 */
@Injectable()
export class DisputesService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly config: AppConfig,
    private readonly sessions: SessionsService,
    private readonly sessionOrders: SessionOrdersService,
    private readonly refunds: RefundService,
    private readonly holds: ConversationHolds,
    private readonly audit: AuditService,
  ) {}

  async open(actor: AuthUser, sessionId: string, reason: string): Promise<DisputeView> {
    const session = await this.sessions.getForParty(sessionId, actor.id);
    if (session.talkerId !== actor.id) throw new DomainError('dispute/forbidden');
    assertEndedSession(session, 'dispute/not_ended');
    assertDisputeWindowOpen(session.endedAt, this.config.DISPUTE_WINDOW_HOURS);
    try {
      const dispute = await this.prisma.client.$transaction(async (tx) => {
        await this.holds.lock(tx, sessionId);
        if (await tx.dispute.count({ where: { sessionId } })) throw new DomainError('dispute/already_exists');
        const created = await tx.dispute.create({ data: { sessionId, orderId: session.orderId, talkerId: actor.id, reason } });
        await this.sessionOrders.openDispute(session.orderId, actor.id, reason, tx);
        await this.holds.hold(tx, sessionId);
        await this.audit.record({ actorId: actor.id, action: 'feedback.dispute.open', subjectType: 'dispute', subjectId: created.id, detail: { sessionId, orderId: session.orderId } }, tx);
        return created;
      });
      return toDisputeView(dispute);
    } catch (err) {
      if (err instanceof Prisma.PrismaClientKnownRequestError && err.code === 'P2002') throw new DomainError('dispute/already_exists');
      throw err;
    }
  }

  async list(query: { status?: DisputeStatus; cursor?: string; limit: number }): Promise<Page<OpsDisputeView>> {
    const rows = await this.prisma.client.dispute.findMany({
      where: { AND: [query.status ? { status: query.status } : {}, olderThan(query.cursor)] },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      take: query.limit + 1,
    });
    return pageOf(rows, query.limit, await this.viewer(rows.slice(0, query.limit)));
  }

  /**
   * One decision per dispute: the conditional OPEN → DECIDED update, the refund and the
   * order's way out of DISPUTED, the release of the conversation and the audit row commit
   * together or not at all; a concurrent second decision finds the dispute decided (409).
   */
  async decide(operator: AuthUser, disputeId: string, body: DecideDisputeBody): Promise<OpsDisputeView> {
    if ((body.decision === 'PARTIAL') !== (body.refundFen !== undefined)) throw new DomainError('dispute/refund_amount_invalid');
    const found = await this.prisma.client.dispute.findUnique({ where: { id: disputeId }, select: { sessionId: true, orderId: true } });
    if (!found) throw new DomainError('dispute/not_found');
    await this.prisma.client.$transaction(async (tx) => {
      await this.holds.lock(tx, found.sessionId);
      // Under the lock a concurrent decision has committed or not started: the loser learns it here, before any amount check.
      const current = await tx.dispute.findUniqueOrThrow({ where: { id: disputeId }, select: { status: true } });
      if (current.status !== 'OPEN') throw new DomainError('dispute/already_decided');
      if (body.decision !== 'NONE') await this.assertRefundable(tx, found.orderId, body.refundFen);
      const { refundedFen } = await this.sessionOrders.decideDispute(found.orderId, body.decision, body.refundFen ?? 0, operator.id, body.note, tx);
      const { count } = await tx.dispute.updateMany({
        where: { id: disputeId, status: 'OPEN' },
        data: { status: 'DECIDED', decision: body.decision, refundFen: refundedFen, note: body.note, decidedById: operator.id, decidedAt: new Date() },
      });
      if (count === 0) throw new DomainError('dispute/already_decided');
      const released = await this.holds.release(tx, found.sessionId);
      await this.audit.record(
        { actorId: operator.id, action: 'feedback.dispute.decide', subjectType: 'dispute', subjectId: disputeId, detail: { decision: body.decision, refundFen: refundedFen, note: body.note, released } },
        tx,
      );
    });
    const dispute = await this.prisma.client.dispute.findUniqueOrThrow({ where: { id: disputeId } });
    return (await this.viewer([dispute]))(dispute);
  }

  /** A partial refund is exactly the operator's amount: 1..what is still refundable, never silently capped. */
  /** A refunding decision (FULL, or PARTIAL of `refundFen`) is possible: the order has money, and enough of it left. */
  private async assertRefundable(tx: Prisma.TransactionClient, orderId: string, refundFen: number | undefined): Promise<void> {
    const order = await lockOrder(tx, orderId);
    if (order && isPackageFunded(order)) throw new DomainError('dispute/package_funded');
    const refundable = order ? await this.refunds.refundable(tx, order) : 0;
    if (refundFen !== undefined && refundFen > refundable) throw new DomainError('dispute/refund_out_of_range', `退款金额应在 1 到 ${refundable} 分之间`, [{ field: 'refundFen', problem: `最多可退 ${refundable} 分` }]);
  }

  private async viewer(disputes: Dispute[]): Promise<(d: Dispute) => OpsDisputeView> {
    const ids = { sessions: disputes.map((d) => d.sessionId), orders: disputes.map((d) => d.orderId) };
    const [sessions, orders] = disputes.length
      ? await Promise.all([
          this.prisma.client.session.findMany({ where: { id: { in: ids.sessions } } }),
          this.prisma.client.order.findMany({ where: { id: { in: ids.orders } } }),
        ])
      : [[], []];
    const sessionById = new Map(sessions.map((s) => [s.id, s]));
    const orderById = new Map(orders.map((o) => [o.id, o]));
    const refundable = new Map<string, number>();
    for (const o of orders) refundable.set(o.id, o.transactionId ? await this.refunds.refundable(this.prisma.client, o) : 0);
    const person = await peopleOf(this.prisma.client, [...sessions.flatMap((s) => [s.talkerId, s.listenerId]), ...disputes.flatMap((d) => (d.decidedById ? [d.decidedById] : []))]);
    return (d) => {
      const s = sessionById.get(d.sessionId)!;
      const o = orderById.get(d.orderId)!;
      return {
        ...toDisputeView(d),
        reason: d.reason,
        note: d.note,
        decidedBy: d.decidedById ? person(d.decidedById) : null,
        decidedAt: d.decidedAt?.toISOString() ?? null,
        talker: person(s.talkerId),
        listener: person(s.listenerId),
        order: { id: o.id, outTradeNo: o.outTradeNo, status: o.status, totalFen: o.totalFen, refundedFen: o.refundedFen, refundableFen: refundable.get(o.id) ?? 0 },
        session: {
          serviceType: s.serviceType,
          paidSeconds: s.paidSeconds,
          usedSeconds: s.usedSeconds,
          chargedFen: s.chargedFen,
          startedAt: s.startedAt?.toISOString() ?? null,
          endedAt: s.endedAt?.toISOString() ?? null,
          endReason: s.endReason,
        },
      };
    };
  }
}

import { Injectable } from '@nestjs/common';
import type { Order, Prisma } from '@qingting/prisma';
import type { Page } from '@qingting/shared';
import { AuditService } from '../audit/audit.service';
import { DomainError } from '../common/errors/domain-error';
import type { AuthUser } from '../identity/auth.decorators';
import { PrismaService } from '../infra/database/prisma.service';
import { LedgerEntryView, LedgerService } from '../ledger/ledger.service';
import type { OpsOrdersQuery } from './dto';
import { olderThan, OrderView, pageOf, toOrderView, toTransitionView } from './order-view';
import { OrdersService } from './orders.service';
import { RefundService } from './refund.service';

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** What operators see: both parties by id and alias, no openid. */
export type OpsOrderView = Omit<OrderView, 'myRole' | 'talker'> & { talker: { id: string; alias: string; avatarUrl: string }; refundableFen?: number };

export interface OpsOrderDetail extends OpsOrderView {
  transitions: (ReturnType<typeof toTransitionView> & { actorId: string | null })[];
  refunds: { id: string; outRefundNo: string; amountFen: number; reason: string; status: string; refundId: string | null; requestedById: string | null; createdAt: string; completedAt: string | null }[];
  ledger: LedgerEntryView[];
}

/** The ops console's orders: search, detail with the whole history, manual refunds (finance). */
@Injectable()
export class OpsOrdersService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly orders: OrdersService,
    private readonly refunds: RefundService,
    private readonly ledger: LedgerService,
    private readonly audit: AuditService,
  ) {}

  async search(query: OpsOrdersQuery): Promise<Page<OpsOrderView>> {
    const q = query.q?.trim();
    let match: Prisma.OrderWhereInput = {};
    if (q) {
      const aliasIds = (await this.prisma.client.user.findMany({ where: { alias: { contains: q }, listener: { isNot: null } }, select: { id: true }, take: 200 })).map((u) => u.id);
      match = { OR: [...(UUID_RE.test(q) ? [{ id: q.toLowerCase() }] : []), { outTradeNo: q }, ...(aliasIds.length ? [{ listenerId: { in: aliasIds } }] : [])] };
    }
    const rows = await this.prisma.client.order.findMany({
      where: { AND: [match, query.status ? { status: query.status } : {}, olderThan(query.cursor)] },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      take: query.limit + 1,
    });
    const users = await this.orders.usersOf(rows);
    return pageOf(rows, query.limit, (o) => this.opsView(o, users));
  }

  async detail(orderId: string): Promise<OpsOrderDetail> {
    const order = await this.prisma.client.order.findUnique({
      where: { id: orderId },
      include: { transitions: { orderBy: [{ at: 'asc' }, { id: 'asc' }] }, refunds: { orderBy: { createdAt: 'asc' } } },
    });
    if (!order) throw new DomainError('order/not_found');
    const users = await this.orders.usersOf([order]);
    const refundableFen = order.transactionId ? await this.refunds.refundable(this.prisma.client, order) : 0;
    return {
      ...this.opsView(order, users),
      refundableFen,
      transitions: order.transitions.map((t) => ({ ...toTransitionView(t), actorId: t.actorId })),
      refunds: order.refunds.map((r) => ({
        id: r.id,
        outRefundNo: r.outRefundNo,
        amountFen: r.amountFen,
        reason: r.reason,
        status: r.status,
        refundId: r.refundId,
        requestedById: r.requestedById,
        createdAt: r.createdAt.toISOString(),
        completedAt: r.completedAt?.toISOString() ?? null,
      })),
      ledger: await this.ledger.entriesForOrder(order.id),
    };
  }

  /** A finance operator refunds part or all of what is left; audit-logged with the reason. */
  async refund(operator: AuthUser, orderId: string, amountFen: number, reason: string): Promise<OpsOrderDetail> {
    const refund = await this.refunds.refund(orderId, amountFen, `运营退款：${reason}`, operator.id);
    await this.audit.record({ actorId: operator.id, action: 'order.refund', subjectType: 'order', subjectId: orderId, detail: { refundId: refund.id, amountFen, reason } });
    return this.detail(orderId);
  }

  private opsView(order: Order, users: Awaited<ReturnType<OrdersService['usersOf']>>): OpsOrderView {
    const { myRole: _myRole, talker, ...rest } = toOrderView(order, users, '');
    return { ...rest, talker: { id: order.talkerId, ...talker } };
  }
}

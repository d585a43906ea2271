import { randomUUID } from 'node:crypto';
import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import type { Prisma, Refund } from '@qingting/prisma';
import { AuditService } from '../audit/audit.service';
import { DomainError } from '../common/errors/domain-error';
import { PrismaService } from '../infra/database/prisma.service';
import { refundLines } from '../ledger/ledger.rules';
import { LedgerService, refundKey } from '../ledger/ledger.service';
import { SchedulerService } from '../scheduler/scheduler.service';
import { heldForOrder } from '../settlement/balances';
import type { RefundNotificationResource } from '../wechat/protocol/types';
import { WechatEvents } from '../wechat/wechat-events';
import { WechatPayClient, WechatPayError } from '../wechat/wechat-pay.client';
import { lockOrder, moveOrder } from './order-state';
import { REFUNDABLE_STATES } from './order-transitions';

export const REFUND_SUBMIT_JOB = 'refund.submit';
/** Asks WeChat Pay for the result of a refund still PROCESSING, in case its notification never comes. */
export const REFUND_SYNC_JOB = 'refund.sync';
/** Query 1, 2, 4 … minutes after submitting, at most every 30 minutes, until the refund is final. */
const SYNC_FIRST_MS = 60_000;
const SYNC_MAX_MS = 30 * 60_000;
/** When no caller submits a refund right after its commit, the job does (a crash between commit and submit loses nothing). */
const SUBMIT_SAFETY_DELAY_MS = 30_000;
const OPEN_STATUSES = ['PENDING', 'PROCESSING'] as const;

/**
 * Every refund goes through here (PRODUCT.md §3 rules, ops, timers). A refund is recorded with
 * the order's REFUNDING transition in one transaction under the order's row lock, so refunds
 * never exceed what was paid even when requested concurrently; the WeChat refund request goes
 * out after the commit (retried by the `refund.submit` job on a transport failure); the refund
 * notification finalises the refund, the order and the ledger.
 */
@Injectable()
export class RefundService implements OnModuleInit {
  private readonly logger = new Logger(RefundService.name);

  constructor(
    private readonly prisma: PrismaService,
    private readonly ledger: LedgerService,
    private readonly scheduler: SchedulerService,
    private readonly pay: WechatPayClient,
    private readonly events: WechatEvents,
    private readonly audit: AuditService,
  ) {}

  onModuleInit(): void {
    this.scheduler.register(REFUND_SUBMIT_JOB, (job, tx) => this.submit(job.key, tx));
    this.scheduler.register(REFUND_SYNC_JOB, (job, tx) => this.sync(job.key, job.attempts, tx));
    this.events.on('refund', (event, tx) => this.applyResult(tx, event.resource, 'notification'));
  }

  /**
   * Refunds `amountFen` of the order. Without `tx`: its own transaction, then the WeChat request
   * at once. With `tx` (the caller's transaction, e.g. a timer or a decline): the request is
   * made by the `refund.submit` job right after that transaction commits; callers may also call
   * `submit(refund.id)` after their commit.
   */
  async refund(orderId: string, amountFen: number, reason: string, actorId: string | null, tx?: Prisma.TransactionClient): Promise<Refund> {
    if (tx) return this.record(tx, orderId, amountFen, reason, actorId, 0);
    const refund = await this.prisma.client.$transaction((t) => this.record(t, orderId, amountFen, reason, actorId, SUBMIT_SAFETY_DELAY_MS));
    await this.submit(refund.id).catch((err) => this.logger.error({ err, refundId: refund.id }, 'refund submit failed; the job retries'));
    return refund;
  }

  /** What may still be refunded: paid − refunded − refunds in flight. */
  async refundable(tx: Prisma.TransactionClient, order: { id: string; totalFen: number; refundedFen: number }): Promise<number> {
    const open = await tx.refund.aggregate({ where: { orderId: order.id, status: { in: [...OPEN_STATUSES] } }, _sum: { amountFen: true } });
    return order.totalFen - order.refundedFen - (open._sum.amountFen ?? 0);
  }

  private async record(tx: Prisma.TransactionClient, orderId: string, amountFen: number, reason: string, actorId: string | null, submitDelayMs: number): Promise<Refund> {
    if (!Number.isSafeInteger(amountFen) || amountFen <= 0) throw new DomainError('request/invalid', '请求参数有误：退款金额必须是正整数（分）', [{ field: 'amountFen', problem: '退款金额必须是正整数（分）' }]);
    const order = await lockOrder(tx, orderId);
    if (!order) throw new DomainError('order/not_found');
    if (!order.transactionId || !REFUNDABLE_STATES.includes(order.status)) throw new DomainError('order/not_refundable');
    const available = await this.refundable(tx, order);
    if (amountFen > available) throw new DomainError('order/refund_too_large', `退款金额超过可退金额（最多可退 ${(available / 100).toFixed(2)} 元）`, [{ field: 'amountFen', problem: `最多可退 ${available} 分` }]);
    const id = randomUUID();
    const refund = await tx.refund.create({
      data: { id, orderId, outRefundNo: id.replace(/-/g, ''), amountFen, reason: reason.slice(0, 200), requestedById: actorId },
    });
    await moveOrder(tx, orderId, order.status, 'REFUNDING', { actorId, reason: `${reason}（退款 ${amountFen} 分）`, code: 'order/not_refundable' });
    // A refunded package (declined, not accepted in time, cancelled, or by an operator) can no longer be spent.
    if (order.kind === 'PACKAGE') await tx.packageBalance.updateMany({ where: { orderId }, data: { minutesLeft: 0 } });
    await this.scheduler.schedule(REFUND_SUBMIT_JOB, id, new Date(Date.now() + submitDelayMs), {}, tx);
    return refund;
  }

  /**
   * Sends a PENDING refund to WeChat Pay (idempotent there by out_refund_no). A transport failure
   * leaves it PENDING: inside the job it throws (the scheduler retries), outside it moves the job
   * to a few seconds from now. A business refusal marks it ABNORMAL with an audit alert.
   */
  async submit(refundId: string, tx?: Prisma.TransactionClient): Promise<void> {
    const db = tx ?? this.prisma.client;
    const refund = await db.refund.findUnique({ where: { id: refundId }, include: { order: { select: { outTradeNo: true, totalFen: true } } } });
    if (!refund || refund.status !== 'PENDING') return;
    let answer;
    try {
      answer = await this.pay.refund({
        out_trade_no: refund.order.outTradeNo,
        out_refund_no: refund.outRefundNo,
        reason: refund.reason.slice(0, 80),
        amount: { refund: refund.amountFen, total: refund.order.totalFen, currency: 'CNY' },
      });
    } catch (err) {
      const transport = !(err instanceof WechatPayError) || err.status === 0 || err.status >= 500 || err.code === 'SIGN_INVALID';
      if (transport) {
        if (tx) throw err;
        await this.scheduler.schedule(REFUND_SUBMIT_JOB, refundId, new Date(Date.now() + 5_000));
        this.logger.warn({ err, refundId }, 'WeChat refund request failed; retrying');
        return;
      }
      await db.refund.updateMany({ where: { id: refundId, status: 'PENDING' }, data: { status: 'ABNORMAL' } });
      await this.audit.record({ actorId: null, action: 'order.refund_rejected', subjectType: 'order', subjectId: refund.orderId, detail: { refundId, code: err.code, message: err.message } }, tx);
      this.logger.error({ refundId, code: err.code, message: err.message }, 'ALERT: WeChat Pay refused a refund');
      return;
    }
    await db.refund.updateMany({ where: { id: refundId, status: 'PENDING' }, data: { status: 'PROCESSING', refundId: answer.refund_id } });
    await this.scheduler.schedule(REFUND_SYNC_JOB, refundId, new Date(Date.now() + SYNC_FIRST_MS), {}, tx);
    if (answer.status === 'SUCCESS') {
      const resource = { out_refund_no: answer.out_refund_no, refund_id: answer.refund_id, refund_status: answer.status, amount: { refund: answer.amount.refund } };
      if (tx) await this.applyResult(tx, resource, 'query');
      else await this.prisma.client.$transaction((t) => this.applyResult(t, resource, 'query'));
    }
  }

  /** The `refund.sync` job: a PROCESSING refund's state from WeChat Pay; polls again (backing off) until it is final. */
  private async sync(refundId: string, attempts: number, tx: Prisma.TransactionClient): Promise<Date | void> {
    const refund = await tx.refund.findUnique({ where: { id: refundId } });
    if (!refund || refund.status !== 'PROCESSING') return;
    const answer = await this.pay.queryRefund(refund.outRefundNo);
    if (answer.status === 'PROCESSING') return new Date(Date.now() + Math.min(SYNC_MAX_MS, SYNC_FIRST_MS * 2 ** attempts));
    await this.applyResult(tx, { out_refund_no: answer.out_refund_no, refund_id: answer.refund_id, refund_status: answer.status, amount: { refund: answer.amount.refund } }, 'query');
  }

  /**
   * A refund's final result (notification, or a query answer): SUCCESS adds to the order's
   * refunded amount, posts the reversal and moves the order to REFUNDED / PARTIALLY_REFUNDED;
   * ABNORMAL / CLOSED are recorded with an audit alert. Applying the same result twice changes nothing.
   */
  async applyResult(
    tx: Prisma.TransactionClient,
    r: Pick<RefundNotificationResource, 'out_refund_no' | 'refund_id' | 'refund_status'> & { amount: { refund: number } },
    source: 'notification' | 'query',
  ): Promise<void> {
    const refund = await tx.refund.findUnique({ where: { outRefundNo: r.out_refund_no } });
    if (!refund) {
      await this.alert(tx, 'order.refund_unknown', r.out_refund_no, { resource: r });
      return;
    }
    const order = await lockOrder(tx, refund.orderId);
    if (!order) return;
    if (r.refund_status === 'PROCESSING') return;
    if (r.refund_status !== 'SUCCESS') {
      const { count } = await tx.refund.updateMany({ where: { id: refund.id, status: { in: [...OPEN_STATUSES] } }, data: { status: r.refund_status, refundId: r.refund_id, completedAt: new Date() } });
      if (count) await this.alert(tx, 'order.refund_failed', order.id, { refundId: refund.id, status: r.refund_status, amountFen: refund.amountFen });
      return;
    }
    if (r.amount.refund !== refund.amountFen) {
      await this.alert(tx, 'order.refund_amount_mismatch', order.id, { refundId: refund.id, expected: refund.amountFen, reported: r.amount.refund });
      return;
    }
    const { count } = await tx.refund.updateMany({ where: { id: refund.id, status: { in: [...OPEN_STATUSES] } }, data: { status: 'SUCCESS', refundId: r.refund_id, completedAt: new Date() } });
    if (count === 0) return; // already applied
    const refundedAfter = order.refundedFen + refund.amountFen;
    await this.ledger.post(tx, {
      kind: 'REFUND',
      idempotencyKey: refundKey(refund.id),
      orderId: order.id,
      // After the dispute window the listener's share is no longer held: it is clawed back from withdrawable.
      entries: refundLines(order.listenerId, order.totalFen, await this.ledger.paymentCommission(tx, order.id), order.refundedFen, refund.amountFen, await heldForOrder(tx, order.listenerId, order.id)),
    });
    const stillOpen = await tx.refund.count({ where: { orderId: order.id, status: { in: [...OPEN_STATUSES] } } });
    const data = { refundedFen: refundedAfter };
    const reason = `${source === 'notification' ? '微信退款通知' : '查询微信退款'}：退款成功 ${refund.amountFen} 分`;
    if (order.status === 'REFUNDING' && refundedAfter === order.totalFen) {
      await moveOrder(tx, order.id, 'REFUNDING', 'REFUNDED', { actorId: null, reason, data });
    } else if (order.status === 'REFUNDING' && stillOpen === 0) {
      await moveOrder(tx, order.id, 'REFUNDING', 'PARTIALLY_REFUNDED', { actorId: null, reason, data });
    } else {
      await tx.order.update({ where: { id: order.id }, data });
    }
  }

  private async alert(tx: Prisma.TransactionClient, action: string, subjectId: string, detail: Record<string, unknown>): Promise<void> {
    this.logger.error({ action, subjectId, ...detail }, `ALERT: ${action}`);
    await this.audit.record({ actorId: null, action, subjectType: 'order', subjectId, detail }, tx);
  }
}

import type { FastifyInstance } from 'fastify';
import { formatWechatTime } from '../wechat/protocol/time';
import type { Refund, RefundNotificationResource, RefundStatus } from '../wechat/protocol/types';
import { fingerprint, SimContext, wechatId } from './context';
import { PayError, paramError } from './pay-error';
import type { RefundRecord } from './store';
import { int, notifyUrl, object, reqStr, str } from './validate';

const USER_ACCOUNT = '支付用户零钱';

export function refundView(r: RefundRecord): Refund {
  return {
    refund_id: r.refund_id,
    out_refund_no: r.out_refund_no,
    transaction_id: r.transaction_id,
    out_trade_no: r.out_trade_no,
    channel: 'ORIGINAL',
    user_received_account: USER_ACCOUNT,
    ...(r.success_time ? { success_time: formatWechatTime(new Date(r.success_time)) } : {}),
    create_time: formatWechatTime(new Date(r.create_time)),
    status: r.status,
    funds_account: 'AVAILABLE',
    amount: {
      total: r.total,
      refund: r.refund,
      payer_total: r.total,
      payer_refund: r.refund,
      settlement_total: r.total,
      settlement_refund: r.refund,
      discount_refund: 0,
      currency: 'CNY',
    },
  };
}

function findRefund(ctx: SimContext, outRefundNo: string): RefundRecord {
  const refund = ctx.store.state.refunds[outRefundNo];
  if (!refund) throw new PayError(404, 'RESOURCE_NOT_EXISTS', '退款单不存在');
  return refund;
}

/** Money already promised back to the payer: everything but closed refunds. */
function refundedSoFar(ctx: SimContext, outTradeNo: string): number {
  return Object.values(ctx.store.state.refunds)
    .filter((r) => r.out_trade_no === outTradeNo && r.status !== 'CLOSED')
    .reduce((sum, r) => sum + r.refund, 0);
}

const EVENTS: Record<Exclude<RefundStatus, 'PROCESSING'>, { event: 'REFUND.SUCCESS' | 'REFUND.ABNORMAL' | 'REFUND.CLOSED'; summary: string }> = {
  SUCCESS: { event: 'REFUND.SUCCESS', summary: '退款成功' },
  ABNORMAL: { event: 'REFUND.ABNORMAL', summary: '退款异常' },
  CLOSED: { event: 'REFUND.CLOSED', summary: '退款关闭' },
};

/** Moves a PROCESSING refund to its final status and notifies the merchant if it gave a notify_url. */
export function finishRefund(ctx: SimContext, outRefundNo: string, status: Exclude<RefundStatus, 'PROCESSING'>): RefundRecord {
  const r = findRefund(ctx, outRefundNo);
  if (r.status !== 'PROCESSING') throw new PayError(400, 'INVALID_REQUEST', `退款单已是终态 ${r.status}`);
  r.status = status;
  if (status === 'SUCCESS') r.success_time = ctx.now().toISOString();
  ctx.store.changed();
  if (r.notify_url) {
    const resource: RefundNotificationResource = {
      mchid: ctx.keys.mchid,
      transaction_id: r.transaction_id,
      out_trade_no: r.out_trade_no,
      refund_id: r.refund_id,
      out_refund_no: r.out_refund_no,
      refund_status: status,
      ...(r.success_time ? { success_time: formatWechatTime(new Date(r.success_time)) } : {}),
      user_received_account: USER_ACCOUNT,
      amount: { total: r.total, refund: r.refund, payer_total: r.total, payer_refund: r.refund },
    };
    ctx.notifier.notify(EVENTS[status].event, 'refund', EVENTS[status].summary, r.notify_url, r.out_refund_no, resource);
  }
  return r;
}

export function refundRoutes(app: FastifyInstance, ctx: SimContext): void {
  app.post('/refund/domestic/refunds', async (request) => {
    const body = object(request.body);
    const transactionId = str(body, 'transaction_id', { max: 32, optional: true });
    const outTradeNoIn = str(body, 'out_trade_no', { max: 32, optional: true });
    if (!transactionId && !outTradeNoIn) throw paramError('out_trade_no', 'transaction_id 与 out_trade_no 必须二选一');
    const outRefundNo = reqStr(body, 'out_refund_no', { max: 64, pattern: /^[0-9A-Za-z_\-|*@]+$/ });
    const reason = str(body, 'reason', { max: 80, optional: true });
    const notify = notifyUrl(body, 'notify_url', true);
    const amount = object(body.amount, 'amount');
    const refund = int(amount, 'refund');
    const total = int(amount, 'total');
    if (amount.currency !== 'CNY') throw paramError('amount.currency', '必须为CNY');

    const order = Object.values(ctx.store.state.orders).find((o) => (transactionId ? o.transaction_id === transactionId : o.out_trade_no === outTradeNoIn));
    if (!order) throw new PayError(404, 'RESOURCE_NOT_EXISTS', '订单不存在');
    const fp = fingerprint(body);
    const existing = ctx.store.state.refunds[outRefundNo];
    if (existing) {
      // Retrying a refund with the same number and body is idempotent, as on WeChat.
      if (existing.fingerprint !== fp) throw new PayError(400, 'INVALID_REQUEST', '商户退款单号重复，且参数与原退款单不一致');
      return refundView(existing);
    }
    if (order.state !== 'SUCCESS' && order.state !== 'REFUND') throw new PayError(400, 'INVALID_REQUEST', '订单未支付，不能退款');
    if (total !== order.total) throw paramError('amount.total', '与原订单金额不一致');
    if (refund > order.total - refundedSoFar(ctx, order.out_trade_no)) {
      throw new PayError(400, 'PARAM_ERROR', '申请退款金额超过订单可退金额', { field: 'amount.refund', issue: 'exceeds refundable amount', location: 'body' });
    }
    const record: RefundRecord = {
      out_refund_no: outRefundNo,
      refund_id: wechatId(ctx, '5030', 29),
      out_trade_no: order.out_trade_no,
      transaction_id: order.transaction_id!,
      reason,
      notify_url: notify,
      refund,
      total,
      status: 'PROCESSING',
      create_time: ctx.now().toISOString(),
      fingerprint: fp,
    };
    ctx.store.state.refunds[outRefundNo] = record;
    order.state = 'REFUND';
    ctx.store.changed();
    if (ctx.refundAutoCompleteMs !== null) {
      const timer = setTimeout(() => {
        ctx.timers.delete(timer);
        if (ctx.store.state.refunds[outRefundNo]?.status === 'PROCESSING') finishRefund(ctx, outRefundNo, 'SUCCESS');
      }, ctx.refundAutoCompleteMs);
      ctx.timers.add(timer);
    }
    return refundView(record);
  });

  app.get<{ Params: { no: string } }>('/refund/domestic/refunds/:no', async (request) => refundView(findRefund(ctx, request.params.no)));
}

import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { formatWechatTime } from '../wechat/protocol/time';
import type { Transaction } from '../wechat/protocol/types';
import { fingerprint, SimContext, wechatId } from './context';
import { PayError, paramError } from './pay-error';
import type { OrderRecord } from './store';
import { int, notifyUrl, object, reqStr, RFC3339, str } from './validate';

const PREPAY_VALIDITY_MS = 2 * 3600 * 1000;

const STATE_DESC: Record<Transaction['trade_state'], string> = {
  SUCCESS: '支付成功',
  REFUND: '转入退款',
  NOTPAY: '未支付',
  CLOSED: '已关闭',
  REVOKED: '已撤销',
  USERPAYING: '用户支付中',
  PAYERROR: '支付失败',
};

export function transactionView(order: OrderRecord): Transaction {
  const paid = order.transaction_id !== undefined;
  const view: Transaction = {
    appid: order.appid,
    mchid: order.mchid,
    out_trade_no: order.out_trade_no,
    trade_state: order.state,
    trade_state_desc: STATE_DESC[order.state],
    attach: order.attach ?? '',
    amount: { total: order.total, currency: 'CNY', payer_currency: 'CNY' },
  };
  if (paid) {
    Object.assign(view, {
      transaction_id: order.transaction_id,
      trade_type: 'JSAPI',
      bank_type: 'OTHERS',
      success_time: formatWechatTime(new Date(order.success_time!)),
      payer: { openid: order.openid },
    });
    view.amount.payer_total = order.total;
  }
  return view;
}

export function findOrder(ctx: SimContext, outTradeNo: string): OrderRecord {
  const order = ctx.store.state.orders[outTradeNo];
  if (!order) throw new PayError(404, 'ORDER_NOT_EXIST', '订单不存在');
  return order;
}

function expired(ctx: SimContext, order: OrderRecord): boolean {
  return order.time_expire !== undefined && ctx.now().getTime() >= Date.parse(order.time_expire);
}

/** The user pays in the cashier (or a test says so): the order succeeds and the merchant is told. */
export function confirmPayment(ctx: SimContext, order: OrderRecord): void {
  if (order.state === 'SUCCESS' || order.state === 'REFUND') return;
  if (order.state !== 'NOTPAY') throw new PayError(400, 'ORDER_CLOSED', '订单已关闭，无法支付');
  if (expired(ctx, order)) throw new PayError(400, 'ORDER_CLOSED', '订单已过期，无法支付');
  order.state = 'SUCCESS';
  order.transaction_id = wechatId(ctx, '4200', 28);
  order.success_time = ctx.now().toISOString();
  ctx.store.changed();
  ctx.notifier.notify('TRANSACTION.SUCCESS', 'transaction', '支付成功', order.notify_url, order.out_trade_no, transactionView(order));
}

function checkMchid(ctx: SimContext, mchid: string | undefined): void {
  if (mchid !== ctx.keys.mchid) throw new PayError(400, 'PARAM_ERROR', `mchid 与请求签名的商户号不一致：${mchid ?? '缺失'}`);
}

export function transactionRoutes(app: FastifyInstance, ctx: SimContext): void {
  app.post('/pay/transactions/jsapi', async (request) => {
    const body = object(request.body);
    const appid = reqStr(body, 'appid', { max: 32 });
    const mchid = reqStr(body, 'mchid', { max: 32 });
    const description = reqStr(body, 'description', { max: 127 });
    const outTradeNo = reqStr(body, 'out_trade_no', { min: 6, max: 32, pattern: /^[0-9A-Za-z_\-|*]+$/ });
    const timeExpire = str(body, 'time_expire', { max: 64, pattern: RFC3339, optional: true });
    const attach = str(body, 'attach', { max: 128, optional: true });
    const notify = notifyUrl(body, 'notify_url')!;
    const amount = object(body.amount, 'amount');
    const total = int(amount, 'total');
    if (amount.currency !== undefined && amount.currency !== 'CNY') throw paramError('amount.currency', '仅支持CNY');
    const openid = reqStr(object(body.payer, 'payer'), 'openid', { max: 128 });
    if (mchid !== ctx.keys.mchid || appid !== ctx.keys.appid) throw new PayError(400, 'APPID_MCHID_NOT_MATCH', 'appid和mch_id不匹配');

    const fp = fingerprint(body);
    const existing = ctx.store.state.orders[outTradeNo];
    if (existing) {
      if (existing.state === 'SUCCESS' || existing.state === 'REFUND') throw new PayError(400, 'ORDERPAID', '该订单已支付');
      if (existing.state === 'CLOSED') throw new PayError(400, 'ORDER_CLOSED', '该订单已关闭');
      if (existing.fingerprint !== fp) throw new PayError(400, 'INVALID_REQUEST', '商户订单号重复，且参数与原订单不一致');
    }
    const now = ctx.now();
    const order: OrderRecord = existing ?? {
      appid, mchid, description, out_trade_no: outTradeNo, time_expire: timeExpire, attach, notify_url: notify,
      total, openid, prepay_id: '', prepay_expires_at: '', created_at: now.toISOString(), state: 'NOTPAY', fingerprint: fp,
    };
    // A retry with the same body gets a fresh prepay_id, as WeChat does.
    order.prepay_id = `wx${wechatId(ctx, '', 20)}${randomBytes(6).toString('hex')}`;
    order.prepay_expires_at = new Date(now.getTime() + PREPAY_VALIDITY_MS).toISOString();
    ctx.store.state.orders[outTradeNo] = order;
    ctx.store.changed();
    return { prepay_id: order.prepay_id };
  });

  app.get<{ Params: { no: string }; Querystring: { mchid?: string } }>('/pay/transactions/out-trade-no/:no', async (request) => {
    checkMchid(ctx, request.query.mchid);
    return transactionView(findOrder(ctx, request.params.no));
  });

  app.post<{ Params: { no: string } }>('/pay/transactions/out-trade-no/:no/close', async (request, reply) => {
    checkMchid(ctx, reqStr(object(request.body), 'mchid'));
    const order = findOrder(ctx, request.params.no);
    if (order.state === 'SUCCESS' || order.state === 'REFUND') throw new PayError(400, 'ORDERPAID', '订单已支付，不能关闭');
    if (order.state !== 'CLOSED') {
      order.state = 'CLOSED';
      ctx.store.changed();
    }
    return reply.code(204).send();
  });
}

/** Finds the order a cashier page was opened for; null when the prepay_id is unknown or stale. */
export function orderByPrepayId(ctx: SimContext, prepayId: string): OrderRecord | null {
  const order = Object.values(ctx.store.state.orders).find((o) => o.prepay_id === prepayId);
  if (!order || ctx.now().getTime() >= Date.parse(order.prepay_expires_at)) return null;
  return order;
}

import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { formatWechatTime } from '../wechat/protocol/time';
import type { TransferBill, TransferBillResponse, TransferNotificationResource } from '../wechat/protocol/types';
import { fingerprint, SimContext, wechatId } from './context';
import { requirePlatformSerial } from './pay-plugin';
import { PayError, paramError } from './pay-error';
import type { TransferRecord } from './store';
import { int, notifyUrl, object, reqStr, str } from './validate';

export function transferView(t: TransferRecord, mchid: string): TransferBill {
  return {
    mch_id: mchid,
    out_bill_no: t.out_bill_no,
    transfer_bill_no: t.transfer_bill_no,
    appid: t.appid,
    state: t.state,
    transfer_amount: t.transfer_amount,
    transfer_remark: t.transfer_remark,
    ...(t.fail_reason ? { fail_reason: t.fail_reason } : {}),
    openid: t.openid,
    create_time: formatWechatTime(new Date(t.create_time)),
    update_time: formatWechatTime(new Date(t.update_time)),
  };
}

function createdView(t: TransferRecord): TransferBillResponse {
  const view: TransferBillResponse = {
    out_bill_no: t.out_bill_no,
    transfer_bill_no: t.transfer_bill_no,
    create_time: formatWechatTime(new Date(t.create_time)),
    state: t.state,
  };
  if (t.state === 'WAIT_USER_CONFIRM') view.package_info = t.package_info;
  return view;
}

function findTransfer(ctx: SimContext, outBillNo: string): TransferRecord {
  const t = ctx.store.state.transfers[outBillNo];
  if (!t) throw new PayError(404, 'NOT_FOUND', '商户单号对应的转账单不存在');
  return t;
}

/**
 * The user's answer in `wx.requestMerchantTransfer`: confirmed → SUCCESS, rejected → CANCELLED;
 * `FAIL` stands for WeChat failing the payout (e.g. the account is restricted).
 */
export function finishTransfer(ctx: SimContext, outBillNo: string, state: 'SUCCESS' | 'CANCELLED' | 'FAIL', failReason?: string): TransferRecord {
  const t = findTransfer(ctx, outBillNo);
  if (t.state !== 'WAIT_USER_CONFIRM') throw new PayError(400, 'INVALID_REQUEST', `转账单已是 ${t.state}，不能再确认`);
  t.state = state;
  if (state === 'FAIL') t.fail_reason = failReason ?? 'ACCOUNT_FROZEN';
  t.update_time = ctx.now().toISOString();
  ctx.store.changed();
  if (t.notify_url) {
    const resource: TransferNotificationResource = {
      out_bill_no: t.out_bill_no,
      transfer_bill_no: t.transfer_bill_no,
      state: t.state,
      mch_id: ctx.keys.mchid,
      transfer_amount: t.transfer_amount,
      openid: t.openid,
      ...(t.fail_reason ? { fail_reason: t.fail_reason } : {}),
      create_time: formatWechatTime(new Date(t.create_time)),
      update_time: formatWechatTime(new Date(t.update_time)),
    };
    ctx.notifier.notify('MCHTRANSFER.BILL.FINISHED', 'mch_payment', '商家转账单据终态通知', t.notify_url, t.out_bill_no, resource);
  }
  return t;
}

export function transferRoutes(app: FastifyInstance, ctx: SimContext): void {
  app.post('/fund-app/mch-transfer/transfer-bills', async (request) => {
    requirePlatformSerial(ctx, request);
    const body = object(request.body);
    const appid = reqStr(body, 'appid', { max: 32 });
    const outBillNo = reqStr(body, 'out_bill_no', { min: 5, max: 32, pattern: /^[0-9A-Za-z]+$/ });
    const sceneId = reqStr(body, 'transfer_scene_id', { max: 36 });
    const openid = reqStr(body, 'openid', { max: 64 });
    const amount = int(body, 'transfer_amount');
    const remark = reqStr(body, 'transfer_remark', { max: 32 });
    const notify = notifyUrl(body, 'notify_url', true);
    str(body, 'user_recv_perception', { max: 32, optional: true });
    const infos = body.transfer_scene_report_infos;
    if (!Array.isArray(infos) || infos.length === 0) throw paramError('transfer_scene_report_infos', '不能为空');
    infos.forEach((info, i) => {
      const o = object(info, `transfer_scene_report_infos[${i}]`);
      reqStr(o, 'info_type', { max: 15 });
      reqStr(o, 'info_content', { max: 32 });
    });
    if (appid !== ctx.keys.appid) throw new PayError(400, 'APPID_MCHID_NOT_MATCH', 'appid和mch_id不匹配');

    const fp = fingerprint(body);
    const existing = ctx.store.state.transfers[outBillNo];
    if (existing) {
      if (existing.fingerprint !== fp) throw new PayError(400, 'INVALID_REQUEST', '商户单号重复，且参数与原转账单不一致');
      return createdView(existing);
    }
    const now = ctx.now().toISOString();
    const record: TransferRecord = {
      appid, out_bill_no: outBillNo, transfer_bill_no: wechatId(ctx, '1330', 32), transfer_scene_id: sceneId, openid,
      transfer_amount: amount, transfer_remark: remark, notify_url: notify,
      package_info: randomBytes(48).toString('base64'),
      state: 'WAIT_USER_CONFIRM', create_time: now, update_time: now, fingerprint: fp,
    };
    ctx.store.state.transfers[outBillNo] = record;
    ctx.store.changed();
    return createdView(record);
  });

  app.get<{ Params: { no: string } }>('/fund-app/mch-transfer/transfer-bills/out-bill-no/:no', async (request) =>
    transferView(findTransfer(ctx, request.params.no), ctx.keys.mchid),
  );
}

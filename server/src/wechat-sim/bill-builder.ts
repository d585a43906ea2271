import { FundFlowBillRow, TradeBillRow, writeFundFlowBill, writeTradeBill } from '../wechat/protocol/bills';
import { billDateOf, formatBillTime } from '../wechat/protocol/time';
import type { BillType } from '../wechat/protocol/types';
import type { BillFaults, SimState } from './store';

/** The simulated merchant pays 0.6 % per payment (the usual mini-program rate), rounded to the fen. */
const FEE_RATE = 0.006;
const fee = (fen: number) => Math.round(fen * FEE_RATE);

const at = (iso: string) => new Date(iso);

/** Every trade-bill line for `date`, before faults: payments by success date, refunds by refund success date. */
function tradeRows(state: SimState, date: string): TradeBillRow[] {
  const rows: TradeBillRow[] = [];
  const common = (o: SimState['orders'][string]) => ({
    appid: o.appid, mchid: o.mchid, subMchid: '0', deviceInfo: '', transactionId: o.transaction_id!, outTradeNo: o.out_trade_no,
    openid: o.openid, tradeType: 'JSAPI', bankType: 'OTHERS', currency: 'CNY', couponFen: 0, description: o.description,
    attach: o.attach ?? '', feeRate: '0.60%', feeRemark: '',
  });
  for (const o of Object.values(state.orders)) {
    if (!o.success_time || billDateOf(at(o.success_time)) !== date) continue;
    rows.push({
      ...common(o), tradeTime: formatBillTime(at(o.success_time)), tradeState: 'SUCCESS', settlementTotalFen: o.total,
      refundId: '0', outRefundNo: '0', refundFen: 0, couponRefundFen: 0, refundType: '', refundStatus: '',
      feeFen: fee(o.total), orderTotalFen: o.total, requestedRefundFen: 0,
    });
  }
  for (const r of Object.values(state.refunds)) {
    if (r.status !== 'SUCCESS' || billDateOf(at(r.success_time!)) !== date) continue;
    const o = state.orders[r.out_trade_no];
    rows.push({
      ...common(o), tradeTime: formatBillTime(at(r.success_time!)), tradeState: 'REFUND', settlementTotalFen: 0,
      refundApplyTime: formatBillTime(at(r.create_time)), refundSuccessTime: formatBillTime(at(r.success_time!)),
      refundId: r.refund_id, outRefundNo: r.out_refund_no, refundFen: r.refund, couponRefundFen: 0, refundType: 'ORIGINAL',
      refundStatus: 'SUCCESS', feeFen: -fee(r.refund), orderTotalFen: 0, requestedRefundFen: r.refund,
    });
  }
  return rows.sort((a, b) => a.tradeTime.localeCompare(b.tradeTime));
}

type Movement = Omit<FundFlowBillRow, 'balanceFen' | 'flowNo' | 'applicant' | 'remark'> & { at: string };

/** Every movement of the basic account, all dates, oldest first, so balances can run across days. */
function movements(state: SimState): Movement[] {
  const list: Movement[] = [];
  const add = (iso: string, businessNo: string, name: string, direction: '收入' | '支出', amountFen: number, voucherNo: string) =>
    amountFen > 0 && list.push({ at: iso, bookTime: formatBillTime(at(iso)), businessNo, businessName: name, businessType: name, direction, amountFen, voucherNo });
  for (const o of Object.values(state.orders)) {
    if (!o.success_time) continue;
    add(o.success_time, o.transaction_id!, '交易', '收入', o.total, o.out_trade_no);
    add(o.success_time, o.transaction_id!, '扣除交易手续费', '支出', fee(o.total), o.out_trade_no);
  }
  for (const r of Object.values(state.refunds)) {
    if (r.status !== 'SUCCESS') continue;
    add(r.success_time!, r.refund_id, '退款', '支出', r.refund, r.out_refund_no);
    add(r.success_time!, r.refund_id, '退还交易手续费', '收入', fee(r.refund), r.out_refund_no);
  }
  for (const t of Object.values(state.transfers)) {
    if (t.state === 'SUCCESS') add(t.update_time, t.transfer_bill_no, '商家转账', '支出', t.transfer_amount, t.out_bill_no);
  }
  return list.sort((a, b) => a.at.localeCompare(b.at));
}

function fundFlowRows(state: SimState, date: string): FundFlowBillRow[] {
  let balance = 0;
  const rows: FundFlowBillRow[] = [];
  movements(state).forEach((m, i) => {
    balance += m.direction === '收入' ? m.amountFen : -m.amountFen;
    if (billDateOf(at(m.at)) !== date) return;
    const { at: _at, ...fields } = m;
    rows.push({ ...fields, flowNo: `${date.replace(/-/g, '')}${String(i + 1).padStart(12, '0')}`, balanceFen: balance, applicant: 'system', remark: '' });
  });
  return rows;
}

/** An order WeChat knows and the merchant does not, stable per date so repeated requests agree. */
function unknownOrderRows(date: string, appid: string, mchid: string): { trade: TradeBillRow; flow: FundFlowBillRow } {
  const d = date.replace(/-/g, '');
  const outTradeNo = `SIMUNKNOWN${d}`;
  const transactionId = `4200${d}9999999999999999`;
  const time = `${date} 12:00:00`;
  return {
    trade: {
      tradeTime: time, appid, mchid, subMchid: '0', deviceInfo: '', transactionId, outTradeNo, openid: 'sim-openid-unknown',
      tradeType: 'JSAPI', tradeState: 'SUCCESS', bankType: 'OTHERS', currency: 'CNY', settlementTotalFen: 100, couponFen: 0,
      refundId: '0', outRefundNo: '0', refundFen: 0, couponRefundFen: 0, refundType: '', refundStatus: '', description: '未知订单',
      attach: '', feeFen: 1, feeRate: '0.60%', orderTotalFen: 100, requestedRefundFen: 0, feeRemark: '',
    },
    flow: {
      bookTime: time, businessNo: transactionId, flowNo: `${d}999999999999`, businessName: '交易', businessType: '交易', direction: '收入',
      amountFen: 100, balanceFen: 0, applicant: 'system', remark: '', voucherNo: outTradeNo,
    },
  };
}

function applyTradeFaults(rows: TradeBillRow[], faults: BillFaults, unknown: TradeBillRow): TradeBillRow[] {
  let out = faults.dropLine ? rows.filter((r) => r.outTradeNo !== faults.dropLine) : rows;
  const alter = faults.alterAmount;
  if (alter) {
    out = out.map((r) =>
      r.outTradeNo === alter.out_trade_no && r.tradeState === 'SUCCESS'
        ? { ...r, settlementTotalFen: r.settlementTotalFen + alter.deltaFen, orderTotalFen: (r.orderTotalFen ?? 0) + alter.deltaFen }
        : r,
    );
  }
  return faults.unknownOrder ? [...out, unknown] : out;
}

function applyFlowFaults(rows: FundFlowBillRow[], faults: BillFaults, unknown: FundFlowBillRow): FundFlowBillRow[] {
  let out = faults.dropLine ? rows.filter((r) => r.voucherNo !== faults.dropLine) : rows;
  const alter = faults.alterAmount;
  if (alter) out = out.map((r) => (r.voucherNo === alter.out_trade_no && r.businessType === '交易' ? { ...r, amountFen: r.amountFen + alter.deltaFen } : r));
  return faults.unknownOrder ? [...out, unknown] : out;
}

const TYPE_FILTER: Record<BillType, (r: TradeBillRow) => boolean> = {
  ALL: () => true,
  SUCCESS: (r) => r.tradeState === 'SUCCESS',
  REFUND: (r) => r.tradeState === 'REFUND',
};

/** The trade bill file for `date`, or null when there was nothing that day (WeChat then has no bill). */
export function buildTradeBill(state: SimState, date: string, billType: BillType, appid: string, mchid: string): Buffer | null {
  const rows = applyTradeFaults(tradeRows(state, date), state.billFaults, unknownOrderRows(date, appid, mchid).trade).filter(TYPE_FILTER[billType]);
  return rows.length ? writeTradeBill(rows, billType) : null;
}

export function buildFundFlowBill(state: SimState, date: string, appid: string, mchid: string): Buffer | null {
  const rows = applyFlowFaults(fundFlowRows(state, date), state.billFaults, unknownOrderRows(date, appid, mchid).flow);
  return rows.length ? writeFundFlowBill(rows) : null;
}

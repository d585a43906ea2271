import { fenToYuan, type FundFlowBillSummary, type TradeBillSummary } from '../wechat/protocol/bills';

/** What did not simply match; matched lines are only counted. */
export const CATEGORIES = ['MISSING_LOCAL', 'MISSING_AT_WECHAT', 'AMOUNT_MISMATCH', 'STATUS_MISMATCH'] as const;
export type Category = (typeof CATEGORIES)[number];
/** TRADE: a payment (out_trade_no); REFUND: out_refund_no; TRANSFER: a merchant transfer (out_bill_no). */
export type ItemKind = 'TRADE' | 'REFUND' | 'TRANSFER';

export interface ReconciliationItemRecord {
  id: string;
  category: Category;
  kind: ItemKind;
  reference: string;
  localFen: number | null;
  wechatFen: number | null;
  localState: string | null;
  wechatState: string | null;
  repaired: boolean;
  detail: string;
}

export interface CountFen {
  count: number;
  fen: number;
}

/** Stored on a DONE run (`reconciliation_runs.summary`) and printed by the CLI. */
export interface ReconciliationSummary {
  billDate: string;
  /** Lines that matched, per kind (a line met on another day's local records counts here too). */
  matched: { trade: number; refund: number; transfer: number };
  categories: Record<Category, number>;
  /** MISSING_LOCAL payments applied by querying WeChat Pay, refunds finalised the same way. */
  repaired: number;
  trade: {
    /** false when WeChat had no bill (no business that day). */
    present: boolean;
    lines: number;
    payments: CountFen;
    refunds: CountFen;
    /** Σ 手续费 of the lines (refund lines carry the returned fee, negative). */
    feeFen: number;
    summary: TradeBillSummary | null;
  };
  fundFlow: {
    present: boolean;
    lines: number;
    incomeFen: number;
    expenseFen: number;
    transfers: CountFen;
    /** 扣除交易手续费 − 退还交易手续费. */
    feeFen: number;
    summary: FundFlowBillSummary | null;
  };
  /** The fee in the trade bill against the fee the fund-flow bill actually took. */
  fees: { tradeBillFen: number; fundFlowFen: number; ok: boolean };
  /** The local records of the day before any repair. */
  local: { payments: CountFen; refunds: CountFen; transfers: CountFen };
  /**
   * The clearing account's PAYMENT and REFUND postings for the day's payments and refunds (the
   * local ones of the day plus those the bill lists), against the bill.
   */
  ledger: { paymentsFen: number; refundsFen: number; billPaymentsFen: number; billRefundsFen: number; paymentsDiffFen: number; refundsDiffFen: number; ok: boolean };
  durationMs: number;
  /** Where the time went: download (both files, SHA1), local (the day's records), trade, fundflow, repair, ledger, report (CSV). */
  phasesMs: Record<string, number>;
}

export function emptyCategories(): Record<Category, number> {
  return { MISSING_LOCAL: 0, MISSING_AT_WECHAT: 0, AMOUNT_MISMATCH: 0, STATUS_MISMATCH: 0 };
}

export const CATEGORY_LABELS: Record<Category, string> = {
  MISSING_LOCAL: '本地缺失',
  MISSING_AT_WECHAT: '微信缺失',
  AMOUNT_MISMATCH: '金额不符',
  STATUS_MISMATCH: '状态不符',
};
const KIND_LABELS: Record<ItemKind, string> = { TRADE: '支付', REFUND: '退款', TRANSFER: '转账' };

// ---------------------------------------------------------------- CSV

/** UTF-8 with a BOM so that spreadsheet programs in China open the Chinese headers correctly. */
export const CSV_HEADER = '\uFEFF类别,类别代码,类型,单号,本地金额(元),微信金额(元),本地状态,微信状态,已自动修复,说明\r\n';

function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

const yuan = (fen: number | null) => (fen === null ? '' : fenToYuan(fen));

export function csvLine(item: Omit<ReconciliationItemRecord, 'id'>): string {
  return [
    CATEGORY_LABELS[item.category],
    item.category,
    KIND_LABELS[item.kind],
    item.reference,
    yuan(item.localFen),
    yuan(item.wechatFen),
    item.localState ?? '',
    item.wechatState ?? '',
    item.repaired ? '是' : '否',
    item.detail,
  ]
    .map(csvField)
    .join(',') + '\r\n';
}

/** The summary as two-column rows (the CLI prints them as a table). */
export function summaryRows(s: ReconciliationSummary): { 项目: string; 数值: string }[] {
  const money = (fen: number) => `${fenToYuan(fen)} 元`;
  const row = (项目: string, 数值: string | number) => ({ 项目, 数值: String(数值) });
  return [
    row('账单日期', s.billDate),
    row('交易账单行数', s.trade.present ? s.trade.lines : '无账单'),
    row('资金账单行数', s.fundFlow.present ? s.fundFlow.lines : '无账单'),
    row('已匹配（支付/退款/转账）', `${s.matched.trade} / ${s.matched.refund} / ${s.matched.transfer}`),
    ...Object.entries(s.categories).map(([c, n]) => row(CATEGORY_LABELS[c as Category], n)),
    row('已自动修复', s.repaired),
    row('微信支付金额', `${money(s.trade.payments.fen)}（${s.trade.payments.count} 笔）`),
    row('微信退款金额', `${money(s.trade.refunds.fen)}（${s.trade.refunds.count} 笔）`),
    row('手续费（交易账单/资金账单）', `${money(s.fees.tradeBillFen)} / ${money(s.fees.fundFlowFen)}${s.fees.ok ? '' : ' 不一致'}`),
    row('账本支付/退款', `${money(s.ledger.paymentsFen)} / ${money(s.ledger.refundsFen)}`),
    row('账本差额（支付/退款）', `${money(s.ledger.paymentsDiffFen)} / ${money(s.ledger.refundsDiffFen)}${s.ledger.ok ? '' : ' 不平'}`),
    row('商家转账', `${money(s.fundFlow.transfers.fen)}（${s.fundFlow.transfers.count} 笔）`),
    row('耗时', `${(s.durationMs / 1000).toFixed(1)} 秒`),
  ];
}

import { StringDecoder } from 'node:string_decoder';
import type { BillType } from './types';

/**
 * WeChat Pay bill files: UTF-8 with BOM, CRLF, a header row, detail rows whose every field
 * starts with a backtick (so spreadsheets keep long numbers as text), a summary header row and
 * one summary row. Amounts are yuan with two decimals; here they become integer fen.
 * Columns are mapped by header name because the SUCCESS, REFUND and ALL bills differ.
 */

type ColumnType = 'text' | 'yuan' | 'int';
type ColumnDef = readonly [header: string, key: string, type: ColumnType];
type Value<T extends ColumnType> = T extends 'text' ? string : number;
type RowOf<C extends readonly ColumnDef[]> = { [E in C[number] as E[1]]: Value<E[2]> };

const TRADE_COLUMNS = [
  ['交易时间', 'tradeTime', 'text'],
  ['公众账号ID', 'appid', 'text'],
  ['商户号', 'mchid', 'text'],
  ['特约商户号', 'subMchid', 'text'],
  ['设备号', 'deviceInfo', 'text'],
  ['微信订单号', 'transactionId', 'text'],
  ['商户订单号', 'outTradeNo', 'text'],
  ['用户标识', 'openid', 'text'],
  ['交易类型', 'tradeType', 'text'],
  ['交易状态', 'tradeState', 'text'],
  ['付款银行', 'bankType', 'text'],
  ['货币种类', 'currency', 'text'],
  ['应结订单金额', 'settlementTotalFen', 'yuan'],
  ['代金券金额', 'couponFen', 'yuan'],
  ['退款申请时间', 'refundApplyTime', 'text'],
  ['退款成功时间', 'refundSuccessTime', 'text'],
  ['微信退款单号', 'refundId', 'text'],
  ['商户退款单号', 'outRefundNo', 'text'],
  ['退款金额', 'refundFen', 'yuan'],
  ['充值券退款金额', 'couponRefundFen', 'yuan'],
  ['退款类型', 'refundType', 'text'],
  ['退款状态', 'refundStatus', 'text'],
  ['商品名称', 'description', 'text'],
  ['商户数据包', 'attach', 'text'],
  ['手续费', 'feeFen', 'yuan'],
  ['费率', 'feeRate', 'text'],
  ['订单金额', 'orderTotalFen', 'yuan'],
  ['申请退款金额', 'requestedRefundFen', 'yuan'],
  ['费率备注', 'feeRemark', 'text'],
] as const satisfies readonly ColumnDef[];

const TRADE_SUMMARY_COLUMNS = [
  ['总交易单数', 'count', 'int'],
  ['应结订单总金额', 'settlementTotalFen', 'yuan'],
  ['退款总金额', 'refundFen', 'yuan'],
  ['充值券退款总金额', 'couponRefundFen', 'yuan'],
  ['手续费总金额', 'feeFen', 'yuan'],
  ['订单总金额', 'orderTotalFen', 'yuan'],
  ['申请退款总金额', 'requestedRefundFen', 'yuan'],
] as const satisfies readonly ColumnDef[];

const FUND_FLOW_COLUMNS = [
  ['记账时间', 'bookTime', 'text'],
  ['微信支付业务单号', 'businessNo', 'text'],
  ['资金流水单号', 'flowNo', 'text'],
  ['业务名称', 'businessName', 'text'],
  ['业务类型', 'businessType', 'text'],
  ['收支类型', 'direction', 'text'],
  ['收支金额(元)', 'amountFen', 'yuan'],
  ['账户结余(元)', 'balanceFen', 'yuan'],
  ['资金变更提交申请人', 'applicant', 'text'],
  ['备注', 'remark', 'text'],
  ['业务凭证号', 'voucherNo', 'text'],
] as const satisfies readonly ColumnDef[];

const FUND_FLOW_SUMMARY_COLUMNS = [
  ['资金流水总笔数', 'count', 'int'],
  ['收入笔数', 'incomeCount', 'int'],
  ['收入金额', 'incomeFen', 'yuan'],
  ['支出笔数', 'expenseCount', 'int'],
  ['支出金额', 'expenseFen', 'yuan'],
] as const satisfies readonly ColumnDef[];

type AllTradeFields = RowOf<typeof TRADE_COLUMNS>;
type TradeCore = 'tradeTime' | 'transactionId' | 'outTradeNo' | 'tradeState' | 'settlementTotalFen';
/** A trade bill line; fields of columns the bill variant lacks are undefined. */
export type TradeBillRow = Pick<AllTradeFields, TradeCore> & Partial<Omit<AllTradeFields, TradeCore>>;
export type TradeBillSummary = RowOf<typeof TRADE_SUMMARY_COLUMNS>;
export type FundFlowBillRow = RowOf<typeof FUND_FLOW_COLUMNS>;
export type FundFlowBillSummary = RowOf<typeof FUND_FLOW_SUMMARY_COLUMNS>;

/** The headers, in WeChat's order, of each trade bill variant. */
const TRADE_HEADERS: Record<BillType, string[]> = {
  ALL: ['交易时间', '公众账号ID', '商户号', '特约商户号', '设备号', '微信订单号', '商户订单号', '用户标识', '交易类型', '交易状态', '付款银行', '货币种类', '应结订单金额', '代金券金额', '微信退款单号', '商户退款单号', '退款金额', '充值券退款金额', '退款类型', '退款状态', '商品名称', '商户数据包', '手续费', '费率', '订单金额', '申请退款金额', '费率备注'],
  SUCCESS: ['交易时间', '公众账号ID', '商户号', '特约商户号', '设备号', '微信订单号', '商户订单号', '用户标识', '交易类型', '交易状态', '付款银行', '货币种类', '应结订单金额', '代金券金额', '商品名称', '商户数据包', '手续费', '费率', '订单金额', '费率备注'],
  REFUND: ['交易时间', '公众账号ID', '商户号', '特约商户号', '设备号', '微信订单号', '商户订单号', '用户标识', '交易类型', '交易状态', '付款银行', '货币种类', '应结订单金额', '代金券金额', '退款申请时间', '退款成功时间', '微信退款单号', '商户退款单号', '退款金额', '充值券退款金额', '退款类型', '退款状态', '商品名称', '商户数据包', '手续费', '费率', '订单金额', '申请退款金额', '费率备注'],
};

export class BillFormatError extends Error {
  constructor(message: string, readonly line?: number) {
    super(line === undefined ? message : `${message} (line ${line})`);
    this.name = 'BillFormatError';
  }
}

export function fenToYuan(fen: number): string {
  if (!Number.isSafeInteger(fen)) throw new Error(`amount must be whole fen, got ${fen}`);
  const abs = Math.abs(fen);
  return `${fen < 0 ? '-' : ''}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

/** Parses yuan without floating point; accepts 0–2 decimals because older bills print `0.0`. */
export function yuanToFen(yuan: string): number {
  const m = /^(-?)(\d+)(?:\.(\d{1,2}))?$/.exec(yuan);
  if (!m) throw new Error(`not a yuan amount: ${JSON.stringify(yuan)}`);
  const fen = Number(m[2]) * 100 + Number((m[3] ?? '').padEnd(2, '0'));
  return m[1] ? -fen : fen;
}

interface BillSpec {
  name: string;
  columns: readonly ColumnDef[];
  required: readonly string[];
  summaryColumns: readonly ColumnDef[];
}

const TRADE_SPEC: BillSpec = {
  name: 'trade bill',
  columns: TRADE_COLUMNS,
  required: ['交易时间', '微信订单号', '商户订单号', '交易状态', '应结订单金额'],
  summaryColumns: TRADE_SUMMARY_COLUMNS,
};

const FUND_FLOW_SPEC: BillSpec = {
  name: 'fund-flow bill',
  columns: FUND_FLOW_COLUMNS,
  required: FUND_FLOW_COLUMNS.map((c) => c[0]),
  summaryColumns: FUND_FLOW_SUMMARY_COLUMNS,
};

// ---------------------------------------------------------------- writing

const BOM = '\uFEFF';
const CRLF = '\r\n';

/** Bill fields are not quoted, so a comma or line break inside one would shift columns. */
function cleanField(value: string): string {
  return value.replace(/,/g, '，').replace(/[\r\n]+/g, ' ');
}

function formatValue(type: ColumnType, value: unknown): string {
  if (value === undefined || value === null) return '';
  if (type === 'yuan') return fenToYuan(value as number);
  return cleanField(String(value));
}

function writeBill(spec: BillSpec, headers: readonly string[], rows: readonly Record<string, unknown>[], summary: Record<string, number>): Buffer {
  const byHeader = new Map(spec.columns.map((c) => [c[0], c]));
  const lines = [headers.join(',')];
  for (const row of rows) {
    lines.push(headers.map((h) => { const [, key, type] = byHeader.get(h)!; return `\`${formatValue(type, row[key])}`; }).join(','));
  }
  lines.push(spec.summaryColumns.map((c) => c[0]).join(','));
  lines.push(spec.summaryColumns.map(([, key, type]) => `\`${type === 'int' ? String(summary[key]) : fenToYuan(summary[key])}`).join(','));
  return Buffer.from(BOM + lines.join(CRLF) + CRLF, 'utf8');
}

const sum = <R>(rows: readonly R[], pick: (r: R) => number | undefined) => rows.reduce((acc, r) => acc + (pick(r) ?? 0), 0);

/** Writes a trade bill of the given variant; the summary is computed from the rows. */
export function writeTradeBill(rows: readonly TradeBillRow[], billType: BillType): Buffer {
  const summary: TradeBillSummary = {
    count: rows.length,
    settlementTotalFen: sum(rows, (r) => r.settlementTotalFen),
    refundFen: sum(rows, (r) => r.refundFen),
    couponRefundFen: sum(rows, (r) => r.couponRefundFen),
    feeFen: sum(rows, (r) => r.feeFen),
    orderTotalFen: sum(rows, (r) => r.orderTotalFen),
    requestedRefundFen: sum(rows, (r) => r.requestedRefundFen),
  };
  return writeBill(TRADE_SPEC, TRADE_HEADERS[billType], rows, summary);
}

/** Writes a fund-flow bill; the summary is computed from the rows. */
export function writeFundFlowBill(rows: readonly FundFlowBillRow[]): Buffer {
  const income = rows.filter((r) => r.direction === '收入');
  const expense = rows.filter((r) => r.direction === '支出');
  const summary: FundFlowBillSummary = {
    count: rows.length,
    incomeCount: income.length,
    incomeFen: sum(income, (r) => r.amountFen),
    expenseCount: expense.length,
    expenseFen: sum(expense, (r) => r.amountFen),
  };
  return writeBill(FUND_FLOW_SPEC, FUND_FLOW_COLUMNS.map((c) => c[0]), rows, summary);
}

// ---------------------------------------------------------------- parsing

export type BillRecord<R, S> = { type: 'row'; row: R; line: number } | { type: 'summary'; summary: S; line: number };

/** Splits a byte or string stream into lines without buffering the whole file; decodes UTF-8 across chunk edges. */
export async function* splitLines(source: AsyncIterable<Buffer | string>): AsyncGenerator<string> {
  const decoder = new StringDecoder('utf8');
  let pending = '';
  for await (const chunk of source) {
    pending += typeof chunk === 'string' ? chunk : decoder.write(chunk);
    let nl: number;
    while ((nl = pending.indexOf('\n')) >= 0) {
      yield pending.slice(0, nl).replace(/\r$/, '');
      pending = pending.slice(nl + 1);
    }
  }
  pending += decoder.end();
  if (pending) yield pending.replace(/\r$/, '');
}

function convert(type: ColumnType, raw: string, header: string, line: number): string | number {
  if (type === 'text') return raw;
  if (type === 'int') {
    if (!/^\d+$/.test(raw)) throw new BillFormatError(`column ${header}: not a count: ${JSON.stringify(raw)}`, line);
    return Number(raw);
  }
  try {
    return yuanToFen(raw);
  } catch (err) {
    throw new BillFormatError(`column ${header}: ${(err as Error).message}`, line);
  }
}

/** Strips the backtick every data field starts with; a field without one means a malformed line. */
function dataFields(text: string, line: number): string[] {
  return text.split(',').map((f, i) => {
    if (!f.startsWith('`')) throw new BillFormatError(`field ${i + 1} is not backtick-prefixed`, line);
    return f.slice(1);
  });
}

function mapRow(defs: (ColumnDef | undefined)[], headers: string[], fields: string[], line: number): Record<string, string | number> {
  if (fields.length !== headers.length) throw new BillFormatError(`expected ${headers.length} fields, got ${fields.length}`, line);
  const row: Record<string, string | number> = {};
  defs.forEach((def, i) => {
    if (def && (def[2] === 'text' || fields[i] !== '')) row[def[1]] = convert(def[2], fields[i], headers[i], line);
  });
  return row;
}

async function* parseBill(spec: BillSpec, source: AsyncIterable<Buffer | string>): AsyncGenerator<BillRecord<Record<string, string | number>, Record<string, number>>> {
  const known = new Map(spec.columns.map((c) => [c[0], c]));
  const summaryHeader = spec.summaryColumns.map((c) => c[0]).join(',');
  let lineNo = 0;
  let headers: string[] | undefined;
  let defs: (ColumnDef | undefined)[] = [];
  let rows = 0;
  let state: 'header' | 'rows' | 'summary' | 'done' = 'header';
  for await (const raw of splitLines(source)) {
    lineNo++;
    const text = lineNo === 1 ? raw.replace(/^\uFEFF/, '') : raw;
    if (state === 'done') {
      if (text.trim() !== '') throw new BillFormatError(`unexpected content after the summary row`, lineNo);
      continue;
    }
    if (state === 'header') {
      headers = text.split(',').map((h) => h.trim());
      const unknown = headers.filter((h) => !known.has(h));
      if (unknown.length) throw new BillFormatError(`${spec.name}: unknown column(s) ${unknown.join(', ')}`, lineNo);
      const missing = spec.required.filter((h) => !headers!.includes(h));
      if (missing.length) throw new BillFormatError(`${spec.name}: missing required column(s) ${missing.join(', ')}`, lineNo);
      defs = headers.map((h) => known.get(h));
      state = 'rows';
    } else if (state === 'rows') {
      if (text === summaryHeader) {
        state = 'summary';
        continue;
      }
      if (text.trim() === '') throw new BillFormatError(`${spec.name}: blank line before the summary`, lineNo);
      rows++;
      yield { type: 'row', row: mapRow(defs, headers!, dataFields(text, lineNo), lineNo), line: lineNo };
    } else {
      const fields = dataFields(text, lineNo);
      const summary = mapRow([...spec.summaryColumns], spec.summaryColumns.map((c) => c[0]), fields, lineNo) as Record<string, number>;
      if (summary.count !== rows) throw new BillFormatError(`${spec.name}: summary counts ${summary.count} lines but the file has ${rows}`, lineNo);
      state = 'done';
      yield { type: 'summary', summary, line: lineNo };
    }
  }
  if (state === 'header') throw new BillFormatError(`${spec.name}: empty file`);
  if (state !== 'done') throw new BillFormatError(`${spec.name}: truncated, no summary row after ${rows} line(s)`);
}

/**
 * Streams a trade bill: one `row` record per line, then exactly one `summary` record. Throws
 * BillFormatError on unknown or missing required columns, malformed lines, or a file that ends
 * without its summary (truncated download).
 */
export function parseTradeBill(source: AsyncIterable<Buffer | string>): AsyncGenerator<BillRecord<TradeBillRow, TradeBillSummary>> {
  return parseBill(TRADE_SPEC, source) as AsyncGenerator<BillRecord<TradeBillRow, TradeBillSummary>>;
}

/** Streams a fund-flow bill, with the same guarantees as parseTradeBill. */
export function parseFundFlowBill(source: AsyncIterable<Buffer | string>): AsyncGenerator<BillRecord<FundFlowBillRow, FundFlowBillSummary>> {
  return parseBill(FUND_FLOW_SPEC, source) as AsyncGenerator<BillRecord<FundFlowBillRow, FundFlowBillSummary>>;
}

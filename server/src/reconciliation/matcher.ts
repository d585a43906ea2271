import { randomUUID } from 'node:crypto';
import type { FundFlowBillRow, TradeBillRow } from '../wechat/protocol/bills';
import { fingerprint, KeyIndex } from './key-index';
import { Category, CountFen, emptyCategories, ItemKind, ReconciliationItemRecord } from './report';

/** The local records of the bill date (see LocalRecords.loadDay). */
export interface DayIndexes {
  /** Paid orders (transaction id fingerprinted in the tag). */
  payments: KeyIndex;
  /** Refunds that succeeded that day. */
  refunds: KeyIndex;
  /** Payouts that succeeded that day. */
  transfers: KeyIndex;
}

export interface LocalPayment {
  amountFen: number;
  /** The order has a WeChat transaction recorded. */
  paid: boolean;
  status: string;
  transactionId: string | null;
}

export interface LocalState {
  amountFen: number;
  status: string;
}

/** Any local record by its merchant number, whatever its date or state (lines not in the day's records). */
export interface LocalLookup {
  payments(keys: string[]): Promise<Map<string, LocalPayment>>;
  refunds(keys: string[]): Promise<Map<string, LocalState>>;
  transfers(keys: string[]): Promise<Map<string, LocalState>>;
}

export interface ItemSink {
  add(item: ReconciliationItemRecord): Promise<void>;
}

/** A line that querying WeChat Pay may fix: a payment we never applied, a refund we never finalised. */
export interface RepairCandidate {
  itemId: string;
  kind: 'TRADE' | 'REFUND';
  reference: string;
}

interface BillLine {
  reference: string;
  fen: number;
  state: string;
  tag: number;
}

/** Lines looked up together: one query per this many lines missing from the day's records. */
const LOOKUP_BATCH = 1000;
const OPEN_REFUND_STATES = ['PENDING', 'PROCESSING'];
const TRANSFER_TYPES = ['商家转账'];

const countFen = (): CountFen => ({ count: 0, fen: 0 });

/**
 * Matches bill lines, one at a time as the parser streams them, against the day's local records
 * (in memory, compact) and, for lines not among them, against any local record by key (batched
 * queries). Every line that does not simply match becomes an item handed to the sink at once;
 * what the bill never mentioned is reported by `finish()`. Keeps only counters and totals.
 */
export class Matcher {
  readonly matched = { trade: 0, refund: 0, transfer: 0 };
  readonly categories = emptyCategories();
  readonly trade = { lines: 0, settlementFen: 0, payments: countFen(), refunds: countFen(), feeFen: 0 };
  readonly flow = { lines: 0, incomeFen: 0, expenseFen: 0, transfers: countFen(), feeFen: 0 };
  /** Bill lines met on local records outside the day's (another date, or not yet final): they belong to this day's totals against the ledger. */
  readonly otherDayPayments: string[] = [];
  readonly otherDayRefunds: string[] = [];
  readonly repairs: RepairCandidate[] = [];
  private readonly pending: Record<ItemKind, BillLine[]> = { TRADE: [], REFUND: [], TRANSFER: [] };

  constructor(
    private readonly day: DayIndexes,
    private readonly lookup: LocalLookup,
    private readonly sink: ItemSink,
    private readonly maxRepairs = 200,
  ) {}

  async tradeRow(row: TradeBillRow): Promise<void> {
    this.trade.lines++;
    this.trade.settlementFen += row.settlementTotalFen;
    this.trade.feeFen += row.feeFen ?? 0;
    if (row.tradeState === 'REFUND') {
      const fen = row.refundFen ?? 0;
      this.trade.refunds.count++;
      this.trade.refunds.fen += fen;
      await this.line('REFUND', this.day.refunds, { reference: row.outRefundNo ?? '', fen, state: row.refundStatus || 'SUCCESS', tag: 0 });
      return;
    }
    const fen = row.orderTotalFen ?? row.settlementTotalFen;
    if (row.tradeState === 'SUCCESS') {
      this.trade.payments.count++;
      this.trade.payments.fen += fen;
    }
    await this.line('TRADE', this.day.payments, { reference: row.outTradeNo, fen, state: row.tradeState, tag: fingerprint(row.transactionId) });
  }

  async flowRow(row: FundFlowBillRow): Promise<void> {
    this.flow.lines++;
    const income = row.direction === '收入';
    if (income) this.flow.incomeFen += row.amountFen;
    else this.flow.expenseFen += row.amountFen;
    if (row.businessType.includes('手续费')) this.flow.feeFen += income ? -row.amountFen : row.amountFen;
    if (!income && TRANSFER_TYPES.includes(row.businessType)) {
      this.flow.transfers.count++;
      this.flow.transfers.fen += row.amountFen;
      await this.line('TRANSFER', this.day.transfers, { reference: row.voucherNo, fen: row.amountFen, state: 'SUCCESS', tag: 0 });
    }
  }

  /** Resolves the lines still waiting for a lookup, then reports the day's records the bills never mentioned. */
  async finish(): Promise<void> {
    for (const kind of ['TRADE', 'REFUND', 'TRANSFER'] as const) await this.resolve(kind);
    const missing: [ItemKind, KeyIndex, string, string][] = [
      ['TRADE', this.day.payments, 'PAID', '本地已支付，微信交易账单中没有这笔支付'],
      ['REFUND', this.day.refunds, 'SUCCESS', '本地退款成功，微信交易账单中没有（若在零点前后完成，可能记在相邻日期的账单中）'],
      ['TRANSFER', this.day.transfers, 'SUCCESS', '本地转账成功，微信资金账单中没有'],
    ];
    for (const [kind, index, localState, detail] of missing) {
      for (const { key, amountFen } of index.unseen()) {
        await this.emit('MISSING_AT_WECHAT', { kind, reference: key, localFen: amountFen, wechatFen: null, localState, wechatState: null, detail });
      }
    }
  }

  private async line(kind: ItemKind, index: KeyIndex, line: BillLine): Promise<void> {
    const slot = index.find(line.reference);
    if (slot < 0) {
      this.pending[kind].push(line);
      if (this.pending[kind].length >= LOOKUP_BATCH) await this.resolve(kind);
      return;
    }
    if (!index.markSeen(slot)) {
      await this.emit('STATUS_MISMATCH', { kind, reference: line.reference, localFen: index.amountAt(slot), wechatFen: line.fen, localState: null, wechatState: line.state, detail: '同一单号在账单中出现了多次' });
      return;
    }
    const localTag = index.tagAt(slot);
    const tagDiffers = localTag !== 0 && line.tag !== 0 && localTag !== line.tag;
    await this.compare(kind, line, index.amountAt(slot), kind === 'TRADE' ? 'PAID' : 'SUCCESS', line.state !== 'SUCCESS' ? '微信状态不是成功' : tagDiffers ? '微信订单号与本地记录不一致' : null);
  }

  /** Looks up the waiting lines of one kind by key and classifies each. */
  private async resolve(kind: ItemKind): Promise<void> {
    const batch = this.pending[kind];
    if (!batch.length) return;
    this.pending[kind] = [];
    const keys = batch.map((l) => l.reference);
    if (kind === 'TRADE') {
      const found = await this.lookup.payments(keys);
      for (const line of batch) await this.tradeFromLookup(line, found.get(line.reference));
    } else if (kind === 'REFUND') {
      const found = await this.lookup.refunds(keys);
      for (const line of batch) await this.refundFromLookup(line, found.get(line.reference));
    } else {
      const found = await this.lookup.transfers(keys);
      for (const line of batch) await this.transferFromLookup(line, found.get(line.reference));
    }
  }

  private async tradeFromLookup(line: BillLine, local: LocalPayment | undefined): Promise<void> {
    const paidAtWechat = line.state === 'SUCCESS';
    if (local) this.otherDayPayments.push(line.reference);
    if (local?.paid) {
      const tag = fingerprint(local.transactionId);
      await this.compare('TRADE', line, local.amountFen, 'PAID', !paidAtWechat ? '微信状态不是成功' : tag !== line.tag && line.tag !== 0 ? '微信订单号与本地记录不一致' : null);
      return;
    }
    if (!paidAtWechat) {
      this.matched.trade++; // neither side took the money
      return;
    }
    const id = randomUUID();
    const repairable = local !== undefined && this.repairs.length < this.maxRepairs;
    if (repairable) this.repairs.push({ itemId: id, kind: 'TRADE', reference: line.reference });
    await this.emit(
      'MISSING_LOCAL',
      {
        kind: 'TRADE',
        reference: line.reference,
        localFen: local?.amountFen ?? null,
        wechatFen: line.fen,
        localState: local?.status ?? null,
        wechatState: line.state,
        detail: !local ? '本地没有这个订单（不是本平台下的单，或数据丢失）' : repairable ? '微信已支付，本地未记账' : '微信已支付，本地未记账（超过单次自动修复上限，未尝试修复）',
      },
      id,
    );
  }

  private async refundFromLookup(line: BillLine, local: LocalState | undefined): Promise<void> {
    if (!local) {
      await this.emit('MISSING_LOCAL', { kind: 'REFUND', reference: line.reference, localFen: null, wechatFen: line.fen, localState: null, wechatState: line.state, detail: '本地没有这笔退款（可能在商户平台手工退款）' });
      return;
    }
    this.otherDayRefunds.push(line.reference);
    const succeededAtWechat = line.state === 'SUCCESS';
    const open = OPEN_REFUND_STATES.includes(local.status);
    const problem = succeededAtWechat === (local.status === 'SUCCESS') ? null : succeededAtWechat ? '微信退款已成功，本地未完成' : '微信退款未成功，本地记为成功';
    const id = randomUUID();
    const category = await this.compare('REFUND', line, local.amountFen, local.status, problem, id);
    if (category === 'STATUS_MISMATCH' && succeededAtWechat && open && this.repairs.length < this.maxRepairs) {
      this.repairs.push({ itemId: id, kind: 'REFUND', reference: line.reference });
    }
  }

  private async transferFromLookup(line: BillLine, local: LocalState | undefined): Promise<void> {
    if (!local) {
      await this.emit('MISSING_LOCAL', { kind: 'TRANSFER', reference: line.reference, localFen: null, wechatFen: line.fen, localState: null, wechatState: line.state, detail: '本地没有这笔转账' });
      return;
    }
    await this.compare('TRANSFER', line, local.amountFen, local.status, local.status === 'SUCCESS' ? null : '微信已转出，本地未记为成功');
  }

  /** Amount first (it is what money disagrees on), then state; a clean line is only counted. */
  private async compare(kind: ItemKind, line: BillLine, localFen: number, localState: string, stateProblem: string | null, id?: string): Promise<Category | null> {
    if (localFen === line.fen && !stateProblem) {
      if (kind === 'TRADE') this.matched.trade++;
      else if (kind === 'REFUND') this.matched.refund++;
      else this.matched.transfer++;
      return null;
    }
    const category: Category = localFen !== line.fen ? 'AMOUNT_MISMATCH' : 'STATUS_MISMATCH';
    const detail = [localFen !== line.fen ? `金额不符：本地 ${localFen} 分，微信 ${line.fen} 分` : null, stateProblem].filter(Boolean).join('；');
    await this.emit(category, { kind, reference: line.reference, localFen, wechatFen: line.fen, localState, wechatState: line.state, detail }, id);
    return category;
  }

  private async emit(category: Category, item: Omit<ReconciliationItemRecord, 'id' | 'category' | 'repaired'>, id: string = randomUUID()): Promise<void> {
    this.categories[category]++;
    await this.sink.add({ id, category, repaired: false, ...item });
  }
}

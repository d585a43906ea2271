import type { FundFlowBillRow, TradeBillRow } from '../wechat/protocol/bills';
import { fingerprint, KeyIndex } from './key-index';
import { DayIndexes, LocalLookup, LocalPayment, LocalState, Matcher } from './matcher';
import type { ReconciliationItemRecord } from './report';

/** The matching rules on their own: the day's records and the by-key lookup as plain data. */
describe('Matcher', () => {
  const pay = (outTradeNo: string, fen: number, extra: Partial<TradeBillRow> = {}): TradeBillRow => ({
    tradeTime: '2025-04-01 12:00:00', transactionId: `tx-${outTradeNo}`, outTradeNo, tradeState: 'SUCCESS', settlementTotalFen: fen, orderTotalFen: fen, feeFen: Math.round(fen * 0.006), ...extra,
  });
  const refund = (outTradeNo: string, outRefundNo: string, fen: number): TradeBillRow => ({
    tradeTime: '2025-04-01 13:00:00', transactionId: `tx-${outTradeNo}`, outTradeNo, tradeState: 'REFUND', settlementTotalFen: 0, orderTotalFen: 0,
    outRefundNo, refundFen: fen, refundStatus: 'SUCCESS', feeFen: -Math.round(fen * 0.006),
  });
  const flow = (businessType: string, direction: '收入' | '支出', amountFen: number, voucherNo: string): FundFlowBillRow => ({
    bookTime: '2025-04-01 12:00:00', businessNo: 'b', flowNo: 'f', businessName: businessType, businessType, direction, amountFen, balanceFen: 0, applicant: 'system', remark: '', voucherNo,
  });

  function setup(local: { payments?: [string, number][]; refunds?: [string, number][]; transfers?: [string, number][] } = {}, elsewhere: { payments?: Record<string, LocalPayment>; refunds?: Record<string, LocalState>; transfers?: Record<string, LocalState> } = {}) {
    const day: DayIndexes = { payments: new KeyIndex(), refunds: new KeyIndex(), transfers: new KeyIndex() };
    for (const [k, fen] of local.payments ?? []) day.payments.add(k, fen, fingerprint(`tx-${k}`));
    for (const [k, fen] of local.refunds ?? []) day.refunds.add(k, fen);
    for (const [k, fen] of local.transfers ?? []) day.transfers.add(k, fen);
    const calls: string[][] = [];
    const pick = <T>(all: Record<string, T> | undefined, keys: string[]) => {
      calls.push(keys);
      return Promise.resolve(new Map(keys.filter((k) => all?.[k]).map((k) => [k, all![k]])));
    };
    const lookup: LocalLookup = {
      payments: (keys) => pick(elsewhere.payments, keys),
      refunds: (keys) => pick(elsewhere.refunds, keys),
      transfers: (keys) => pick(elsewhere.transfers, keys),
    };
    const items: ReconciliationItemRecord[] = [];
    const matcher = new Matcher(day, lookup, { add: async (i) => void items.push(i) }, 2);
    return { matcher, items, calls };
  }

  it('counts a clean day as matched and reports nothing', async () => {
    const { matcher, items } = setup({ payments: [['A', 1000], ['B', 2000]], refunds: [['RA', 300]], transfers: [['P1', 5000]] });
    for (const row of [pay('A', 1000), pay('B', 2000), refund('A', 'RA', 300)]) await matcher.tradeRow(row);
    for (const row of [flow('交易', '收入', 3000, 'A'), flow('扣除交易手续费', '支出', 18, 'A'), flow('退还交易手续费', '收入', 2, 'RA'), flow('商家转账', '支出', 5000, 'P1')]) await matcher.flowRow(row);
    await matcher.finish();
    expect(items).toEqual([]);
    expect(matcher.matched).toEqual({ trade: 2, refund: 1, transfer: 1 });
    expect(matcher.trade).toMatchObject({ lines: 3, payments: { count: 2, fen: 3000 }, refunds: { count: 1, fen: 300 }, feeFen: 6 + 12 - 2 });
    expect(matcher.flow).toMatchObject({ incomeFen: 3002, expenseFen: 5018, feeFen: 16, transfers: { count: 1, fen: 5000 } });
  });

  it('tells amount and status mismatches apart (amount first)', async () => {
    const { matcher, items } = setup({ payments: [['A', 1000], ['B', 2000], ['C', 3000]] });
    await matcher.tradeRow(pay('A', 999));
    await matcher.tradeRow(pay('B', 2000, { transactionId: 'tx-other' }));
    await matcher.tradeRow(pay('C', 3000, { tradeState: 'REVOKED' }));
    await matcher.finish();
    expect(items.map((i) => [i.category, i.reference, i.localFen, i.wechatFen])).toEqual([
      ['AMOUNT_MISMATCH', 'A', 1000, 999],
      ['STATUS_MISMATCH', 'B', 2000, 2000],
      ['STATUS_MISMATCH', 'C', 3000, 3000],
    ]);
    expect(items[1].detail).toContain('微信订单号');
  });

  it('reports lines missing locally, repairable only when the order is ours (and within the limit)', async () => {
    const unpaid = (status: string): LocalPayment => ({ amountFen: 1000, paid: false, status, transactionId: null });
    const { matcher, items } = setup({}, { payments: { U1: unpaid('PENDING_PAYMENT'), U2: unpaid('CLOSED'), U3: unpaid('PENDING_PAYMENT') } });
    for (const no of ['X', 'U1', 'U2', 'U3']) await matcher.tradeRow(pay(no, 1000));
    await matcher.finish();
    expect(items.map((i) => [i.category, i.reference, i.localState])).toEqual([
      ['MISSING_LOCAL', 'X', null],
      ['MISSING_LOCAL', 'U1', 'PENDING_PAYMENT'],
      ['MISSING_LOCAL', 'U2', 'CLOSED'],
      ['MISSING_LOCAL', 'U3', 'PENDING_PAYMENT'],
    ]);
    expect(matcher.repairs.map((r) => r.reference)).toEqual(['U1', 'U2']);
    expect(items[3].detail).toContain('上限');
    expect(matcher.repairs[0].itemId).toBe(items[1].id);
  });

  it('matches lines whose local record is dated another day, and keeps them for the ledger totals', async () => {
    const { matcher, items } = setup({}, { payments: { O: { amountFen: 500, paid: true, status: 'COMPLETED', transactionId: 'tx-O' } }, refunds: { RO: { amountFen: 100, status: 'SUCCESS' } } });
    await matcher.tradeRow(pay('O', 500));
    await matcher.tradeRow(refund('O', 'RO', 100));
    await matcher.finish();
    expect(items).toEqual([]);
    expect(matcher.matched).toMatchObject({ trade: 1, refund: 1 });
    expect(matcher.otherDayPayments).toEqual(['O']);
    expect(matcher.otherDayRefunds).toEqual(['RO']);
  });

  it('reports what the bills never mentioned as missing at WeChat', async () => {
    const { matcher, items } = setup({ payments: [['A', 1000], ['GONE', 700]], refunds: [['RGONE', 50]], transfers: [['PGONE', 2000]] });
    await matcher.tradeRow(pay('A', 1000));
    await matcher.finish();
    expect(items.map((i) => [i.category, i.kind, i.reference, i.localFen, i.wechatFen])).toEqual([
      ['MISSING_AT_WECHAT', 'TRADE', 'GONE', 700, null],
      ['MISSING_AT_WECHAT', 'REFUND', 'RGONE', 50, null],
      ['MISSING_AT_WECHAT', 'TRANSFER', 'PGONE', 2000, null],
    ]);
  });

  it('refunds: unknown → missing locally; still open locally → status mismatch to repair; closed locally → status mismatch', async () => {
    const { matcher, items } = setup({}, { refunds: { ROPEN: { amountFen: 100, status: 'PROCESSING' }, RCLOSED: { amountFen: 100, status: 'CLOSED' } } });
    for (const no of ['RX', 'ROPEN', 'RCLOSED']) await matcher.tradeRow(refund('A', no, 100));
    await matcher.finish();
    expect(items.map((i) => [i.category, i.reference, i.localState])).toEqual([
      ['MISSING_LOCAL', 'RX', null],
      ['STATUS_MISMATCH', 'ROPEN', 'PROCESSING'],
      ['STATUS_MISMATCH', 'RCLOSED', 'CLOSED'],
    ]);
    expect(matcher.repairs).toEqual([{ itemId: items[1].id, kind: 'REFUND', reference: 'ROPEN' }]);
  });

  it('transfers: unknown, not yet successful locally, different amount', async () => {
    const { matcher, items } = setup({ transfers: [['P1', 1000]] }, { transfers: { P2: { amountFen: 2000, status: 'WAIT_USER_CONFIRM' } } });
    await matcher.flowRow(flow('商家转账', '支出', 1001, 'P1'));
    await matcher.flowRow(flow('商家转账', '支出', 2000, 'P2'));
    await matcher.flowRow(flow('商家转账', '支出', 3000, 'P3'));
    await matcher.finish();
    expect(items.map((i) => [i.category, i.reference])).toEqual([
      ['AMOUNT_MISMATCH', 'P1'],
      ['STATUS_MISMATCH', 'P2'],
      ['MISSING_LOCAL', 'P3'],
    ]);
  });

  it('flags a line that appears twice', async () => {
    const { matcher, items } = setup({ payments: [['A', 1000]] });
    await matcher.tradeRow(pay('A', 1000));
    await matcher.tradeRow(pay('A', 1000));
    await matcher.finish();
    expect(items).toEqual([expect.objectContaining({ category: 'STATUS_MISMATCH', reference: 'A', detail: expect.stringContaining('多次') })]);
  });

  it('looks up lines missing from the day in batches of 1000, not one query per line', async () => {
    const { matcher, calls } = setup();
    for (let i = 0; i < 2500; i++) await matcher.tradeRow(pay(`N${i}`, 100));
    await matcher.finish();
    expect(calls.map((c) => c.length)).toEqual([1000, 1000, 500]);
    expect(matcher.categories.MISSING_LOCAL).toBe(2500);
  });
});

describe('KeyIndex', () => {
  it('grows past its initial capacity and keeps every entry', () => {
    const index = new KeyIndex();
    for (let i = 0; i < 5000; i++) index.add(`k${i}`, i, fingerprint(`t${i}`));
    expect(index.size).toBe(5000);
    expect(index.totalFen).toBe((4999 * 5000) / 2);
    const slot = index.find('k4321');
    expect([index.amountAt(slot), index.tagAt(slot)]).toEqual([4321, fingerprint('t4321')]);
    expect(index.find('nope')).toBe(-1);
    expect(index.markSeen(slot)).toBe(true);
    expect(index.markSeen(slot)).toBe(false);
    expect([...index.unseen()]).toHaveLength(4999);
  });
});

import { Readable } from 'node:stream';
import { parseFundFlowBill, parseTradeBill } from '../wechat/protocol/bills';
import { generateKeyMaterial } from '../wechat/protocol/dev-keys';
import { signRequest } from '../wechat/protocol/signing';
import { createSimulator, Simulator } from './simulator';

/** Bills written by the simulator from what it processed, read back with the streaming parser. */
describe('simulator bills round-trip through the protocol parser', () => {
  const keys = generateKeyMaterial();
  let clock = new Date('2025-04-01T03:00:00Z'); // 11:00 Beijing, 2025-04-01
  let sim: Simulator;

  async function pay(path: string, method = 'GET', body?: object): Promise<{ status: number; json: any }> {
    const json = body ? JSON.stringify(body) : '';
    const authorization = signRequest({ mchid: keys.mchid, serialNo: keys.merchant.serialNo, privateKey: keys.merchant.privateKeyPem }, { method, pathWithQuery: path, body: json });
    const res = await fetch(sim.url + path, { method, headers: { Authorization: authorization, ...(body ? { 'Content-Type': 'application/json' } : {}) }, body: body ? json : undefined });
    return { status: res.status, json: await res.json() };
  }
  async function download(kind: 'tradebill' | 'fundflowbill', query: string): Promise<Buffer> {
    const { json: bill } = await pay(`/v3/bill/${kind}?${query}`);
    const url = new URL(bill.download_url);
    const authorization = signRequest({ mchid: keys.mchid, serialNo: keys.merchant.serialNo, privateKey: keys.merchant.privateKeyPem }, { method: 'GET', pathWithQuery: url.pathname + url.search });
    return Buffer.from(await (await fetch(url, { headers: { Authorization: authorization } })).arrayBuffer());
  }
  const control = (path: string, body?: object) =>
    fetch(sim.url + path, { method: 'POST', headers: body ? { 'Content-Type': 'application/json' } : {}, body: body ? JSON.stringify(body) : undefined });
  async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
    const out: T[] = [];
    for await (const x of it) out.push(x);
    return out;
  }
  /** Feeds the file in 7-byte chunks so multi-byte characters and CRLFs straddle chunk edges. */
  const chunked = (buf: Buffer) => Readable.from(Array.from({ length: Math.ceil(buf.length / 7) }, (_, i) => buf.subarray(i * 7, i * 7 + 7)));

  beforeAll(async () => {
    sim = await createSimulator({ keys, now: () => clock, refundAutoCompleteMs: null });
    for (const [no, total] of [['BL0000000001', 1999], ['BL0000000002', 500], ['BL0000000003', 8800]] as const) {
      await pay('/v3/pay/transactions/jsapi', 'POST', {
        appid: keys.appid, mchid: keys.mchid, description: `倾听,服务 ${no}`, out_trade_no: no, notify_url: 'https://example.com/notify',
        amount: { total, currency: 'CNY' }, payer: { openid: 'o-bill' },
      });
      await control(`/__sim/pay/${no}/confirm`);
    }
    await pay('/v3/refund/domestic/refunds', 'POST', { out_trade_no: 'BL0000000003', out_refund_no: 'BR0000000003', amount: { refund: 800, total: 8800, currency: 'CNY' } });
    await control('/__sim/refunds/BR0000000003/complete');
    clock = new Date('2025-04-02T02:00:00Z'); // 10:00 Beijing the next day
  });
  afterAll(() => sim.close());
  afterEach(() => control('/__sim/bill-faults', {}));

  it('writes the exact format: BOM, CRLF, Chinese headers, backtick fields, summary rows', async () => {
    const file = await download('tradebill', 'bill_date=2025-04-01&bill_type=ALL');
    const text = file.toString('utf8');
    expect(text.startsWith('\uFEFF交易时间,公众账号ID,商户号,')).toBe(true);
    const lines = text.slice(1).split('\r\n');
    expect(lines.at(-1)).toBe('');
    expect(lines).toHaveLength(4 + 2 + 1 + 1); // header, 4 rows, summary header + row, trailing CRLF
    expect(text.replace(/\r\n/g, '')).not.toContain('\n');
    expect(lines[1].split(',').every((f) => f.startsWith('`'))).toBe(true);
    expect(lines[5]).toBe('总交易单数,应结订单总金额,退款总金额,充值券退款总金额,手续费总金额,订单总金额,申请退款总金额');
    expect(lines[6]).toBe('`4,`112.99,`8.00,`0.00,`0.63,`112.99,`8.00');
  });

  it('parses the trade bill back into the orders and refunds the simulator processed', async () => {
    const records = await collect(parseTradeBill(chunked(await download('tradebill', 'bill_date=2025-04-01&bill_type=ALL'))));
    const rows = records.flatMap((r) => (r.type === 'row' ? [r.row] : []));
    expect(rows.map((r) => [r.outTradeNo, r.tradeState, r.settlementTotalFen, r.refundFen])).toEqual([
      ['BL0000000001', 'SUCCESS', 1999, 0],
      ['BL0000000002', 'SUCCESS', 500, 0],
      ['BL0000000003', 'SUCCESS', 8800, 0],
      ['BL0000000003', 'REFUND', 0, 800],
    ]);
    expect(rows[0].description).toBe('倾听，服务 BL0000000001'); // an ASCII comma would shift the columns
    expect(records.at(-1)).toMatchObject({ type: 'summary', summary: { count: 4, settlementTotalFen: 11299, refundFen: 800 } });
  });

  it('serves SUCCESS and REFUND variants with their own columns', async () => {
    const success = (await collect(parseTradeBill(Readable.from([await download('tradebill', 'bill_date=2025-04-01&bill_type=SUCCESS')])))).filter((r) => r.type === 'row');
    expect(success).toHaveLength(3);
    const refund = (await collect(parseTradeBill(Readable.from([await download('tradebill', 'bill_date=2025-04-01&bill_type=REFUND')])))).flatMap((r) => (r.type === 'row' ? [r.row] : []));
    expect(refund).toEqual([expect.objectContaining({ outRefundNo: 'BR0000000003', refundFen: 800, refundApplyTime: '2025-04-01 11:00:00' })]);
  });

  it('parses the fund-flow bill: income, fee, refund, running balance', async () => {
    const records = await collect(parseFundFlowBill(chunked(await download('fundflowbill', 'bill_date=2025-04-01&account_type=BASIC'))));
    const rows = records.flatMap((r) => (r.type === 'row' ? [r.row] : []));
    expect(rows.filter((r) => r.businessType === '交易').map((r) => r.amountFen)).toEqual([1999, 500, 8800]);
    const summary = records.at(-1);
    expect(summary).toMatchObject({ type: 'summary', summary: { count: rows.length, incomeFen: 11299 + 5 } });
    expect(rows.at(-1)!.balanceFen).toBe(11299 - 800 - 68 + 5);
  });

  it.each([
    ['drops a line', { dropLine: 'BL0000000002' }, (rows: any[]) => expect(rows.map((r) => r.outTradeNo)).not.toContain('BL0000000002')],
    ['alters an amount', { alterAmount: { out_trade_no: 'BL0000000001', deltaFen: -1 } }, (rows: any[]) => expect(rows[0].settlementTotalFen).toBe(1998)],
    ['adds an unknown order', { unknownOrder: true }, (rows: any[]) => expect(rows.at(-1)).toMatchObject({ outTradeNo: 'SIMUNKNOWN20250401', settlementTotalFen: 100 })],
  ])('fault: %s', async (_name, faults, check) => {
    await control('/__sim/bill-faults', faults);
    const rows = (await collect(parseTradeBill(Readable.from([await download('tradebill', 'bill_date=2025-04-01')])))).flatMap((r) => (r.type === 'row' ? [r.row] : []));
    check(rows);
  });

  it('has no bill for a day without business, and none for today', async () => {
    expect((await pay('/v3/bill/tradebill?bill_date=2025-03-30')).json.code).toBe('NO_STATEMENT_EXIST');
    expect((await pay('/v3/bill/tradebill?bill_date=2025-04-02')).status).toBe(400);
  });
});

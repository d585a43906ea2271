import { Readable } from 'node:stream';
import { BillFormatError, fenToYuan, parseFundFlowBill, parseTradeBill, writeTradeBill, yuanToFen } from './bills';

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}
const lines = (...l: string[]) => Readable.from([Buffer.from(`\uFEFF${l.join('\r\n')}\r\n`)]);
const SUMMARY_HEADER = '总交易单数,应结订单总金额,退款总金额,充值券退款总金额,手续费总金额,订单总金额,申请退款总金额';

describe('bill files', () => {
  it('converts yuan and fen without floating point', () => {
    expect(fenToYuan(1999)).toBe('19.99');
    expect(fenToYuan(5)).toBe('0.05');
    expect(fenToYuan(-5)).toBe('-0.05');
    expect(yuanToFen('19.99')).toBe(1999);
    expect(yuanToFen('0.1')).toBe(10);
    expect(yuanToFen('-0.05')).toBe(-5);
    expect(() => yuanToFen('1.999')).toThrow();
  });

  it('maps columns by header name, whatever their order', async () => {
    const records = await collect(parseTradeBill(lines(
      '商户订单号,应结订单金额,交易状态,微信订单号,交易时间',
      '`A0001,`12.30,`SUCCESS,`4200001,`2025-01-01 10:00:00',
      SUMMARY_HEADER,
      '`1,`12.30,`0.00,`0.00,`0.00,`12.30,`0.00',
    )));
    expect(records[0]).toMatchObject({ type: 'row', row: { outTradeNo: 'A0001', settlementTotalFen: 1230, transactionId: '4200001' } });
    expect(records[1]).toMatchObject({ type: 'summary', summary: { count: 1 } });
  });

  it('rejects a truncated file (no summary row)', async () => {
    const file = writeTradeBill([{ tradeTime: '2025-01-01 10:00:00', transactionId: '42', outTradeNo: 'A1', tradeState: 'SUCCESS', settlementTotalFen: 100 }], 'ALL');
    const cut = file.subarray(0, file.indexOf(Buffer.from('总交易单数')));
    await expect(collect(parseTradeBill(Readable.from([cut])))).rejects.toThrow(/truncated, no summary row after 1 line/);
    expect(await collect(parseTradeBill(Readable.from([file])))).toHaveLength(2);
  });

  it('rejects unknown and missing required columns by name', async () => {
    await expect(collect(parseTradeBill(lines('交易时间,微信订单号,商户订单号,交易状态,应结订单金额,神秘列')))).rejects.toThrow(/unknown column\(s\) 神秘列/);
    await expect(collect(parseTradeBill(lines('交易时间,微信订单号,交易状态')))).rejects.toThrow(/missing required column\(s\) 商户订单号, 应结订单金额/);
    await expect(collect(parseFundFlowBill(lines('记账时间')))).rejects.toBeInstanceOf(BillFormatError);
  });

  it('rejects a line without backticks, a wrong field count and a summary that disagrees with the lines', async () => {
    const head = '交易时间,微信订单号,商户订单号,交易状态,应结订单金额';
    await expect(collect(parseTradeBill(lines(head, '2025-01-01 10:00:00,`1,`A,`SUCCESS,`1.00')))).rejects.toThrow(/not backtick-prefixed \(line 2\)/);
    await expect(collect(parseTradeBill(lines(head, '`2025-01-01 10:00:00,`1,`A')))).rejects.toThrow(/expected 5 fields, got 3/);
    await expect(collect(parseTradeBill(lines(head, '`2025-01-01 10:00:00,`1,`A,`SUCCESS,`1.00', SUMMARY_HEADER, '`2,`1.00,`0.00,`0.00,`0.00,`1.00,`0.00')))).rejects.toThrow(/summary counts 2 lines but the file has 1/);
  });
});

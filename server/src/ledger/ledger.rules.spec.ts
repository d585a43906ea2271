import { commissionOf, paymentLines, refundLines } from './ledger.rules';

const sum = (lines: { amountFen: number }[]) => lines.reduce((a, l) => a + l.amountFen, 0);
const of = (lines: { account: string; amountFen: number }[], account: string) => lines.filter((l) => l.account === account).reduce((a, l) => a + l.amountFen, 0);

describe('ledger rules', () => {
  it('rounds the commission up, in the platform\'s favour', () => {
    expect(commissionOf(2000, 30)).toBe(600);
    expect(commissionOf(1001, 30)).toBe(301); // 300.3 → 301
    expect(commissionOf(1, 30)).toBe(1);
    expect(commissionOf(0, 30)).toBe(0);
  });

  it('splits a payment into clearing, commission and the listener\'s held earnings, balanced', () => {
    const lines = paymentLines('L', 1001, 30);
    expect(lines).toEqual([
      { account: 'wechat:clearing', amountFen: 1001 },
      { account: 'platform:commission', amountFen: -301 },
      { account: 'listener:L:held', amountFen: -700 },
    ]);
    expect(sum(lines)).toBe(0);
  });

  it('reverses partial refunds proportionally and a full sequence of refunds exactly', () => {
    const total = 1001;
    const pay = paymentLines('L', total, 30);
    const parts = [333, 1, 500, 167];
    let before = 0;
    const all = [...pay];
    for (const amount of parts) {
      const lines = refundLines('L', total, 301, before, amount);
      expect(sum(lines)).toBe(0);
      expect(of(lines, 'wechat:clearing')).toBe(-amount);
      all.push(...lines);
      before += amount;
    }
    for (const account of ['wechat:clearing', 'platform:commission', 'listener:L:held']) expect(of(all, account)).toBe(0);
  });

  it('refuses a refund larger than what is left', () => {
    expect(() => refundLines('L', 1000, 300, 600, 401)).toThrow(RangeError);
    expect(() => refundLines('L', 1000, 300, 0, -1)).toThrow(RangeError);
  });
});

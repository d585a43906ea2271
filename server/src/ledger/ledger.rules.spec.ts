import { ACCOUNTS, clawbackLines, commissionOf, paymentLines, payoutPaidLines, payoutReserveLines, payoutReturnLines, refundLines, releaseLines } from './ledger.rules';

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
      const lines = refundLines('L', total, 301, before, amount, -of(all, 'listener:L:held'));
      expect(sum(lines)).toBe(0);
      expect(of(lines, 'wechat:clearing')).toBe(-amount);
      all.push(...lines);
      before += amount;
    }
    for (const account of ['wechat:clearing', 'platform:commission', 'listener:L:held']) expect(of(all, account)).toBe(0);
  });

  it('refuses a refund larger than what is left', () => {
    expect(() => refundLines('L', 1000, 300, 600, 401, 280)).toThrow(RangeError);
    expect(() => refundLines('L', 1000, 300, 0, -1, 700)).toThrow(RangeError);
  });

  describe('earnings after the dispute window', () => {
    // A listener's balance is minus the entries' sum (credits are negative); `+ 0` turns -0 into 0.
    const balance = (lines: { account: string; amountFen: number }[], account: string) => -of(lines, account) + 0;

    it('names the listener\'s accounts', () => {
      expect([ACCOUNTS.held('L'), ACCOUNTS.available('L'), ACCOUNTS.payoutPending('L')]).toEqual(['listener:L:held', 'listener:L:available', 'listener:L:payout']);
    });

    it('releases held earnings to withdrawable, balanced', () => {
      const lines = [...paymentLines('L', 2000, 30), ...releaseLines('L', 1400)];
      expect(sum(releaseLines('L', 1400))).toBe(0);
      expect(balance(lines, ACCOUNTS.held('L'))).toBe(0);
      expect(balance(lines, ACCOUNTS.available('L'))).toBe(1400);
    });

    it('claws a refund after release back from withdrawable, not from the empty hold', () => {
      const all = [...paymentLines('L', 2000, 30), ...releaseLines('L', 1400)];
      const lines = refundLines('L', 2000, 600, 0, 1000, 0);
      expect(sum(lines)).toBe(0);
      expect(of(lines, ACCOUNTS.held('L'))).toBe(0);
      expect(lines).toEqual([
        { account: 'platform:commission', amountFen: 300 },
        { account: 'listener:L:available', amountFen: 700 },
        { account: 'wechat:clearing', amountFen: -1000 },
      ]);
      all.push(...lines);
      expect(balance(all, ACCOUNTS.available('L'))).toBe(700);
    });

    it('takes what the hold still covers first and claws back only the rest', () => {
      const lines = refundLines('L', 2000, 600, 0, 1000, 500);
      expect(sum(lines)).toBe(0);
      expect(of(lines, ACCOUNTS.held('L'))).toBe(500);
      expect(of(lines, ACCOUNTS.available('L'))).toBe(200);
    });

    it('lets withdrawable go negative when a clawback exceeds it (the listener owes it)', () => {
      const all = [...paymentLines('L', 2000, 30), ...releaseLines('L', 1400), ...payoutReserveLines('L', 1400), ...payoutPaidLines('L', 1400)];
      all.push(...refundLines('L', 2000, 600, 0, 2000, 0));
      expect(balance(all, ACCOUNTS.available('L'))).toBe(-1400);
      expect(balance(all, ACCOUNTS.payoutPending('L'))).toBe(0);
      expect(of(all, ACCOUNTS.clearing)).toBe(-1400); // what left in the transfer, net of nothing paid in
      expect(sum(all)).toBe(0);
    });

    it('reserves a payout, then either pays it out of clearing or returns it to withdrawable', () => {
      const reserve = payoutReserveLines('L', 1000);
      expect(reserve).toEqual([{ account: 'listener:L:available', amountFen: 1000 }, { account: 'listener:L:payout', amountFen: -1000 }]);
      expect(payoutPaidLines('L', 1000)).toEqual([{ account: 'listener:L:payout', amountFen: 1000 }, { account: 'wechat:clearing', amountFen: -1000 }]);
      const returned = [...reserve, ...payoutReturnLines('L', 1000)];
      expect(balance(returned, ACCOUNTS.payoutPending('L'))).toBe(0);
      expect(balance(returned, ACCOUNTS.available('L'))).toBe(0);
    });

    it('refuses empty or negative movements', () => {
      expect(() => releaseLines('L', 0)).toThrow(RangeError);
      expect(() => payoutReserveLines('L', -5)).toThrow(RangeError);
      expect(() => payoutPaidLines('L', 1.5)).toThrow(RangeError);
      expect(clawbackLines('L', 0)).toEqual([]);
    });
  });
});

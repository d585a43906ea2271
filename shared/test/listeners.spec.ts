import { beijingClock, isWithinWorkingHours, ratio, recommendScore } from '../src/listeners';

describe('working hours (Beijing time)', () => {
  // 2026-11-25 is a Wednesday; 12:30 UTC = 20:30 in Beijing.
  const wed2030 = new Date('2026-11-25T12:30:00Z');
  it('reads the Beijing clock', () => {
    expect(beijingClock(wed2030)).toEqual({ day: 3, prevDay: 2, hhmm: '20:30' });
    expect(beijingClock(new Date('2026-11-22T16:10:00Z'))).toEqual({ day: 1, prevDay: 7, hhmm: '00:10' });
  });
  it('treats no hours as any time', () => expect(isWithinWorkingHours([], wed2030)).toBe(true));
  it('matches [start, end) on the same day', () => {
    expect(isWithinWorkingHours([{ day: 3, start: '19:00', end: '23:00' }], wed2030)).toBe(true);
    expect(isWithinWorkingHours([{ day: 3, start: '20:30', end: '21:00' }], wed2030)).toBe(true);
    expect(isWithinWorkingHours([{ day: 3, start: '19:00', end: '20:30' }], wed2030)).toBe(false);
    expect(isWithinWorkingHours([{ day: 4, start: '19:00', end: '23:00' }], wed2030)).toBe(false);
  });
  it('runs a slot ending before it starts past midnight', () => {
    const slot = [{ day: 2, start: '22:00', end: '02:00' }];
    expect(isWithinWorkingHours(slot, new Date('2026-11-24T15:00:00Z'))).toBe(true); // Tue 23:00
    expect(isWithinWorkingHours(slot, new Date('2026-11-24T17:30:00Z'))).toBe(true); // Wed 01:30
    expect(isWithinWorkingHours(slot, new Date('2026-11-24T18:00:00Z'))).toBe(false); // Wed 02:00
  });
});

describe('recommendScore', () => {
  const base = { ratingSum: 0, ratingCount: 0, ordersReceived: 0, ordersAccepted: 0, distinctTalkers: 0, repeatTalkers: 0, ordersServed: 0, online: false };
  it('gives a newcomer the prior, full response and the boost', () => expect(recommendScore(base)).toBe(450_000 + 100_000 + 50_000));
  it('rewards rating, response, repurchase and the toggle', () => {
    const s = recommendScore({ ...base, ratingSum: 50, ratingCount: 10, ordersReceived: 20, ordersAccepted: 15, distinctTalkers: 10, repeatTalkers: 5, ordersServed: 15, online: true });
    // bayes = (5000 + 2250) / 15 = 483
    expect(s).toBe(483_000 + 750 * 100 + 500 * 100 + 30_000);
  });
  it('ratio rounds to two decimals or is null', () => {
    expect(ratio(2, 3)).toBe(0.67);
    expect(ratio(1, 0)).toBeNull();
  });
});

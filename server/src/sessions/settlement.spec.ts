import { settle, UNIT_SECONDS, usedSecondsOf } from './settlement';

describe('session settlement (PRODUCT.md §3)', () => {
  const two = { orderId: 'o1', totalFen: 4000, seconds: 2 * UNIT_SECONDS };
  const ext = { orderId: 'e1', totalFen: 2000, seconds: UNIT_SECONDS };

  it('charges everything when the time is up', () => {
    expect(settle([two, ext], 2700, 'TIME_UP')).toEqual([
      { orderId: 'o1', usedSeconds: 1800, chargedSeconds: 1800, chargedFen: 4000, refundFen: 0 },
      { orderId: 'e1', usedSeconds: 900, chargedSeconds: 900, chargedFen: 2000, refundFen: 0 },
    ]);
  });

  it('charges a talker who ends early the used seconds, at least one unit of the first order', () => {
    expect(settle([two], 300, 'TALKER_ENDED')).toEqual([{ orderId: 'o1', usedSeconds: 300, chargedSeconds: UNIT_SECONDS, chargedFen: 2000, refundFen: 2000 }]);
    expect(settle([two], 0, 'TALKER_ENDED')[0].chargedFen).toBe(2000);
    // Past the first unit: to the second, rounded down (4000 × 1000 / 1800 = 2222.2).
    expect(settle([two], 1000, 'TALKER_ENDED')[0]).toMatchObject({ chargedFen: 2222, refundFen: 1778 });
  });

  it('charges a listener who ends early only the used seconds', () => {
    expect(settle([two], 123, 'LISTENER_ENDED')).toEqual([{ orderId: 'o1', usedSeconds: 123, chargedSeconds: 123, chargedFen: 273, refundFen: 3727 }]);
    expect(settle([two], 0, 'LISTENER_ENDED')[0]).toMatchObject({ chargedFen: 0, refundFen: 4000 });
  });

  it('consumes the first block, then the extensions in order', () => {
    expect(settle([two, ext], 1900, 'TALKER_ENDED')).toEqual([
      { orderId: 'o1', usedSeconds: 1800, chargedSeconds: 1800, chargedFen: 4000, refundFen: 0 },
      { orderId: 'e1', usedSeconds: 100, chargedSeconds: 100, chargedFen: 222, refundFen: 1778 },
    ]);
    // The minimum applies to the first order only: an untouched extension is refunded in full.
    expect(settle([two, ext], 60, 'TALKER_ENDED')[1]).toMatchObject({ usedSeconds: 0, chargedSeconds: 0, chargedFen: 0, refundFen: 2000 });
  });

  it('rounds in the talker’s favour and never charges more than was paid', () => {
    const odd = { orderId: 'x', totalFen: 1999, seconds: 900 };
    for (const s of [0, 1, 7, 450, 899, 900]) {
      const [c] = settle([odd], s, 'LISTENER_ENDED');
      expect(c.chargedFen).toBe(Math.floor((1999 * s) / 900));
      expect(c.chargedFen + c.refundFen).toBe(1999);
    }
    expect(() => settle([odd], -1, 'TIME_UP')).toThrow(RangeError);
  });

  it('measures used time on the server clock, capped at the paid end and the paid seconds', () => {
    const start = new Date('2026-01-01T00:00:00.000Z');
    const end = new Date('2026-01-01T00:15:00.000Z');
    expect(usedSecondsOf(start, end, new Date('2026-01-01T00:02:03.999Z'), 900)).toBe(123);
    expect(usedSecondsOf(start, end, new Date('2026-01-01T00:20:00.000Z'), 900)).toBe(900);
    // Held for the grace period: the end moved, the paid seconds did not.
    expect(usedSecondsOf(start, new Date('2026-01-01T00:17:00.000Z'), new Date('2026-01-01T00:16:30.000Z'), 900)).toBe(900);
    expect(usedSecondsOf(start, end, new Date('2025-12-31T23:59:00.000Z'), 900)).toBe(0);
  });
});

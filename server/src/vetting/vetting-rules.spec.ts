import { idNumberFor } from '../../test/vetting';
import { ageOn, birthDateOf, isValidChineseIdNumber, SimulatedIdentityVerifier } from './identity-verifier';
import { earnedTier, isPriceWithinTier } from './tier.rules';
import { beijingDayStart } from './training.service';
import { ALLOWED_TRANSITIONS, targetOf } from './transitions';

describe('identity check (GB 11643 simulator)', () => {
  it('validates the checksum and the birth date', () => {
    expect(isValidChineseIdNumber('11010519491231002X')).toBe(true);
    expect(isValidChineseIdNumber('110105194912310021')).toBe(false);
    expect(isValidChineseIdNumber(idNumberFor('19990230'))).toBe(false);
    expect(birthDateOf(idNumberFor('20000229'))).toEqual({ y: 2000, m: 2, d: 29 });
  });

  it('computes age on the Beijing date', () => {
    // 2024-03-06T16:30Z is already 03-07 in Beijing.
    expect(ageOn({ y: 2006, m: 3, d: 7 }, new Date('2024-03-06T16:30:00Z'))).toBe(18);
    expect(ageOn({ y: 2006, m: 3, d: 7 }, new Date('2024-03-06T15:30:00Z'))).toBe(17);
  });

  it('fails the failure name, bad ids and minors', async () => {
    const v = new SimulatedIdentityVerifier(() => new Date('2025-01-01T00:00:00Z'));
    expect((await v.verify('林晓风', idNumberFor())).verified).toBe(true);
    expect((await v.verify('测试失败', idNumberFor())).verified).toBe(false);
    expect((await v.verify('林晓风', idNumberFor('20080101'))).reason).toBe('under_18');
  });
});

describe('transition table', () => {
  it('decides targets from the one table', () => {
    expect(targetOf('approve', 'SUBMITTED', false)).toBe('APPROVED');
    expect(targetOf('approve', 'SUBMITTED', true)).toBe('AWAITING_SECOND_REVIEW');
    expect(targetOf('approve', 'AWAITING_SECOND_REVIEW', true)).toBe('APPROVED');
    expect(targetOf('request_changes', 'AWAITING_SECOND_REVIEW', true)).toBe('CHANGES_REQUESTED');
    expect(targetOf('approve', 'CHANGES_REQUESTED', false)).toBeNull();
    expect(targetOf('reject', 'APPROVED', false)).toBeNull();
    expect(ALLOWED_TRANSITIONS.APPROVED).toEqual([]);
    expect(ALLOWED_TRANSITIONS.CHANGES_REQUESTED).toEqual(['SUBMITTED']);
  });
});

describe('tiers and the Beijing day', () => {
  it('earns tiers by orders and rating; checks prices per tier', () => {
    expect(earnedTier(19, 500)).toBe('NEW');
    expect(earnedTier(20, 450)).toBe('REGULAR');
    expect(earnedTier(100, 469)).toBe('REGULAR');
    expect(earnedTier(100, 470)).toBe('SENIOR');
    expect(isPriceWithinTier('NEW', 1500)).toBe(true);
    expect(isPriceWithinTier('NEW', 3001)).toBe(false);
    expect(isPriceWithinTier('SENIOR', 20000)).toBe(true);
  });

  it('starts the day at 00:00 Beijing (16:00 UTC the day before)', () => {
    expect(beijingDayStart(new Date('2025-05-01T15:59:00Z')).toISOString()).toBe('2025-04-30T16:00:00.000Z');
    expect(beijingDayStart(new Date('2025-05-01T16:00:00Z')).toISOString()).toBe('2025-05-01T16:00:00.000Z');
  });
});

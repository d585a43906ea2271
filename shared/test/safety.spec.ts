import { CARE_CARD, CRISIS_HOTLINES, LISTENER_CRISIS_GUIDANCE, MESSAGE_MAX_CHARS, retentionNotice } from '../src/safety';

describe('retentionNotice', () => {
  it('states that chat records are not kept and the configured window', () => {
    const notice = retentionNotice(72);
    expect(notice.startsWith('平台不保留聊天记录')).toBe(true);
    expect(notice).toContain('72 小时后永久销毁');
    expect(retentionNotice(48)).toContain('48 小时');
  });
  it('refuses a window that is not a positive whole number of hours', () => {
    for (const hours of [0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => retentionNotice(hours)).toThrow(RangeError);
    }
  });
});

describe('crisis texts', () => {
  it('lists the hotlines of the spec in order', () => {
    expect(CRISIS_HOTLINES.map((h) => h.phone)).toEqual(['400-161-9995', '010-82951332', '110', '120']);
  });
  it('tells the talker the platform is not a crisis or medical service', () => {
    expect(CARE_CARD.disclaimer).toContain('倾听平台不是危机干预或医疗服务机构');
    expect(LISTENER_CRISIS_GUIDANCE.lines.some((line) => line.includes('不要承诺保密'))).toBe(true);
  });
  it('caps messages at 1000 characters', () => {
    expect(MESSAGE_MAX_CHARS).toBe(1000);
  });
});

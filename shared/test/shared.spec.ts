import { avatarGlyph, avatarPath, avatarSvg } from '../src/alias';
import { formatFen } from '../src/money';
import { TOPICS, TOPIC_CODES, isTopic, topicLabel } from '../src/topics';

describe('formatFen', () => {
  it('formats whole and fractional yuan', () => {
    expect(formatFen(1500)).toBe('¥15.00');
    expect(formatFen(1)).toBe('¥0.01');
    expect(formatFen(0)).toBe('¥0.00');
    expect(formatFen(-250)).toBe('-¥2.50');
  });
  it('refuses non-integer fen', () => {
    expect(() => formatFen(10.5)).toThrow(RangeError);
  });
});

describe('topics', () => {
  it('has the eight topics of the spec with unique codes', () => {
    expect(TOPICS.map((t) => t.label)).toEqual(['婚姻', '情感', '情绪', '职场', '人际关系', '个人成长', '亲子家庭', '其他']);
    expect(new Set(TOPIC_CODES).size).toBe(8);
  });
  it('recognises codes and labels them', () => {
    expect(isTopic('MARRIAGE')).toBe(true);
    expect(isTopic('marriage')).toBe(false);
    expect(topicLabel('CAREER')).toBe('职场');
  });
});

describe('generated avatars', () => {
  it('shows the first character after the adjective, at a short stable path', () => {
    expect(avatarGlyph('安静的鲸鱼0427')).toBe('鲸');
    expect(avatarPath('seed-1', '安静的鲸鱼0427')).toBe(`/api/avatars/seed-1.svg?g=${encodeURIComponent('鲸')}`);
    expect(avatarSvg('seed-1', '鲸')).toBe(avatarSvg('seed-1', '鲸'));
    expect(avatarSvg('seed-1', '<')).toContain('&#60;');
  });
});

/** The shared topic taxonomy (PRODUCT.md §2). Codes are stable API values; labels are shown to users. */
export const TOPICS = [
  { code: 'MARRIAGE', label: '婚姻' },
  { code: 'RELATIONSHIP', label: '情感' },
  { code: 'EMOTION', label: '情绪' },
  { code: 'CAREER', label: '职场' },
  { code: 'SOCIAL', label: '人际关系' },
  { code: 'GROWTH', label: '个人成长' },
  { code: 'FAMILY', label: '亲子家庭' },
  { code: 'OTHER', label: '其他' },
] as const;

export type Topic = (typeof TOPICS)[number]['code'];

export const TOPIC_CODES: readonly Topic[] = TOPICS.map((t) => t.code);

const labelByCode = new Map<string, string>(TOPICS.map((t) => [t.code, t.label]));

export function topicLabel(code: Topic): string {
  return labelByCode.get(code) ?? code;
}

export function isTopic(value: unknown): value is Topic {
  return typeof value === 'string' && labelByCode.has(value);
}

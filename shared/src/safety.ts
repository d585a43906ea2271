/**
 * User-facing safety texts (PRODUCT.md §1 privacy, §4 crisis safety). They live here so the
 * server (alerts, notices) and the mini-program (care card, chat header) show the same words.
 */

export interface CrisisHotline {
  name: string;
  /** Display form with dashes; strip them before dialling. */
  phone: string;
  note?: string;
}

/** Numbers shown on the care card, in the order the spec lists them. */
export const CRISIS_HOTLINES: readonly CrisisHotline[] = [
  { name: '全国心理援助热线', phone: '400-161-9995' },
  { name: '北京心理危机研究与干预中心', phone: '010-82951332' },
  { name: '报警', phone: '110', note: '正处于危险中时' },
  { name: '急救', phone: '120', note: '需要医疗急救时' },
];

/** Shown to the talker when their message, post or question hits the crisis lexicon. */
export const CARE_CARD = {
  title: '你并不孤单',
  lines: [
    '你现在的感受很重要，谢谢你愿意说出来。',
    '如果你正在考虑伤害自己，请马上拨打下面的热线，会有专业的人陪你。',
    '如果你正处于危险中，请立即拨打 110 或 120，或请身边的人陪着你。',
  ],
  disclaimer: '倾听平台不是危机干预或医疗服务机构，无法替代专业帮助。',
} as const;

/** Shown to the listener of the same session when the talker's message hits the lexicon. */
export const LISTENER_CRISIS_GUIDANCE = {
  title: '对方可能正处于危机中',
  lines: [
    '保持冷静，耐心倾听，不要评判或说教。',
    '可以直接、温和地询问对方是否有伤害自己的想法。',
    '鼓励对方拨打心理援助热线；如果对方正处于危险中，请建议立即拨打 110 或 120。',
    '涉及生命安全时不要承诺保密。',
    '请点击“上报”通知平台，平台工作人员会跟进。',
  ],
} as const;

/**
 * The plain-language privacy promise of PRODUCT.md §1. `hours` is the configured retention
 * window, so the notice never states a number the server does not enforce.
 */
export function retentionNotice(hours: number): string {
  if (!Number.isInteger(hours) || hours <= 0) throw new RangeError(`retention hours must be a positive integer, got ${hours}`);
  return `平台不保留聊天记录：聊天内容加密存储，会话结束 ${hours} 小时后永久销毁；如有举报或争议，相关内容将保留至处理完毕。`;
}

/** Longest chat message, counted in Unicode code points (`[...text].length`) so an emoji counts once. */
export const MESSAGE_MAX_CHARS = 1000;

/**
 * Crisis lexicon (PRODUCT.md §4): every chat message, post and question is checked for words of
 * suicide or self-harm so the talker sees a care card, the listener sees guidance and operators
 * get an alert. A missed crisis costs far more than a care card shown once too often, so the
 * lexicon leans towards matching and only excludes phrases that are common and clearly benign.
 *
 * Matching runs on a normal form of the text: NFKC (full-width letters, compatibility
 * ideographs), lower case, every character that is not a letter or digit removed (so "不 想 活",
 * "自.杀" and "自😭杀" read as written without the padding), and traditional characters of the
 * lexicon folded to simplified ones. Because padding is removed, a benign phrase that merely
 * runs into a term across punctuation can still match ("我不想，活了这么多年…"); that is the
 * price of catching padded terms.
 */

export type CrisisCategory = 'suicide' | 'self_harm';

export interface CrisisTerm {
  /** In normal form (see {@link normalizeCrisisText}): simplified Chinese or lower-case pinyin, no spaces or punctuation. */
  term: string;
  category: CrisisCategory;
  /** Benign phrases that continue the term ("跳楼" + "价"), in normal form, without the term itself. */
  notFollowedBy?: readonly string[];
  /** Benign phrases that end just before the term ("累" + "死了算了"), in normal form. */
  notPrecededBy?: readonly string[];
}

export interface CrisisHit {
  category: CrisisCategory;
  /** The lexicon term that matched, in normal form. */
  term: string;
}

/** "X死了" as everyday hyperbole: "累死了，算了" is being tired, not wanting to die. */
const HYPERBOLE = ['累', '热', '笑', '困', '烦', '饿', '气', '忙', '冷', '吓', '痛', '疼', '闷', '丑', '蠢', '急', '穷', '懒', '馋', '美', '帅', '羡慕', '无聊', '尴尬'];

const suicide = (term: string, exceptions: Omit<CrisisTerm, 'term' | 'category'> = {}): CrisisTerm => ({ term, category: 'suicide', ...exceptions });
const selfHarm = (term: string, exceptions: Omit<CrisisTerm, 'term' | 'category'> = {}): CrisisTerm => ({ term, category: 'self_harm', ...exceptions });

/**
 * The lexicon, as data so it can be extended (see {@link createCrisisDetector}). A traditional
 * variant is matched only if its characters are in TRADITIONAL_TO_SIMPLIFIED; add them there
 * with a new term.
 *
 * Choices: "自杀式" (attacks in the news) is excluded; "想死你了" (missing someone) is excluded
 * but "想死了" is not, since it is as often meant literally; plain "吃安眠药" is left out because
 * talkers mention sleeping pills for insomnia all the time, only overdose phrasings are listed.
 */
export const CRISIS_TERMS: readonly CrisisTerm[] = [
  suicide('自杀', { notFollowedBy: ['式'] }),
  suicide('轻生'),
  suicide('自尽'),
  suicide('寻短见'),
  suicide('寻死'),
  suicide('求死'),
  suicide('想死', { notFollowedBy: ['你', '您', '他', '她', '它', 'ta', '宝', '我了', '我啦', '人了', '人啦'] }),
  suicide('想去死'),
  suicide('不想活了'),
  suicide('不想活下去'),
  suicide('不想再活'),
  suicide('不想活着'),
  suicide('活不下去'),
  suicide('活够了'),
  suicide('活着没意思'),
  suicide('活着没有意思'),
  suicide('活着真没意思'),
  suicide('活着没意义'),
  suicide('活着没有意义'),
  suicide('活着有什么意思'),
  suicide('活着有什么意义'),
  suicide('活着还有什么意思'),
  suicide('活着还有什么意义'),
  suicide('结束生命'),
  suicide('结束自己'),
  suicide('了结自己'),
  suicide('了结生命'),
  suicide('了结此生'),
  suicide('自我了断'),
  suicide('了断自己'),
  suicide('死了算了', { notPrecededBy: HYPERBOLE }),
  suicide('死了就一了百了', { notPrecededBy: HYPERBOLE }),
  suicide('死了一了百了', { notPrecededBy: HYPERBOLE }),
  suicide('一死百了'),
  suicide('死了就解脱', { notPrecededBy: HYPERBOLE }),
  suicide('不如死了'),
  suicide('不如去死'),
  suicide('想离开这个世界'),
  suicide('跳楼', { notFollowedBy: ['价', '甩卖', '大甩卖', '大减价', '大促', '机'] }),
  suicide('跳河'),
  suicide('跳江'),
  // 上 + 吊桥/吊灯/吊顶/吊床/吊带/吊环/吊兰/吊篮: walking onto a suspension bridge, putting up a lamp…
  suicide('上吊', { notFollowedBy: ['桥', '灯', '顶', '床', '带', '环', '兰', '篮'] }),
  suicide('割腕'),
  suicide('割脉'),
  suicide('烧炭'),
  suicide('服毒'),
  suicide('喝农药'),
  suicide('吞安眠药'),
  suicide('攒安眠药'),
  suicide('囤安眠药'),
  suicide('一瓶安眠药'),
  suicide('整瓶安眠药'),
  suicide('遗书'),
  // Spellings used to get past filters: homophones, pinyin, and mixes of the two.
  suicide('紫砂', { notFollowedBy: ['壶', '杯', '锅', '煲', '茶', '陶', '泥', '器'] }),
  suicide('自鲨'),
  suicide('自sha'),
  suicide('zi杀'),
  suicide('zisha'),
  // Also the pinyin of 庆生 (a birthday party); pinyin-only chat is rare enough to accept that.
  suicide('qingsheng'),
  suicide('buxianghuole'),
  selfHarm('自残'),
  selfHarm('自伤'),
  selfHarm('伤害自己'),
  selfHarm('弄伤自己'),
  selfHarm('割自己'),
  selfHarm('划自己'),
  selfHarm('割手臂'),
  selfHarm('划手臂'),
  selfHarm('割胳膊'),
  selfHarm('划胳膊'),
  // "划手" is slang for cutting; 划手机 (swiping a phone) and 计划/规划/策划手… are not.
  selfHarm('划手', { notFollowedBy: ['机', '势', '续', '册', '段'], notPrecededBy: ['计', '规', '策', '筹', '企', '谋', '比'] }),
  selfHarm('烫自己'),
  selfHarm('zican'),
];

/** Traditional characters that occur in traditional spellings of the lexicon, and their simplified forms. */
const TRADITIONAL_TO_SIMPLIFIED: Readonly<Record<string, string>> = (() => {
  const pairs = '殺杀輕轻盡尽尋寻見见著着沒没義义麼么結结斷断樓楼價价賣卖減减橋桥燈灯頂顶帶带環环蘭兰籃篮農农藥药攢攒遺遗書书離离開开這这個个殘残傷伤劃划鯊鲨還还夠够寶宝機机勢势續续冊册計计規规籌筹謀谋熱热睏困煩烦餓饿氣气嚇吓悶闷醜丑窮穷懶懒饞馋羨羡無无尷尴脫脱鍋锅壺壶脈脉燒烧';
  const map: Record<string, string> = {};
  for (let i = 0; i < pairs.length; i += 2) map[pairs[i]] = pairs[i + 1];
  return map;
})();
const TRADITIONAL = new RegExp(`[${Object.keys(TRADITIONAL_TO_SIMPLIFIED).join('')}]`, 'g');
const PADDING = /[^\p{L}\p{N}]+/gu;

/** The form the lexicon is written in and matched against. */
export function normalizeCrisisText(text: string): string {
  return text
    .normalize('NFKC')
    .toLowerCase()
    .replace(PADDING, '')
    .replace(TRADITIONAL, (ch) => TRADITIONAL_TO_SIMPLIFIED[ch]);
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const anyOf = (phrases: readonly string[]) => phrases.map(escapeRegExp).join('|');

/**
 * Compiles a lexicon into one regular expression, so a message is scanned once whatever the
 * size of the lexicon. Terms must be in normal form; a term that is not would never match, so
 * it is refused here rather than silently ignored.
 */
export function createCrisisDetector(terms: readonly CrisisTerm[]): (text: string) => CrisisHit | null {
  const byTerm = new Map<string, CrisisTerm>();
  for (const t of terms) {
    if (!t.term || normalizeCrisisText(t.term) !== t.term) throw new Error(`crisis term not in normal form: ${JSON.stringify(t.term)}`);
    byTerm.set(t.term, t);
  }
  // Longest first, so of two terms starting at the same place the more specific one is reported.
  const alternatives = [...byTerm.values()]
    .sort((a, b) => b.term.length - a.term.length)
    .map(({ term, notFollowedBy, notPrecededBy }) => {
      const before = notPrecededBy?.length ? `(?<!${anyOf(notPrecededBy)})` : '';
      const after = notFollowedBy?.length ? `(?!${anyOf(notFollowedBy)})` : '';
      return `${before}${escapeRegExp(term)}${after}`;
    });
  if (alternatives.length === 0) return () => null;
  const matcher = new RegExp(alternatives.join('|'), 'u');

  return (text) => {
    const found = matcher.exec(normalizeCrisisText(text));
    if (!found) return null;
    const { term, category } = byTerm.get(found[0])!;
    return { category, term };
  };
}

/** The first crisis term in `text` (in reading order), or null. Runs on every chat message. */
export const detectCrisis = createCrisisDetector(CRISIS_TERMS);

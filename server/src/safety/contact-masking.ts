/**
 * Masks contact details in chat messages (PRODUCT.md §4): off-platform contact is both a safety
 * risk for anonymous talkers and a way around the platform's escrow.
 *
 * People who want to share a number type it so that a naive filter misses it: spaced or dashed
 * digits, full-width characters, Chinese numerals, circled digits. Matching therefore runs on a
 * "skeleton" of the message (NFKC, lower case, every digit look-alike folded to an ASCII digit,
 * invisible characters dropped) that remembers, for each of its characters, where it came from;
 * the mask then replaces the original span, so the rest of the message keeps its emoji and
 * wording byte for byte.
 */

export type ContactKind = 'phone' | 'wechat' | 'qq' | 'url' | 'email';

export interface MaskedText {
  text: string;
  masked: boolean;
  /** Each kind found, once, in order of first appearance. */
  kinds: ContactKind[];
}

/** What replaces each contact detail in the delivered message. */
export const CONTACT_MASK = '【已隐藏】';

/** Characters people write instead of digits that NFKC leaves alone. */
const DIGIT_LOOKALIKES: Readonly<Record<string, string>> = (() => {
  const map: Record<string, string> = {};
  const words = ['零〇○◯', '一壹幺', '二贰貳', '三叁參叄', '四肆', '五伍', '六陆陸', '七柒', '八捌', '九玖'];
  words.forEach((chars, digit) => {
    for (const ch of chars) map[ch] = String(digit);
  });
  // Dingbat and double circled digits 1–10 (NFKC folds ①–⑩ itself but not these).
  for (const first of [0x2776, 0x2780, 0x278a, 0x24f5]) {
    for (let i = 0; i < 10; i++) map[String.fromCodePoint(first + i)] = String(i + 1);
  }
  map['⓿'] = '0';
  return map;
})();

/** Zero-width characters, variation selectors and combining marks: invisible padding between digits or letters. */
const INVISIBLE = /[\p{Cf}\p{Mn}\p{Me}]/u;

interface Skeleton {
  text: string;
  /** For each UTF-16 unit of `text`, the original span [from[i], to[i]) it came from. */
  from: number[];
  to: number[];
}

function foldChar(ch: string): string {
  if (ch.charCodeAt(0) < 0x80) return ch.toLowerCase();
  let folded = '';
  for (const c of ch.normalize('NFKC').toLowerCase()) {
    folded += DIGIT_LOOKALIKES[c] ?? (INVISIBLE.test(c) ? '' : c);
  }
  return folded;
}

function skeletonOf(text: string): Skeleton {
  const from: number[] = [];
  const to: number[] = [];
  let folded = '';
  let offset = 0;
  for (const ch of text) {
    const piece = foldChar(ch);
    for (let i = 0; i < piece.length; i++) {
      from.push(offset);
      to.push(offset + ch.length);
    }
    folded += piece;
    offset += ch.length;
  }
  return { text: folded, from, to };
}

/** A contact detail found in the skeleton, as skeleton offsets [start, end). */
interface Hit {
  start: number;
  end: number;
  kind: ContactKind;
}

/** Anything that is neither a letter nor a digit: the padding people put between digits. */
const SEP = '[^\\p{L}\\p{N}]';
/**
 * "." and the ways people spell it to get a link or address past a filter. A label before a
 * spelled-out dot needs two characters, so "下午3点com…" is not read as the domain "3.com".
 */
const SPELLED_DOT = '(?:。|点|點|\\(dot\\)|\\[dot\\])';
const DOT = `(?:\\.|${SPELLED_DOT})`;
const LABEL_AND_DOT = `(?:[a-z0-9][a-z0-9-]{0,62}\\.|[a-z0-9][a-z0-9-]{1,62}${SPELLED_DOT})`;
/** Up to 11 digits, the first not 0, with at most three separator characters between digits. */
const SPACED_ID_DIGITS = `[1-9](?:${SEP}{0,3}[0-9]){4,10}(?!${SEP}{0,3}[0-9])`;
/** What people write between a cue ("微信") and the id itself: "号", "号码是", ":", spaces. */
const CUE_FILLER = `(?:${SEP}|号码|账号|号|是|为|id){0,6}`;
/** Top-level domains seen in shared links; common English words ("to", "in", "life") are left out on purpose. */
const TLDS = 'com|cn|net|org|io|me|cc|co|top|xyz|vip|info|app|site|club|tv|ly|gg|hk|tw|jp|us|uk|ru|de|link|shop|online|store|tech|wang|ltd|biz|icu';

/**
 * Patterns on the skeleton. The hit is capture group 1, which always ends the match: a cue
 * ("微信：") before it stays visible so the reader understands what was hidden.
 */
const PATTERNS: ReadonlyArray<{ kind: ContactKind; re: RegExp }> = [
  {
    kind: 'email',
    re: new RegExp(`(?<![a-z0-9._%+-])([a-z0-9._%+-]{1,64}(?:@|艾特)${LABEL_AND_DOT}+[a-z]{2,24})(?![a-z0-9-])`, 'gu'),
  },
  { kind: 'url', re: /(https?:\/\/[!-~]+)/gu },
  { kind: 'url', re: new RegExp(`(?<![a-z0-9.-])(www${DOT}[a-z0-9-]+(?:${DOT}[a-z0-9-]+)*(?:\\/[!-~]*)?)`, 'gu') },
  {
    kind: 'url',
    re: new RegExp(`(?<![a-z0-9.-])(${LABEL_AND_DOT}+(?:${TLDS})(?![a-z0-9-])(?:[/:?#][!-~]*)?)`, 'gu'),
  },
  { kind: 'wechat', re: /(?<![a-z0-9])(wxid_[a-z0-9_-]{4,})/gu },
  {
    kind: 'wechat',
    re: new RegExp(
      `(?:微信|徽信|威信|薇信|维信|卫星|v信|微(?=:)|(?<![a-z])(?:weixin|wechat|vx|wx|v(?=:)))${CUE_FILLER}` +
        `([a-z][-_a-z0-9]{5,19}(?![-_a-z0-9])|${SPACED_ID_DIGITS})`,
      'gu',
    ),
  },
  { kind: 'qq', re: new RegExp(`(?:扣扣|抠抠|企鹅|球球|(?<![a-z])(?:qq|q号|q(?=:)))${CUE_FILLER}(${SPACED_ID_DIGITS})`, 'gu') },
];

/** Link paths end before trailing sentence punctuation. */
const TRAILING_PUNCTUATION = /[.,;:!?'")\]}>]+$/;

function patternHits(skeleton: string): Hit[] {
  const hits: Hit[] = [];
  for (const { kind, re } of PATTERNS) {
    for (const m of skeleton.matchAll(re)) {
      let found = m[1];
      if (kind === 'url') found = found.replace(TRAILING_PUNCTUATION, '');
      const start = m.index! + m[0].length - m[1].length;
      hits.push({ start, end: start + found.length, kind });
    }
  }
  return hits;
}

/** Digits with short runs of separators between them: "138 1234-5678", "1.3.8…". */
const DIGIT_RUN = new RegExp(`[0-9](?:${SEP}{0,3}[0-9])*`, 'gu');
/**
 * Mainland mobiles and landlines (area code + subscriber number, which never starts with 0 or 1),
 * with an optional 86 / 0086 country code in place of the trunk 0.
 */
const PHONE_SHAPE = /^(?:(?:0086|86)?1[3-9]\d{9}|(?:0|0086|86)(?:(?:10|2\d)[2-9]\d{7}|[3-9]\d{2}[2-9]\d{6,7}))$/;
const PHONE_LENGTHS = [15, 14, 13, 12, 11];
/** Public help lines a listener may legitimately share in chat (digits only). */
const PUBLIC_NUMBERS = new Set(['01082951332']);

/**
 * A phone number must start and end where the writer's own digit groups start and end, so a
 * number followed by an unrelated one ("13812345678 100元") is still found while a list of
 * short numbers ("13, 14, 15, 16, 17, 18") is not read as one long number.
 */
function phoneHits(skeleton: string): Hit[] {
  const hits: Hit[] = [];
  for (const run of skeleton.matchAll(DIGIT_RUN)) {
    const positions: number[] = [];
    let digits = '';
    for (let i = run.index!; i < run.index! + run[0].length; i++) {
      const c = skeleton[i];
      if (c >= '0' && c <= '9') {
        positions.push(i);
        digits += c;
      }
    }
    const isGroupEdge = (k: number) => k === 0 || k === digits.length || positions[k] !== positions[k - 1] + 1;
    for (let k = 0; k < digits.length; ) {
      const length = isGroupEdge(k)
        ? PHONE_LENGTHS.find((n) => k + n <= digits.length && isGroupEdge(k + n) && PHONE_SHAPE.test(digits.slice(k, k + n)))
        : undefined;
      if (length === undefined || PUBLIC_NUMBERS.has(digits.slice(k, k + length))) {
        k++;
        continue;
      }
      const start = skeleton[positions[k] - 1] === '+' ? positions[k] - 1 : positions[k];
      hits.push({ start, end: positions[k + length - 1] + 1, kind: 'phone' });
      k += length;
    }
  }
  return hits;
}

/** Replaces every phone number, WeChat id, QQ number, link and e-mail address with {@link CONTACT_MASK}. */
export function maskContacts(text: string): MaskedText {
  const skeleton = skeletonOf(text);
  // Earliest first, then longest, so an e-mail beats the domain inside it and a link beats a number in its path.
  const hits = [...patternHits(skeleton.text), ...phoneHits(skeleton.text)].sort((a, b) => a.start - b.start || b.end - a.end);

  let out = '';
  let cursor = 0;
  let skeletonCursor = 0;
  const kinds: ContactKind[] = [];
  for (const hit of hits) {
    if (hit.start < skeletonCursor) continue;
    skeletonCursor = hit.end;
    const from = skeleton.from[hit.start];
    // Also swallow invisible characters right after the hit, such as the keycap marks of "8️⃣".
    const to = hit.end < skeleton.text.length ? Math.max(skeleton.to[hit.end - 1], skeleton.from[hit.end]) : text.length;
    // Two skeleton characters can come from one original character (⑩ → "10"): extend the previous mask.
    if (from >= cursor) out += text.slice(cursor, from) + CONTACT_MASK;
    cursor = Math.max(cursor, to);
    if (!kinds.includes(hit.kind)) kinds.push(hit.kind);
  }
  out += text.slice(cursor);
  return { text: out, masked: kinds.length > 0, kinds };
}

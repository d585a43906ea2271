/**
 * Anonymous aliases and avatars (PRODUCT.md §1): every user gets a random alias and a generated
 * avatar; nothing in either is derived from who they are.
 */
const ADJECTIVES = ['温柔的', '安静的', '勇敢的', '慢慢的', '明亮的', '柔软的', '认真的', '自由的', '微笑的', '清澈的', '坚定的', '晚风里的', '山间的', '海边的', '雨后的', '暖暖的'];
const NOUNS = ['月亮', '鲸鱼', '树洞', '小鹿', '云朵', '灯塔', '橘子', '星星', '蒲公英', '向日葵', '松果', '纸飞机', '萤火虫', '晚霞', '猫咪', '白桦'];

/** A random alias such as "安静的鲸鱼0427"; `random` returns numbers in [0, 1). */
export function makeAlias(random: () => number = Math.random): string {
  const pick = <T>(list: readonly T[]) => list[Math.floor(random() * list.length)];
  const suffix = String(Math.floor(random() * 10000)).padStart(4, '0');
  return `${pick(ADJECTIVES)}${pick(NOUNS)}${suffix}`;
}

const ADJECTIVE_PREFIX = new RegExp(`^(${ADJECTIVES.join('|')})`);

const AVATAR_COLORS = ['#F4A261', '#2A9D8F', '#E76F51', '#8AB17D', '#6D597A', '#457B9D', '#E9C46A', '#B56576'];

function hash(text: string): number {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 16777619);
  }
  return h >>> 0;
}

/** The character an avatar shows: the alias's first character after its adjective. */
export function avatarGlyph(alias: string): string {
  return Array.from(alias.replace(ADJECTIVE_PREFIX, ''))[0] ?? '听';
}

/**
 * Where a generated avatar is served (`GET /api/avatars/<seed>.svg?g=<glyph>`, public and
 * cacheable forever: seed and glyph determine it). A short path rather than an inline image keeps
 * list responses small; clients resolve it against the API's base URL.
 */
export function avatarPath(seed: string, alias: string): string {
  return `/api/avatars/${encodeURIComponent(seed)}.svg?g=${encodeURIComponent(avatarGlyph(alias))}`;
}

/** The avatar itself: a colour picked by `seed` and the glyph on it. */
export function avatarSvg(seed: string, glyph: string): string {
  const color = AVATAR_COLORS[hash(seed) % AVATAR_COLORS.length];
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="96" height="96" viewBox="0 0 96 96">` +
    `<rect width="96" height="96" rx="48" fill="${color}"/>` +
    `<text x="48" y="60" font-size="40" text-anchor="middle" fill="#fff" font-family="sans-serif">${escapeXml(glyph)}</text></svg>`
  );
}

function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

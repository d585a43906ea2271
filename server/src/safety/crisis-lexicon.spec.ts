import { CRISIS_TERMS, createCrisisDetector, detectCrisis, normalizeCrisisText } from './crisis-lexicon';

describe('detectCrisis', () => {
  it.each([
    ['我真的想自杀', 'suicide', '自杀'],
    ['有时候会有轻生的念头', 'suicide', '轻生'],
    ['我不想活了', 'suicide', '不想活了'],
    ['活着没意思，每天都一样', 'suicide', '活着没意思'],
    ['好想死啊', 'suicide', '想死'],
    ['我已经写好遗书了', 'suicide', '遗书'],
    ['想从楼上跳下去，跳楼算了', 'suicide', '跳楼'],
    ['昨晚又割腕了', 'suicide', '割腕'],
    ['攒了一瓶安眠药', 'suicide', '一瓶安眠药'],
    ['准备烧炭', 'suicide', '烧炭'],
    ['想上吊', 'suicide', '上吊'],
    ['想结束自己的生命', 'suicide', '结束自己'],
    ['真想了结自己', 'suicide', '了结自己'],
    ['死了就一了百了', 'suicide', '死了就一了百了'],
    ['我控制不住想自残', 'self_harm', '自残'],
    ['我总是忍不住伤害自己', 'self_harm', '伤害自己'],
    ['又划手了', 'self_harm', '划手'],
  ])('finds %j', (text, category, term) => {
    expect(detectCrisis(text)).toEqual({ category, term });
  });

  describe('evasions', () => {
    it.each([
      ['spaces between characters', '不 想 活 了', '不想活了'],
      ['punctuation and emoji between characters', '自.杀😭了', '自杀'],
      ['full-width space and dashes', '轻\u3000生-', '轻生'],
      ['traditional characters', '我想自殺', '自杀'],
      ['traditional 輕生', '有輕生念頭', '轻生'],
      ['traditional 活著沒意義', '活著沒意義', '活着没意义'],
      ['homophone 紫砂', '想紫砂', '紫砂'],
      ['homophone 自鲨', '自鲨算了', '自鲨'],
      ['pinyin', '想 zi sha', 'zisha'],
      ['upper-case pinyin', 'QINGSHENG', 'qingsheng'],
      ['mixed pinyin and hanzi', '想自sha', '自sha'],
      ['full-width pinyin', 'ｚｉｓｈａ', 'zisha'],
      ['zero-width characters', '自\u200b杀', '自杀'],
    ])('sees through %s', (_label, text, term) => {
      expect(detectCrisis(text)?.term).toBe(term);
    });
  });

  describe('everyday phrases', () => {
    it.each([
      '笑死我了',
      '今天热死了',
      '上班累死了',
      '想死你了，什么时候回来',
      '你可想死我了',
      '电脑装了杀毒软件',
      '新闻里说发生了自杀式袭击',
      '双十一跳楼价大甩卖',
      '游乐园的跳楼机太刺激了',
      '我们走上吊桥拍照',
      '客厅装上吊灯了',
      '送了爸爸一个紫砂壶',
      '别一直划手机了',
      '这是我的计划手册',
      '我累死了，算了，不说了',
      '考试不及格，好想哭',
      '',
    ])('ignores %j', (text) => {
      expect(detectCrisis(text)).toBeNull();
    });
  });

  it('reports the first term in reading order', () => {
    expect(detectCrisis('我想自残，甚至想自杀')).toEqual({ category: 'self_harm', term: '自残' });
  });

  it('skips an excluded phrase and still finds a later real term', () => {
    expect(detectCrisis('累死了算了，其实我想死')).toEqual({ category: 'suicide', term: '想死' });
  });
});

describe('crisis lexicon data', () => {
  it('is written in normal form without duplicates', () => {
    for (const { term } of CRISIS_TERMS) expect(normalizeCrisisText(term)).toBe(term);
    expect(new Set(CRISIS_TERMS.map((t) => t.term)).size).toBe(CRISIS_TERMS.length);
  });

  it('can be extended with new terms', () => {
    const detect = createCrisisDetector([...CRISIS_TERMS, { term: '不想醒来', category: 'suicide' }]);
    expect(detect('再也不想醒来')).toEqual({ category: 'suicide', term: '不想醒来' });
  });

  it('refuses a term that is not in normal form, since it could never match', () => {
    expect(() => createCrisisDetector([{ term: '自 殺', category: 'suicide' }])).toThrow(/normal form/);
  });

  it('checks a long message quickly', () => {
    const message = '今天工作很累，但是还好，'.repeat(90);
    const started = Date.now();
    for (let i = 0; i < 100; i++) detectCrisis(message);
    expect(Date.now() - started).toBeLessThan(200);
  });
});

import { CONTACT_MASK as M, maskContacts } from './contact-masking';

describe('maskContacts', () => {
  describe('phone numbers', () => {
    it.each([
      ['plain mobile', '我的手机13812345678，打给我', `我的手机${M}，打给我`],
      ['spaced mobile', '138 1234 5678', M],
      ['dashed and spaced digits', '1 3 8-1234-5678 找我', `${M} 找我`],
      ['dotted mobile', '138.1234.5678', M],
      ['full-width digits', '电话１３８１２３４５６７８', `电话${M}`],
      ['Chinese numerals', '一三八一二三四五六七八', M],
      ['financial numerals', '壹叁捌壹贰叁肆伍陆柒捌', M],
      ['幺 for one, mixed with digits', '幺三8 1234 五六七八', M],
      ['circled digits', '①③⑧①②③④⑤⑥⑦⑧', M],
      ['dingbat digits', '❶❸❽❶❷❸❹❺❻❼❽', M],
      ['emoji and zero-width padding', '1😀3😀8\u200b1234😀5678', M],
      ['keycap emoji digits', '1️⃣3️⃣8️⃣1️⃣2️⃣3️⃣4️⃣5️⃣6️⃣7️⃣8️⃣', M],
      ['+86 prefix, plus sign included', '拨+86 138 1234 5678吧', `拨${M}吧`],
      ['0086 prefix', '0086-13812345678', M],
      ['landline with 3-digit area code', '座机 010-62345678', `座机 ${M}`],
      ['landline with 4-digit area code and parentheses', '(0755)2345678', `(${M}`],
      ['mobile followed by an unrelated number', '13812345678 100元', `${M} 100元`],
    ])('masks a %s', (_label, input, expected) => {
      expect(maskContacts(input)).toEqual({ text: expected, masked: true, kinds: ['phone'] });
    });
  });

  describe('WeChat and QQ', () => {
    it.each([
      ['微信：abc_123', `微信：${M}`, 'wechat'],
      ['加我vx abc-def99', `加我vx ${M}`, 'wechat'],
      ['V信号是 Hello_World', `V信号是 ${M}`, 'wechat'],
      ['ＶＸ：ａｂｃｄｅｆ１２', `ＶＸ：${M}`, 'wechat'],
      ['薇信 qingting2024 谢谢', `薇信 ${M} 谢谢`, 'wechat'],
      ['wechat: my_name_01', `wechat: ${M}`, 'wechat'],
      ['卫星 1234 5678 9', `卫星 ${M}`, 'wechat'],
      ['搜 wxid_k2j3h4g5f6', `搜 ${M}`, 'wechat'],
      ['QQ：12345678', `QQ：${M}`, 'qq'],
      ['扣扣 一二三四五六七', `扣扣 ${M}`, 'qq'],
      ['企鹅号 123 456 789 😊', `企鹅号 ${M} 😊`, 'qq'],
      ['q号:98765', `q号:${M}`, 'qq'],
    ])('masks the id in %j, keeping the cue', (input, expected, kind) => {
      expect(maskContacts(input)).toEqual({ text: expected, masked: true, kinds: [kind] });
    });
  });

  describe('links and e-mail', () => {
    it.each([
      ['看这个 https://example.com/a?b=1，很有用', `看这个 ${M}，很有用`, 'url'],
      ['www.abc.net/path', M, 'url'],
      ['去 xx.cn 找我', `去 ${M} 找我`, 'url'],
      ['t.me/someone', M, 'url'],
      ['abc点com', M, 'url'],
      ['ｗｗｗ．ａｂｃ．ｃｏｍ', M, 'url'],
      ['邮箱 someone.name@163.com。', `邮箱 ${M}。`, 'email'],
      ['123456789艾特qq点com', M, 'email'],
    ])('masks %j', (input, expected, kind) => {
      expect(maskContacts(input)).toEqual({ text: expected, masked: true, kinds: [kind] });
    });
  });

  describe('ordinary text', () => {
    it.each([
      '这次倾诉30元15分钟，很值',
      '2024年3月15日 10:30 开始',
      '我今年25岁，工作3年了，月薪8000',
      '订单 13, 14, 15, 16, 17, 18 都退款了',
      '第一次用，一二三四五步就好了',
      '我的微信被封了，一直没回你',
      '用 Node.js 写的，版本 v1.2.3',
      '下午3点com不了',
      '身份证 110105194912310021',
      '笑死我了😂😂 哈哈哈',
      '累了就打 400-161-9995',
      '热线 010-82951332 可以打',
      '随便说说 qq 群里的事',
      '',
    ])('leaves %j alone', (input) => {
      expect(maskContacts(input)).toEqual({ text: input, masked: false, kinds: [] });
    });
  });

  it('masks several kinds in one message and reports each kind once, in order', () => {
    const result = maskContacts('加微信abc123456或者打13812345678，再不行138 8765 4321，或 QQ 10001');
    expect(result.text).toBe(`加微信${M}或者打${M}，再不行${M}，或 QQ ${M}`);
    expect(result.kinds).toEqual(['wechat', 'phone', 'qq']);
  });

  it('masks the whole link, not the number inside it, and the whole address, not its domain', () => {
    expect(maskContacts('http://x.cn/13812345678').kinds).toEqual(['url']);
    expect(maskContacts('me@abc.com').kinds).toEqual(['email']);
  });

  it('keeps emoji and surrounding text unchanged', () => {
    expect(maskContacts('👋🏽你好！我的号 138 1234 5678 ❤️ 晚安').text).toBe(`👋🏽你好！我的号 ${M} ❤️ 晚安`);
  });

  it('stays fast on long and adversarial messages', () => {
    const messages = [
      '我想说的话很多，'.repeat(120) + '1 2 3 4 5 6 7 8 9 0 '.repeat(5),
      'a.'.repeat(500),
      'a'.repeat(1000),
      '1 - '.repeat(250),
      '微信'.repeat(500),
      'x@'.repeat(500),
    ];
    const started = Date.now();
    for (const message of messages) maskContacts(message);
    expect(Date.now() - started).toBeLessThan(100);
  });
});

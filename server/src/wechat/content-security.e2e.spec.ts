import { startTestSimulator, TestSimulator } from '../../test/wechat';
import { startTestApp, TestApp } from '../../test/test-app';
import { ContentSecurityService } from './content-security.service';

describe('ContentSecurityService (app wired to the simulator)', () => {
  let wx: TestSimulator;
  let t: TestApp;
  let security: ContentSecurityService;

  beforeAll(async () => {
    wx = await startTestSimulator();
    t = await startTestApp(wx.env);
    security = t.app.get(ContentSecurityService);
  });
  afterAll(async () => {
    await t.close();
    await wx.close();
  });

  it('publishes passing text, holds doubtful text and rejects risky text', async () => {
    await wx.control('/__sim/content-rules', { risky: ['违禁词'], review: ['待审词'] });
    expect((await security.check('今天心情好多了', 'sim-openid-a', 3)).decision).toBe('publish');
    expect((await security.check('这里有待审词', 'sim-openid-a', 3)).decision).toBe('hold');
    expect((await security.check('这里有违禁词', 'sim-openid-a', 3)).decision).toBe('reject');
  });

  it('holds the content for review when WeChat cannot answer', async () => {
    await wx.control('/__sim/content-rules', { unavailable: true });
    const result = await security.check('今天心情好多了', 'sim-openid-a', 3);
    expect(result).toEqual({ decision: 'hold', reason: expect.stringMatching(/^wechat:unavailable/) });
  });
});

import Redis from 'ioredis';
import { startProxy } from '../../test/wechat';
import { createSimulator, Simulator } from '../wechat-sim/simulator';
import { WechatApiClient, WechatApiError } from './wechat-api.client';

describe('WechatApiClient against the simulator (real HTTP, real Redis)', () => {
  let sim: Simulator;
  const redises: Redis[] = [];
  let proxy: Awaited<ReturnType<typeof startProxy>>;
  const tokenRequests = () => proxy.requests.filter((r) => r.startsWith('POST /cgi-bin/stable_token')).length;

  /** One client per simulated server instance, each with its own Redis connection. */
  function instance(): WechatApiClient {
    const redis = new Redis(process.env.REDIS_URL!);
    redises.push(redis);
    return new WechatApiClient({ apiBase: proxy.url, appid: sim.keys.appid, secret: sim.keys.secret }, redis);
  }

  beforeAll(async () => {
    sim = await createSimulator();
    // A counting pass-through in front of the simulator, to see how often the token is fetched.
    proxy = await startProxy(sim.url);
  });
  afterAll(async () => {
    await proxy.close();
    await Promise.all(redises.map((r) => r.quit()));
    await sim.close();
  });

  it('exchanges a login code once; a used or unknown code is a WechatApiError with WeChat’s errcode', async () => {
    const minted = (await (await fetch(`${sim.url}/__sim/login-codes`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })).json()) as { code: string; openid: string };
    const client = instance();
    const session = await client.code2Session(minted.code);
    expect(session.openid).toBe(minted.openid);
    expect(session.sessionKey).toEqual(expect.any(String));
    await expect(client.code2Session(minted.code)).rejects.toMatchObject({ errcode: 40163 });
    await expect(client.code2Session('no-such-code')).rejects.toBeInstanceOf(WechatApiError);
  });

  it('fetches the access token once for many concurrent callers on several instances, then serves it from Redis', async () => {
    const before = tokenRequests();
    const clients = [instance(), instance(), instance()];
    const tokens = await Promise.all(Array.from({ length: 30 }, (_, i) => clients[i % 3].accessToken()));
    expect(new Set(tokens).size).toBe(1);
    expect(tokenRequests() - before).toBe(1);
    const ttl = await redises[redises.length - 1].ttl(`wechat:access_token:${sim.keys.appid}`);
    // Cached until 5 minutes before WeChat's 7200 s expiry, so it is refreshed ahead of time.
    expect(ttl).toBeGreaterThan(6800);
    expect(ttl).toBeLessThanOrEqual(6900);
  });

  it('recovers when WeChat invalidates the token: drops it, refreshes once, retries the call', async () => {
    const client = instance();
    const old = await client.accessToken();
    // Someone else forces a refresh at WeChat: our cached token is now invalid (40001).
    await fetch(`${sim.url}/cgi-bin/stable_token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ grant_type: 'client_credential', appid: sim.keys.appid, secret: sim.keys.secret, force_refresh: true }),
    });
    const result = await client.checkText('今天天气不错', 'sim-openid-x', 2);
    expect(result.verdict).toBe('pass');
    expect(await client.accessToken()).not.toBe(old);
  });

  it('reports content-security verdicts and records subscribe messages', async () => {
    await fetch(`${sim.url}/__sim/content-rules`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ risky: ['违禁词'], review: ['待审词'] }) });
    const client = instance();
    expect((await client.checkText('这里有违禁词', 'sim-openid-x', 3)).verdict).toBe('risky');
    expect((await client.checkText('这里有待审词', 'sim-openid-x', 3)).verdict).toBe('review');

    await client.sendSubscribeMessage({ touser: 'sim-openid-x', template_id: 'tpl-review-result', data: { thing1: { value: '审核通过' } } });
    const recorded = await (await fetch(`${sim.url}/__sim/subscribe-messages`)).json();
    expect(JSON.stringify(recorded)).toContain('审核通过');
  });
});

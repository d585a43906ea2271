import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { generateKeyMaterial } from '../wechat/protocol/dev-keys';
import { createSimulator, Simulator } from './simulator';
import { devOpenid } from './platform-routes';
import { DEMO_OPERATOR_OPENID, DEMO_TALKER_OPENID } from '@qingting/prisma';

describe('simulator: login, access token, content security, subscribe messages', () => {
  const keys = generateKeyMaterial();
  let clock = new Date('2025-05-01T00:00:00Z');
  let sim: Simulator;
  beforeAll(async () => {
    sim = await createSimulator({ keys, now: () => clock, loginRateLimitPerMinute: 20 });
  });
  afterAll(() => sim.close());

  const post = async (p: string, body?: object) =>
    (await fetch(sim.url + p, { method: 'POST', headers: body ? { 'Content-Type': 'application/json' } : {}, body: body ? JSON.stringify(body) : undefined })).json() as Promise<any>;
  const session = async (code: string, secret = keys.secret) =>
    JSON.parse(await (await fetch(`${sim.url}/sns/jscode2session?appid=${keys.appid}&secret=${secret}&js_code=${encodeURIComponent(code)}&grant_type=authorization_code`)).text());
  const token = async () => (await post('/cgi-bin/stable_token', { grant_type: 'client_credential', appid: keys.appid, secret: keys.secret })).access_token as string;

  it('exchanges a minted code once; reuse is 40163, unknown is 40029, an expired one is 40029', async () => {
    const { code, openid } = await post('/__sim/login-codes', { openid: 'o-talker-1' });
    expect(openid).toBe('o-talker-1');
    expect(await session(code)).toEqual({ openid: 'o-talker-1', session_key: expect.any(String) });
    expect(await session(code)).toEqual({ errcode: 40163, errmsg: 'code been used' });
    expect((await session('nope')).errcode).toBe(40029);
    const { code: old } = await post('/__sim/login-codes');
    clock = new Date(clock.getTime() + 5 * 60_000);
    expect((await session(old)).errcode).toBe(40029);
    expect((await session(code, 'wrong')).errcode).toBe(40125);
  });

  it('maps dev:<name> codes to a stable openid without minting', async () => {
    const a = await session('dev:alice');
    expect(a.openid).toMatch(/^sim-openid-[0-9a-f]{16}$/);
    expect((await session('dev:alice')).openid).toBe(a.openid);
    expect((await session('dev:bob')).openid).not.toBe(a.openid);
  });

  it('rate-limits jscode2session with 45011', async () => {
    clock = new Date(clock.getTime() + 60_000);
    const answers = [];
    for (let i = 0; i < 21; i++) answers.push(await session(`dev:${i}`));
    expect(answers.at(-1).errcode).toBe(45011);
    clock = new Date(clock.getTime() + 60_000);
  });

  it('issues a stable token that stays the same until forced, and checks appid/secret', async () => {
    const t = await token();
    expect(await token()).toBe(t);
    const forced = await post('/cgi-bin/stable_token', { grant_type: 'client_credential', appid: keys.appid, secret: keys.secret, force_refresh: true });
    expect(forced).toEqual({ access_token: expect.any(String), expires_in: 7200 });
    expect(forced.access_token).not.toBe(t);
    expect((await post('/cgi-bin/stable_token', { grant_type: 'client_credential', appid: keys.appid, secret: 'x' })).errcode).toBe(40125);
  });

  it('judges content: pass by default, keywords for risky and review, a switchable outage; token required', async () => {
    const t = await token();
    const check = (content: string, accessToken = t) => post(`/wxa/msg_sec_check?access_token=${accessToken}`, { content, version: 2, scene: 2, openid: 'o1' });
    expect(await check('今天心情不错')).toMatchObject({ errcode: 0, result: { suggest: 'pass', label: 100 } });
    await post('/__sim/content-rules', { risky: ['违禁词'], review: ['加微信'] });
    expect((await check('这里有违禁词')).result.suggest).toBe('risky');
    expect((await check('可以加微信吗')).result.suggest).toBe('review');
    await post('/__sim/content-rules', { verdict: 'review' });
    expect((await check('普通的话')).result.suggest).toBe('review');
    await post('/__sim/content-rules', { unavailable: true });
    expect((await check('普通的话')).errcode).toBe(-1);
    await post('/__sim/content-rules', {});
    expect((await check('普通的话', 'bad-token')).errcode).toBe(40001);
  });

  it('records subscribe messages for assertions', async () => {
    const t = await token();
    const msg = { touser: 'o1', template_id: 'TPL1', page: 'pages/order/index', data: { thing1: { value: '倾听师已接单' } } };
    expect(await post(`/cgi-bin/message/subscribe/send?access_token=${t}`, msg)).toMatchObject({ errcode: 0 });
    expect(await (await fetch(`${sim.url}/__sim/subscribe-messages`)).json()).toEqual([{ at: expect.any(String), body: msg }]);
  });

  it('keeps its state in a snapshot file across restarts', async () => {
    const stateFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'wxsim-')), 'state.json');
    const first = await createSimulator({ keys, stateFile });
    const { code } = (await (await fetch(`${first.url}/__sim/login-codes`, { method: 'POST' })).json()) as { code: string };
    await first.close();
    const second = await createSimulator({ keys, stateFile });
    expect(Object.keys(second.store.state.loginCodes)).toEqual([code]);
    await fetch(`${second.url}/__sim/reset`, { method: 'POST' });
    expect(second.store.state.loginCodes).toEqual({});
    await second.close();
  });
});

describe('dev login codes and the seeded demo accounts', () => {
  it('map `dev:operator` and `dev:talker` to the openids the seed gives the demo accounts', () => {
    expect(devOpenid('dev:operator')).toBe(DEMO_OPERATOR_OPENID);
    expect(devOpenid('dev:talker')).toBe(DEMO_TALKER_OPENID);
  });
});

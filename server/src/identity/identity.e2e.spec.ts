import { loginAs } from '../../test/auth';
import { connectSocket } from '../../test/realtime';
import { startTestSimulator, TestSimulator } from '../../test/wechat';
import { startTestApp, TestApp } from '../../test/test-app';

describe('identity (e2e: app + WeChat simulator + PostgreSQL + Redis)', () => {
  let wx: TestSimulator;
  let t: TestApp;

  beforeAll(async () => {
    wx = await startTestSimulator();
    t = await startTestApp({ ...wx.env, LOGIN_RATE_LIMIT_PER_MINUTE: '8', PROFILE_RATE_LIMIT_PER_HOUR: '4' });
  });
  afterAll(async () => {
    await t.close();
    await wx.close();
  });

  const json = { 'content-type': 'application/json' };
  const mintCode = async (openid?: string) => (await wx.control<{ code: string; openid: string }>('/__sim/login-codes', openid ? { openid } : {}));
  const login = (code: string) => t.request('/api/auth/login', { method: 'POST', headers: json, body: JSON.stringify({ code }) });
  const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

  it('logs a new person in with a random anonymous alias and avatar, and never returns the openid', async () => {
    const { code, openid } = await mintCode();
    const res = await login(code);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ token: expect.any(String), expiresAt: expect.any(String), user: { roles: ['TALKER'], hasPhone: false, listener: null } });
    expect(res.body.user.alias).toMatch(/^\S{2,}\d{4}$/);
    expect(res.body.user.avatarUrl).toMatch(/^\/api\/avatars\/[\w-]+\.svg\?g=/);
    const avatar = await fetch(t.url + res.body.user.avatarUrl);
    expect(avatar.headers.get('content-type')).toContain('image/svg+xml');
    expect(avatar.headers.get('cache-control')).toContain('immutable');
    expect(await avatar.text()).toMatch(/^<svg[\s\S]*<\/svg>$/);
    expect(JSON.stringify(res.body)).not.toContain(openid);

    const me = await t.request('/api/me', { headers: bearer(res.body.token) });
    expect(me.body.id).toBe(res.body.user.id);

    // The same WeChat account logs in to the same user.
    const again = await login((await mintCode(openid)).code);
    expect(again.body.user.id).toBe(res.body.user.id);
  });

  it('refuses a malformed avatar address with 400', async () => {
    expect((await t.request('/api/avatars/..%2Fetc.svg?g=a')).body.code).toBe('request/invalid');
    expect((await t.request('/api/avatars/abc.svg')).body.code).toBe('request/invalid');
  });

  it('refuses a used or unknown code with 400 auth/login_failed', async () => {
    const { code } = await mintCode();
    expect((await login(code)).status).toBe(200);
    expect((await login(code)).body.code).toBe('auth/login_failed');
    expect((await login('not-a-code')).body.code).toBe('auth/login_failed');
    expect((await t.request('/api/auth/login', { method: 'POST', headers: json, body: '{}' })).body.code).toBe('request/invalid');
  });

  it('requires a session on every non-public route: 401 without or with a bad token', async () => {
    expect((await t.request('/api/me')).body).toMatchObject({ code: 'auth/login_required' });
    expect((await t.request('/api/me', { headers: bearer('x'.repeat(43)) })).body).toMatchObject({ code: 'auth/session_expired' });
    // Public routes work with or without a token.
    expect((await t.request('/api/listeners?limit=1')).status).toBe(200);
    expect((await t.request('/api/listeners?limit=1', { headers: bearer('x'.repeat(43)) })).status).toBe(200);
  });

  it('refreshes a session (the old token stops working) and logs out', async () => {
    const { token } = await loginAs(t);
    const refreshed = await t.request('/api/auth/refresh', { method: 'POST', headers: bearer(token) });
    expect(refreshed.status).toBe(200);
    expect((await t.request('/api/me', { headers: bearer(token) })).status).toBe(401);
    expect((await t.request('/api/me', { headers: bearer(refreshed.body.token) })).status).toBe(200);
    expect((await t.request('/api/auth/logout', { method: 'POST', headers: bearer(refreshed.body.token) })).status).toBe(204);
    expect((await t.request('/api/me', { headers: bearer(refreshed.body.token) })).status).toBe(401);
  });

  it('changes the alias after content security; refuses risky and doubtful ones and bad lengths', async () => {
    await wx.control('/__sim/content-rules', { risky: ['违禁'], review: ['待审'] });
    const { headers, user } = await loginAs(t);
    const patch = (alias: string) => t.request('/api/me', { method: 'PATCH', headers, body: JSON.stringify({ alias }) });

    expect((await patch('温柔的倾听者')).body.alias).toBe('温柔的倾听者');
    expect((await patch('违禁昵称')).body.code).toBe('identity/alias_rejected');
    const held = await patch('待审昵称');
    expect(held.status).toBe(422);
    expect(held.body.code).toBe('identity/alias_not_accepted');
    expect((await patch('a')).body.code).toBe('request/invalid');
    expect((await t.prisma.user.findUniqueOrThrow({ where: { id: user.id } })).alias).toBe('温柔的倾听者');
    // The 4-per-hour budget is spent (three checked changes above plus this one); the next is refused.
    await patch('第二个昵称');
    expect((await patch('第三个昵称')).body.code).toBe('rate/limited');
  });

  it('stores the phone number encrypted and only says whether there is one', async () => {
    const { headers, user } = await loginAs(t);
    const res = await t.request('/api/me/phone', { method: 'PUT', headers, body: JSON.stringify({ phone: '13812345678' }) });
    expect(res.body.hasPhone).toBe(true);
    expect(JSON.stringify(res.body)).not.toContain('13812345678');
    const stored = (await t.prisma.user.findUniqueOrThrow({ where: { id: user.id } })).phoneEnc!;
    expect(stored).toMatch(/^v1\./);
    expect(stored).not.toContain('13812345678');
    expect((await t.request('/api/me/phone', { method: 'PUT', headers, body: JSON.stringify({ phone: '12345' }) })).body.code).toBe('request/invalid');
  });

  it('deletes an account: personal data erased, sessions ended and sockets closed, listener hidden; the WeChat account can start afresh', async () => {
    const { code, openid } = await mintCode();
    const first = (await login(code)).body;
    await t.prisma.user.update({ where: { id: first.user.id }, data: { roles: ['TALKER', 'LISTENER'] } });
    await t.prisma.listenerProfile.create({ data: { userId: first.user.id, gender: 'FEMALE', intro: '介绍'.repeat(30), topics: ['EMOTION'], tags: [], priceTextFen: 1500 } });

    const socket = await connectSocket(t, first.token);
    expect((await t.request('/api/me', { method: 'DELETE', headers: bearer(first.token) })).status).toBe(204);
    // Its open socket is closed as logged out.
    expect((await socket.closed).code).toBe(4401);
    const row = await t.prisma.user.findUniqueOrThrow({ where: { id: first.user.id }, include: { listener: true } });
    expect(row).toMatchObject({ alias: '已注销用户', phoneEnc: null, roles: [], listener: { status: 'SUSPENDED' } });
    expect(row.openid).not.toBe(openid);
    expect(row.deletedAt).not.toBeNull();
    expect((await t.request('/api/me', { headers: bearer(first.token) })).status).toBe(401);
    expect((await t.request(`/api/listeners/${first.user.id}`)).status).toBe(404);
    expect(await t.prisma.auditLog.count({ where: { action: 'identity.delete', subjectId: first.user.id } })).toBe(1);

    const fresh = (await login((await mintCode(openid)).code)).body;
    expect(fresh.user.id).not.toBe(first.user.id);
  });

  it('rate-limits logins per address with 429 rate/limited', async () => {
    const limited = await startTestApp({ ...wx.env, LOGIN_RATE_LIMIT_PER_MINUTE: '2' });
    try {
      const attempt = () => limited.request('/api/auth/login', { method: 'POST', headers: json, body: JSON.stringify({ code: 'nope' }) });
      expect((await attempt()).status).toBe(400);
      expect((await attempt()).status).toBe(400);
      const third = await attempt();
      expect(third.status).toBe(429);
      expect(third.body.code).toBe('rate/limited');
    } finally {
      await limited.close();
    }
  });
});

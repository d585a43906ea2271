import { DEFAULT_TIER_PRICE_BOUNDS, recommendScore } from '@qingting/shared';
import { loginAs } from '../../test/auth';
import { startTestApp, TestApp } from '../../test/test-app';
import { PresenceService } from './presence.service';

describe('listener workbench (e2e)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  /** A logged-in listener with a profile. */
  async function listener(profile: Partial<{ tier: 'NEW' | 'REGULAR' | 'SENIOR'; status: 'ACTIVE' | 'SUSPENDED'; priceVoiceFen: number | null }> = {}) {
    const who = await loginAs(t, ['TALKER', 'LISTENER']);
    await t.prisma.listenerProfile.create({
      data: { userId: who.user.id, gender: 'MALE', intro: '工作台测试', topics: ['CAREER'], tags: [], priceTextFen: 2000, ...profile },
    });
    return who;
  }
  const send = (path: string, method: string, headers: Record<string, string>, body?: unknown) =>
    t.request(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });

  describe('guards', () => {
    const routes: [string, string, unknown][] = [
      ['GET', '/api/workbench', undefined],
      ['PUT', '/api/workbench/online', { online: true }],
      ['POST', '/api/workbench/heartbeat', {}],
      ['PUT', '/api/workbench/hours', { hours: [] }],
      ['PUT', '/api/workbench/prices', { TEXT: 2000 }],
    ];
    it.each(routes)('%s %s: 401 without login, 403 for a talker, 403 listener/suspended', async (method, path, body) => {
      const anon = await send(path, method, { 'content-type': 'application/json' }, body);
      expect(anon.status).toBe(401);
      expect(anon.body.code).toBe('auth/login_required');
      const talker = await loginAs(t);
      const forbidden = await send(path, method, talker.headers, body);
      expect(forbidden.status).toBe(403);
      expect(forbidden.body.code).toBe('auth/forbidden');
      const suspended = await listener({ status: 'SUSPENDED' });
      const res = await send(path, method, suspended.headers, body);
      expect(res.status).toBe(403);
      expect(res.body.code).toBe('listener/suspended');
      const after = await t.prisma.listenerProfile.findUniqueOrThrow({ where: { userId: suspended.user.id } });
      expect(after).toMatchObject({ online: false, priceTextFen: 2000, workingHours: [] });
    });
    it('404 listener/not_found for a LISTENER role without a profile', async () => {
      const who = await loginAs(t, ['LISTENER']);
      expect((await send('/api/workbench', 'GET', who.headers)).body.code).toBe('listener/not_found');
    });
  });

  it('shows the own profile, settings and tier bounds', async () => {
    const me = await listener({ tier: 'REGULAR' });
    const res = await send('/api/workbench', 'GET', me.headers);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      id: me.user.id,
      alias: me.user.alias,
      status: 'ACTIVE',
      tier: 'REGULAR',
      toggleOn: false,
      present: false,
      online: false,
      prices: { TEXT: 2000 },
      priceBounds: DEFAULT_TIER_PRICE_BOUNDS.REGULAR,
      heartbeatSeconds: 30,
      workingHours: [],
    });
  });

  it('the toggle and the heartbeat make the listener online now; off removes presence; the score follows the toggle', async () => {
    const me = await listener();
    const presence = t.app.get(PresenceService);
    const on = await send('/api/workbench/online', 'PUT', me.headers, { online: true });
    expect(on.status).toBe(200);
    expect(on.body).toMatchObject({ toggleOn: true, present: true, online: true });
    let row = await t.prisma.listenerProfile.findUniqueOrThrow({ where: { userId: me.user.id } });
    expect(row.recommendScore).toBe(recommendScore({ ...row, online: true }));
    expect((await t.request(`/api/listeners/${me.user.id}`)).body.online).toBe(true);

    // The presence key carries a TTL; a heartbeat refreshes it.
    await presence.leave(me.user.id);
    expect((await t.request(`/api/listeners/${me.user.id}`)).body.online).toBe(false);
    const beat = await send('/api/workbench/heartbeat', 'POST', me.headers, {});
    expect(beat.status).toBe(200);
    expect(beat.body).toMatchObject({ online: true, present: true, ttlSeconds: 90 });
    expect((await t.request(`/api/listeners/${me.user.id}`)).body.online).toBe(true);

    const off = await send('/api/workbench/online', 'PUT', me.headers, { online: false });
    expect(off.body).toMatchObject({ toggleOn: false, present: false, online: false });
    row = await t.prisma.listenerProfile.findUniqueOrThrow({ where: { userId: me.user.id } });
    expect(row.recommendScore).toBe(recommendScore({ ...row, online: false }));
    // A heartbeat with the toggle off does not make anyone present.
    expect((await send('/api/workbench/heartbeat', 'POST', me.headers, {})).body).toMatchObject({ online: false, present: false });
    expect(await presence.isPresent(me.user.id)).toBe(false);
  });

  it('sets working hours (validated) and they decide online now', async () => {
    const me = await listener();
    await send('/api/workbench/online', 'PUT', me.headers, { online: true });
    const bj = new Date(Date.now() + 8 * 3600_000);
    const tomorrow = (((bj.getUTCDay() + 6) % 7) + 1) % 7 + 1;
    const res = await send('/api/workbench/hours', 'PUT', me.headers, { hours: [{ day: tomorrow, start: '10:00', end: '11:00' }] });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ workingHours: [{ day: tomorrow, start: '10:00', end: '11:00' }], toggleOn: true, present: true, online: false });
    const overnight = await send('/api/workbench/hours', 'PUT', me.headers, { hours: [{ day: 5, start: '22:00', end: '02:00' }] });
    expect(overnight.body.workingHours).toEqual([{ day: 5, start: '22:00', end: '02:00' }]);
    const clear = await send('/api/workbench/hours', 'PUT', me.headers, { hours: [] });
    expect(clear.body).toMatchObject({ workingHours: [], online: true });
  });

  it.each([
    ['a day of 0', { hours: [{ day: 0, start: '10:00', end: '11:00' }] }, 'hours.0.day'],
    ['a day of 8', { hours: [{ day: 8, start: '10:00', end: '11:00' }] }, 'hours.0.day'],
    ['a bad time', { hours: [{ day: 1, start: '24:00', end: '11:00' }] }, 'hours.0.start'],
    ['a time without padding', { hours: [{ day: 1, start: '9:00', end: '11:00' }] }, 'hours.0.start'],
    ['equal start and end', { hours: [{ day: 1, start: '10:00', end: '10:00' }] }, 'hours.0.end'],
    ['15 entries', { hours: Array.from({ length: 15 }, (_, i) => ({ day: 1 + (i % 7), start: '10:00', end: '11:00' })) }, 'hours'],
    ['not a list', { hours: 'always' }, 'hours'],
    ['an unknown field in an entry', { hours: [{ day: 1, start: '10:00', end: '11:00', note: 'x' }] }, 'hours.0.note'],
  ])('refuses hours with %s: 400 request/invalid, nothing changed', async (_what, body, field) => {
    const me = await listener();
    await send('/api/workbench/hours', 'PUT', me.headers, { hours: [{ day: 2, start: '08:00', end: '09:00' }] });
    const res = await send('/api/workbench/hours', 'PUT', me.headers, body);
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('request/invalid');
    expect(res.body.details.map((d: { field: string }) => d.field)).toContain(field);
    const row = await t.prisma.listenerProfile.findUniqueOrThrow({ where: { userId: me.user.id } });
    expect(row.workingHours).toEqual([{ day: 2, start: '08:00', end: '09:00' }]);
  });

  it('refuses a non-boolean online with 400', async () => {
    const me = await listener();
    const res = await send('/api/workbench/online', 'PUT', me.headers, { online: 'yes' });
    expect(res.status).toBe(400);
    expect(res.body.details[0].field).toBe('online');
  });

  describe('prices within the tier bounds', () => {
    it.each([
      ['NEW', 1000, 3000],
      ['REGULAR', 1000, 6000],
      ['SENIOR', 1000, 20000],
    ] as const)('%s: %i–%i fen accepted at both ends, one fen outside refused', async (tier, min, max) => {
      const me = await listener({ tier });
      const ok = await send('/api/workbench/prices', 'PUT', me.headers, { TEXT: min, VOICE: max });
      expect(ok.status).toBe(200);
      expect(ok.body.prices).toEqual({ TEXT: min, VOICE: max });
      for (const body of [{ TEXT: min - 1 }, { VOICE: max + 1 }]) {
        const res = await send('/api/workbench/prices', 'PUT', me.headers, body);
        expect(res.status).toBe(400);
        expect(res.body.code).toBe('listener/price_out_of_bounds');
        expect(res.body.message).toContain(`¥${min / 100}.00`);
        expect(res.body.message).toContain(`¥${max / 100}.00`);
      }
      const row = await t.prisma.listenerProfile.findUniqueOrThrow({ where: { userId: me.user.id } });
      expect(row).toMatchObject({ priceTextFen: min, priceVoiceFen: max });
    });

    it('absent keeps a price, null stops offering; at least one service must stay', async () => {
      const me = await listener({ priceVoiceFen: 2500 });
      const voiceOnly = await send('/api/workbench/prices', 'PUT', me.headers, { TEXT: null });
      expect(voiceOnly.body.prices).toEqual({ VOICE: 2500 });
      const none = await send('/api/workbench/prices', 'PUT', me.headers, { VOICE: null });
      expect(none.status).toBe(400);
      expect(none.body.code).toBe('listener/no_service');
      const row = await t.prisma.listenerProfile.findUniqueOrThrow({ where: { userId: me.user.id } });
      expect(row).toMatchObject({ priceTextFen: null, priceVoiceFen: 2500 });
    });

    it.each([
      ['a string price', { TEXT: '20' }, 'TEXT'],
      ['a fractional price', { VOICE: 20.5 }, 'VOICE'],
      ['a negative price', { TEXT: -100 }, 'TEXT'],
      ['an unknown service', { VIDEO: 2000 }, 'VIDEO'],
    ])('refuses %s with 400 request/invalid, nothing changed', async (_what, body, field) => {
      const me = await listener();
      const res = await send('/api/workbench/prices', 'PUT', me.headers, body);
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('request/invalid');
      expect(res.body.details.map((d: { field: string }) => d.field)).toContain(field);
      expect((await t.prisma.listenerProfile.findUniqueOrThrow({ where: { userId: me.user.id } })).priceTextFen).toBe(2000);
    });
  });
});

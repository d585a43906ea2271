import { TOPIC_CODES } from '@qingting/shared';
import { loginAs } from '../../test/auth';
import { createListener, createReview } from '../../test/factories';
import { startTestApp, TestApp } from '../../test/test-app';

describe('GET /api/listeners (e2e)', () => {
  let t: TestApp;
  // Scores far above anything other specs create, so this spec owns the top of the list.
  const TOP = 9_000_000;

  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('lists active listeners in recommended order with cursor pagination and no private fields', async () => {
    const made = [];
    for (let i = 0; i < 5; i++) made.push(await createListener(t.prisma, { recommendScore: TOP + 100 - i, topics: ['CAREER'] }));
    await createListener(t.prisma, { recommendScore: TOP + 1000, status: 'SUSPENDED' });

    const first = await t.request('/api/listeners?limit=3');
    expect(first.status).toBe(200);
    expect(first.body.items.map((c: { id: string }) => c.id)).toEqual(made.slice(0, 3).map((m) => m.user.id));
    // The cursor is opaque (keyset on the sort key and id), never a bare id.
    expect(first.body.nextCursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(first.body.nextCursor).not.toBe(made[2].user.id);
    const card = first.body.items[0];
    expect(card).toMatchObject({ alias: made[0].user.alias, topics: ['CAREER'], prices: { TEXT: 2000 }, rating: null, online: false });
    expect(card.avatarUrl).toMatch(/^\/api\/avatars\/[\w-]+\.svg\?g=/);
    expect(JSON.stringify(first.body)).not.toContain(made[0].user.openid);

    const second = await t.request(`/api/listeners?limit=2&cursor=${first.body.nextCursor}`);
    expect(second.body.items.map((c: { id: string }) => c.id)).toEqual(made.slice(3, 5).map((m) => m.user.id));
  });

  it('filters by topic', async () => {
    const family = await createListener(t.prisma, { recommendScore: TOP + 50, topics: ['FAMILY', 'GROWTH'] });
    const res = await t.request('/api/listeners?topic=FAMILY&limit=50');
    expect(res.status).toBe(200);
    expect(res.body.items.length).toBeGreaterThan(0);
    expect(res.body.items.every((c: { topics: string[] }) => c.topics.includes('FAMILY'))).toBe(true);
    expect(res.body.items[0].id).toBe(family.user.id);
  });

  it('computes the rating from the maintained sums, rounded to one decimal', async () => {
    const { user } = await createListener(t.prisma, { ratingSum: 14, ratingCount: 3 });
    const res = await t.request(`/api/listeners/${user.id}`);
    expect(res.status).toBe(200);
    expect(res.body.rating).toBe(4.7);
    expect(res.body.reviewCount).toBe(3);
  });

  it('shows the full profile: stats derived from the incremental columns, hours, canRebook', async () => {
    const { user } = await createListener(t.prisma, {
      intro: '二十年婚姻，离异走出后重新开始，愿意陪你聊聊。',
      tags: ['离异走出'],
      topics: ['MARRIAGE'],
      tier: 'REGULAR',
      certified: true,
      priceVoiceFen: 4000,
      ratingSum: 47,
      ratingCount: 10,
      ordersServed: 12,
      minutesServed: 300,
      distinctTalkers: 9,
      repeatTalkers: 3,
      ordersReceived: 16,
      ordersAccepted: 12,
      acceptSecondsSum: 1000,
      workingHours: [{ day: 1, start: '19:00', end: '23:00' }],
    });
    const res = await t.request(`/api/listeners/${user.id}`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      id: user.id,
      alias: user.alias,
      intro: '二十年婚姻，离异走出后重新开始，愿意陪你聊聊。',
      topics: ['MARRIAGE'],
      tags: ['离异走出'],
      tier: 'REGULAR',
      certified: true,
      prices: { TEXT: 2000, VOICE: 4000 },
      online: false,
      workingHours: [{ day: 1, start: '19:00', end: '23:00' }],
      canRebook: false,
      stats: { ordersServed: 12, minutesServed: 300, rating: 4.7, reviewCount: 10, repurchaseRate: 0.33, responseRate: 0.75, avgAcceptSeconds: 83 },
    });
    for (const secret of ['openid', 'phoneEnc', 'searchText', 'recommendScore', 'suspendedReason']) expect(res.body).not.toHaveProperty(secret);

    // A talker who reviewed this listener before may rebook; another one may not.
    const returning = await loginAs(t);
    await createReview(t.prisma, user.id, { authorId: returning.user.id });
    expect((await t.request(`/api/listeners/${user.id}`, { headers: returning.headers })).body.canRebook).toBe(true);
    const stranger = await loginAs(t);
    expect((await t.request(`/api/listeners/${user.id}`, { headers: stranger.headers })).body.canRebook).toBe(false);
    // A stale token on a public route is just anonymous.
    expect((await t.request(`/api/listeners/${user.id}`, { headers: { authorization: `Bearer ${'x'.repeat(40)}` } })).body.canRebook).toBe(false);
  });

  it('shows null rates before any data', async () => {
    const { user } = await createListener(t.prisma);
    const res = await t.request(`/api/listeners/${user.id}`);
    expect(res.body.stats).toEqual({ ordersServed: 0, minutesServed: 0, rating: null, reviewCount: 0, repurchaseRate: null, responseRate: null, avgAcceptSeconds: null });
  });

  it.each([
    ['an unknown topic', '/api/listeners?topic=LOVE', 'topic'],
    ['a limit over 50', '/api/listeners?limit=51', 'limit'],
    ['a non-numeric limit', '/api/listeners?limit=abc', 'limit'],
    ['a malformed cursor', '/api/listeners?cursor=xyz', 'cursor'],
    ['a cursor with bad characters', '/api/listeners?cursor=%24%24', 'cursor'],
    ['an unknown field', '/api/listeners?sortBy=price', 'sortBy'],
    ['an unknown sort', '/api/listeners?sort=cheapest', 'sort'],
    ['an unknown service type', '/api/listeners?serviceType=VIDEO', 'serviceType'],
    ['an unknown gender', '/api/listeners?gender=OTHER', 'gender'],
    ['a negative price', '/api/listeners?priceMin=-1', 'priceMin'],
    ['a fractional price', '/api/listeners?priceMax=10.5', 'priceMax'],
    ['a huge price', '/api/listeners?priceMax=99999999', 'priceMax'],
    ['a rating over 5', '/api/listeners?ratingMin=5.5', 'ratingMin'],
    ['a non-numeric rating', '/api/listeners?ratingMin=good', 'ratingMin'],
    ['a non-boolean onlineNow', '/api/listeners?onlineNow=yes', 'onlineNow'],
    ['a non-boolean certified', '/api/listeners?certified=maybe', 'certified'],
    ['too many tags', `/api/listeners?tags=${Array.from({ length: 11 }, (_, i) => `t${i}`).join(',')}`, 'tags'],
    ['an over-long tag', `/api/listeners?tags=${encodeURIComponent('很'.repeat(21))}`, 'tags'],
    ['an over-long keyword', `/api/listeners?q=${encodeURIComponent('离'.repeat(31))}`, 'q'],
    ['an empty keyword', '/api/listeners?q=%20%20', 'q'],
  ])('refuses %s with 400 request/invalid naming the field', async (_what, path, field) => {
    const res = await t.request(path);
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('request/invalid');
    expect(res.body.message).toMatch(/^请求参数有误/);
    expect(res.body.details.map((d: { field: string }) => d.field)).toContain(field);
    expect(res.body.requestId).toEqual(expect.any(String));
  });

  it('refuses a cursor of another sort', async () => {
    await createListener(t.prisma, { recommendScore: TOP - 1 });
    await createListener(t.prisma, { recommendScore: TOP - 2 });
    const first = await t.request('/api/listeners?limit=1');
    const res = await t.request(`/api/listeners?limit=1&sort=rating&cursor=${first.body.nextCursor}`);
    expect(res.status).toBe(400);
    expect(res.body.details[0].field).toBe('cursor');
  });

  it('answers 404 listener/not_found for an unknown or suspended listener, 400 for a bad id', async () => {
    const { user } = await createListener(t.prisma, { status: 'SUSPENDED' });
    for (const id of [user.id, '00000000-0000-4000-8000-000000000000']) {
      const res = await t.request(`/api/listeners/${id}`);
      expect(res.status).toBe(404);
      expect(res.body).toMatchObject({ code: 'listener/not_found', message: '找不到这位倾听者' });
      expect((await t.request(`/api/listeners/${id}/reviews`)).status).toBe(404);
    }
    expect((await t.request('/api/listeners/not-a-uuid')).body.code).toBe('request/invalid');
  });

  it('accepts every topic code of the shared taxonomy', async () => {
    for (const topic of TOPIC_CODES) expect((await t.request(`/api/listeners?topic=${topic}&limit=1`)).status).toBe(200);
  });
});

describe('GET /api/listeners/:id/reviews (e2e)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('lists anonymous reviews newest first, every review exactly once across pages', async () => {
    const { user } = await createListener(t.prisma);
    const authors = [];
    const base = Date.parse('2026-11-01T00:00:00Z');
    for (let i = 0; i < 7; i++) {
      const author = await loginAs(t);
      authors.push(author.user);
      // Two reviews share a timestamp: the id breaks the tie.
      await createReview(t.prisma, user.id, { authorId: author.user.id, stars: 1 + (i % 5), text: `第${i}条`, createdAt: new Date(base + Math.min(i, 5) * 60_000) });
    }
    const seen: { id: string; createdAt: string; text: string }[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res: { status: number; body: { items: typeof seen; nextCursor: string | null } } = await t.request(
        `/api/listeners/${user.id}/reviews?limit=3${cursor ? `&cursor=${cursor}` : ''}`,
      );
      expect(res.status).toBe(200);
      seen.push(...res.body.items);
      cursor = res.body.nextCursor;
      pages++;
    } while (cursor && pages < 10);
    expect(pages).toBe(3);
    expect(seen).toHaveLength(7);
    expect(new Set(seen.map((r) => r.id)).size).toBe(7);
    const times = seen.map((r) => Date.parse(r.createdAt));
    expect([...times].sort((a, b) => b - a)).toEqual(times);
    // 第5条 and 第6条 share the newest timestamp: the larger id first.
    expect(seen.slice(0, 2).map((r) => r.text).sort()).toEqual(['第5条', '第6条']);
    expect(seen[0].id > seen[1].id).toBe(true);
    expect(seen[0]).toMatchObject({ author: '匿名用户' });
    expect(seen[6].text).toBe('第0条');
    const text = JSON.stringify(seen);
    for (const a of authors) {
      expect(text).not.toContain(a.id);
      expect(text).not.toContain(a.alias);
    }
  });

  it('refuses a bad cursor or limit', async () => {
    const { user } = await createListener(t.prisma);
    expect((await t.request(`/api/listeners/${user.id}/reviews?cursor=abc`)).body.code).toBe('request/invalid');
    expect((await t.request(`/api/listeners/${user.id}/reviews?limit=0`)).body.code).toBe('request/invalid');
  });
});

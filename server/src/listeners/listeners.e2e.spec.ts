import { TOPIC_CODES } from '@qingting/shared';
import { createListener } from '../../test/factories';
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
    expect(first.body.nextCursor).toBe(made[2].user.id);
    const card = first.body.items[0];
    expect(card).toMatchObject({ alias: made[0].user.alias, topics: ['CAREER'], prices: { TEXT: 2000 }, rating: null });
    expect(card.avatarUrl).toMatch(/^data:image\/svg\+xml/);
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

  it.each([
    ['an unknown topic', '/api/listeners?topic=LOVE', 'topic'],
    ['a limit over 50', '/api/listeners?limit=51', 'limit'],
    ['a non-numeric limit', '/api/listeners?limit=abc', 'limit'],
    ['a malformed cursor', '/api/listeners?cursor=xyz', 'cursor'],
    ['an unknown field', '/api/listeners?sortBy=price', 'sortBy'],
  ])('refuses %s with 400 request/invalid naming the field', async (_what, path, field) => {
    const res = await t.request(path);
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('request/invalid');
    expect(res.body.message).toMatch(/^请求参数有误/);
    expect(res.body.details.map((d: { field: string }) => d.field)).toContain(field);
    expect(res.body.requestId).toEqual(expect.any(String));
  });

  it('answers 404 listener/not_found for an unknown or suspended listener, 400 for a bad id', async () => {
    const { user } = await createListener(t.prisma, { status: 'SUSPENDED' });
    for (const id of [user.id, '00000000-0000-4000-8000-000000000000']) {
      const res = await t.request(`/api/listeners/${id}`);
      expect(res.status).toBe(404);
      expect(res.body).toMatchObject({ code: 'listener/not_found', message: '找不到这位倾听者' });
    }
    expect((await t.request('/api/listeners/not-a-uuid')).body.code).toBe('request/invalid');
  });

  it('accepts every topic code of the shared taxonomy', async () => {
    for (const topic of TOPIC_CODES) expect((await t.request(`/api/listeners?topic=${topic}&limit=1`)).status).toBe(200);
  });
});

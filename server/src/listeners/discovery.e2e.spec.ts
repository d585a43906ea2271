import { randomBytes } from 'node:crypto';
import type { ListenerCard } from '@qingting/shared';
import { createListener } from '../../test/factories';
import { startTestApp, TestApp } from '../../test/test-app';
import { PresenceService } from './presence.service';

/** A tag no other spec uses, so a filter on it sees only this spec's listeners. */
const uniqueTag = () => `t${randomBytes(5).toString('hex')}`;

describe('discovery filters, sorts, search and presence (e2e)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  const ids = (items: ListenerCard[]) => items.map((c) => c.id);
  async function all(path: string, limit = 3): Promise<ListenerCard[]> {
    const out: ListenerCard[] = [];
    let cursor: string | null = null;
    for (let i = 0; i < 100; i++) {
      const res: { status: number; body: { items: ListenerCard[]; nextCursor: string | null } } = await t.request(
        `${path}&limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`,
      );
      expect(res.status).toBe(200);
      out.push(...res.body.items);
      cursor = res.body.nextCursor;
      if (!cursor) return out;
    }
    throw new Error('pagination did not end');
  }

  describe('every sort paginates over every matching row exactly once, in order', () => {
    const tag = uniqueTag();
    type Made = { id: string; score: number; price: number | null; voice: number | null; rating: number; minutes: number };
    const made: Made[] = [];
    beforeAll(async () => {
      // Many ties on every key, so the keyset's id tie-break is exercised.
      for (let i = 0; i < 13; i++) {
        const m = {
          score: 1000 + (i % 4),
          price: i === 12 ? null : 1000 + (i % 3) * 500,
          voice: i % 2 ? 3000 : null,
          rating: 400 + (i % 5) * 20,
          minutes: (i % 3) * 60,
        };
        const { user } = await createListener(t.prisma, {
          tags: [tag],
          recommendScore: m.score,
          priceTextFen: m.price,
          priceVoiceFen: m.price === null ? 2500 : m.voice,
          ratingAvgCenti: m.rating,
          minutesServed: m.minutes,
        });
        made.push({ id: user.id, ...m, voice: m.price === null ? 2500 : m.voice });
      }
    });
    const desc = (key: keyof Made) => (a: Made, b: Made) => (b[key] as number) - (a[key] as number) || (a.id < b.id ? 1 : -1);

    it.each([
      ['recommended', 'score'],
      ['rating', 'rating'],
      ['minutes', 'minutes'],
    ] as const)('sort=%s (desc by %s, then id desc)', async (sort, key) => {
      for (const limit of [1, 4, 50]) {
        const got = await all(`/api/listeners?tags=${tag}&sort=${sort}`, limit);
        expect(ids(got)).toEqual([...made].sort(desc(key)).map((m) => m.id));
      }
    });

    it('sort=recommended is the default', async () => {
      expect(ids(await all(`/api/listeners?tags=${tag}`))).toEqual([...made].sort(desc('score')).map((m) => m.id));
    });

    it('sort=price ascends on the TEXT price by default, on the chosen service otherwise, leaving out who does not offer it', async () => {
      const asc = (key: 'price' | 'voice') => made.filter((m) => m[key] !== null).sort((a, b) => a[key]! - b[key]! || (a.id < b.id ? -1 : 1)).map((m) => m.id);
      for (const limit of [1, 5]) {
        expect(ids(await all(`/api/listeners?tags=${tag}&sort=price`, limit))).toEqual(asc('price'));
        expect(ids(await all(`/api/listeners?tags=${tag}&sort=price&serviceType=VOICE`, limit))).toEqual(asc('voice'));
      }
    });
  });

  describe('filters', () => {
    const tag = uniqueTag();
    const other = uniqueTag();
    let a: string, b: string, c: string, d: string;
    beforeAll(async () => {
      a = (await createListener(t.prisma, { tags: [tag], topics: ['MARRIAGE'], gender: 'FEMALE', priceTextFen: 1500, priceVoiceFen: null, certified: true, ratingAvgCenti: 490, recommendScore: 4 })).user.id;
      b = (await createListener(t.prisma, { tags: [tag, other], topics: ['CAREER'], gender: 'MALE', priceTextFen: 3000, priceVoiceFen: 5000, certified: false, ratingAvgCenti: 450, recommendScore: 3 })).user.id;
      c = (await createListener(t.prisma, { tags: [other], topics: ['CAREER', 'MARRIAGE'], gender: 'UNDISCLOSED', priceTextFen: null, priceVoiceFen: 2000, certified: true, ratingAvgCenti: 420, recommendScore: 2 })).user.id;
      d = (await createListener(t.prisma, { tags: [tag], topics: ['FAMILY'], gender: 'FEMALE', priceTextFen: 6000, status: 'SUSPENDED', recommendScore: 1 })).user.id;
    });
    const q = async (params: string) => {
      const res = await t.request(`/api/listeners?tags=${tag},${other}&limit=50&${params}`);
      expect(res.status).toBe(200);
      return ids(res.body.items);
    };

    it('tags: any of them, repeated or comma-separated; never a suspended listener', async () => {
      expect(await q('')).toEqual([a, b, c]);
      expect(ids((await t.request(`/api/listeners?tags=${tag}&tags=${other}`)).body.items)).toEqual([a, b, c]);
      expect(ids((await t.request(`/api/listeners?tags=${other}`)).body.items)).toEqual([b, c]);
      expect(await q('')).not.toContain(d);
    });
    it('topic', async () => expect(await q('topic=MARRIAGE')).toEqual([a, c]));
    it('serviceType', async () => {
      expect(await q('serviceType=VOICE')).toEqual([b, c]);
      expect(await q('serviceType=TEXT')).toEqual([a, b]);
    });
    it('price range on the TEXT price by default, on the chosen service otherwise', async () => {
      expect(await q('priceMin=1500&priceMax=2999')).toEqual([a]);
      expect(await q('priceMin=3000')).toEqual([b]);
      expect(await q('serviceType=VOICE&priceMax=2000')).toEqual([c]);
      expect(await q('serviceType=VOICE&priceMin=2001&priceMax=5000')).toEqual([b]);
    });
    it('gender', async () => {
      expect(await q('gender=FEMALE')).toEqual([a]);
      expect(await q('gender=MALE')).toEqual([b]);
      expect(await q('gender=UNDISCLOSED')).toEqual([c]);
    });
    it('certified', async () => {
      expect(await q('certified=true')).toEqual([a, c]);
      expect(await q('certified=false')).toEqual([b]);
    });
    it('ratingMin', async () => {
      expect(await q('ratingMin=4.5')).toEqual([a, b]);
      expect(await q('ratingMin=4.9')).toEqual([a]);
      expect(await q('ratingMin=5')).toEqual([]);
    });
    it('filters combine', async () => expect(await q('topic=CAREER&certified=true&serviceType=VOICE')).toEqual([c]));
  });

  describe('keyword search (Chinese substrings over alias, intro and tags)', () => {
    const tag = uniqueTag();
    let divorced: string, aliased: string, tagged: string;
    beforeAll(async () => {
      divorced = (await createListener(t.prisma, { tags: [tag], intro: '我也曾经历离异走出的那段日子，愿意听你说说心里话。' })).user.id;
      aliased = (await createListener(t.prisma, { tags: [tag], intro: '普通上班族，喜欢听故事。' }, `晚风${tag.slice(1, 5)}听雨`)).user.id;
      tagged = (await createListener(t.prisma, { tags: [tag, '产后情绪'], intro: '做了两年妈妈，理解那份疲惫。100%_真诚' })).user.id;
    });
    const search = async (kw: string) => {
      const res = await t.request(`/api/listeners?tags=${tag}&limit=50&q=${encodeURIComponent(kw)}`);
      expect(res.status).toBe(200);
      return ids(res.body.items);
    };

    it('finds a substring of the intro', async () => {
      expect(await search('离异')).toEqual([divorced]);
      expect(await search('异走')).toEqual([divorced]);
      expect(await search('离')).toEqual([divorced]);
    });
    it('finds a substring of the alias', async () => expect(await search(`风${tag.slice(1, 5)}听`)).toEqual([aliased]));
    it('finds a tag', async () => expect(await search('产后')).toEqual([tagged]));
    it('is case-insensitive and treats % and _ literally', async () => {
      expect(await search(tag.toUpperCase())).toHaveLength(3);
      expect(await search('%_')).toEqual([tagged]);
      expect(await search('%')).toEqual([tagged]);
      expect(await search('_')).toEqual([tagged]);
      expect(await search('没有这个词')).toEqual([]);
    });
  });

  describe('online now: toggle, Redis presence and working hours', () => {
    const tag = uniqueTag();
    const hoursNow = () => {
      // A slot around the current Beijing time, and one that is certainly not now.
      const bj = new Date(Date.now() + 8 * 3600_000);
      const day = ((bj.getUTCDay() + 6) % 7) + 1;
      return { inside: [{ day, start: '00:00', end: '23:59' }, { day, start: '23:59', end: '00:00' }], outside: [{ day: (day % 7) + 1, start: '10:00', end: '11:00' }] };
    };
    let presence: PresenceService;
    const made: Record<string, string> = {};
    beforeAll(async () => {
      presence = t.app.get(PresenceService);
      const h = hoursNow();
      const specs = {
        live: { online: true, present: true, workingHours: [] },
        liveInHours: { online: true, present: true, workingHours: h.inside },
        outOfHours: { online: true, present: true, workingHours: h.outside },
        toggleOff: { online: false, present: true, workingHours: [] },
        noHeartbeat: { online: true, present: false, workingHours: [] },
      };
      let score = 100;
      for (const [name, s] of Object.entries(specs)) {
        const { user } = await createListener(t.prisma, { tags: [tag], online: s.online, workingHours: s.workingHours, recommendScore: score-- });
        if (s.present) await presence.beat(user.id);
        made[name] = user.id;
      }
    });

    it('onlineNow=true: toggle on AND present AND within hours (or none set)', async () => {
      const res = await t.request(`/api/listeners?tags=${tag}&onlineNow=true`);
      expect(ids(res.body.items)).toEqual([made.live, made.liveInHours]);
      expect(res.body.items.every((c: ListenerCard) => c.online)).toBe(true);
    });
    it('onlineNow=false is the complement; cards say who is online now', async () => {
      const res = await t.request(`/api/listeners?tags=${tag}&onlineNow=false`);
      expect(ids(res.body.items)).toEqual([made.outOfHours, made.toggleOff, made.noHeartbeat]);
      const everyone = (await t.request(`/api/listeners?tags=${tag}`)).body.items as ListenerCard[];
      expect(everyone.filter((c) => c.online).map((c) => c.id)).toEqual([made.live, made.liveInHours]);
    });
    it('the profile agrees', async () => {
      expect((await t.request(`/api/listeners/${made.live}`)).body.online).toBe(true);
      expect((await t.request(`/api/listeners/${made.outOfHours}`)).body.online).toBe(false);
      expect((await t.request(`/api/listeners/${made.noHeartbeat}`)).body.online).toBe(false);
    });
    it('presence ends when the heartbeat stops (expired entries are not candidates)', async () => {
      const { user } = await createListener(t.prisma, { tags: [tag], online: true });
      await presence.beat(user.id, Date.now() - 200_000); // its index entry expired long ago
      const res = await t.request(`/api/listeners?tags=${tag}&onlineNow=true`);
      expect(ids(res.body.items)).not.toContain(user.id);
      await presence.leave(user.id);
      expect((await t.request(`/api/listeners/${user.id}`)).body.online).toBe(false);
    });
  });
});

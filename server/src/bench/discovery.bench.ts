import { Pool } from 'pg';
import { createTestDatabase, dropTestDatabase, pgPoolConfig } from '@qingting/prisma';
import { plainToInstance } from 'class-transformer';
import { createApp } from '../bootstrap';
import { loadConfig } from '../infra/config/app-config';
import { discoverySql, encodeDiscoveryCursor, type DiscoveryRow } from '../listeners/discovery-sql';
import { ListListenersQuery } from '../listeners/dto/list-listeners.query';
import { toListenerCard } from '../listeners/listener-card';
import { CURRENT_INPUTS, recommendScoreSql } from '../listeners/recommend-score';
import { load, LoadResult, report, serveBare } from './bench-util';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const CONNECTIONS = 64;
const ROUNDS = 2;
const LISTENERS = 25_000;
const REVIEWS = 500_000;
const TALKERS = 5_000;
const PATH = '/api/listeners?topic=MARRIAGE&limit=20';

type PgPoolLike = Pool;

/** Bulk seed in SQL (generate_series), no row-by-row inserts: 25k listeners, 5k talkers, 500k reviews. */
export async function seed(pool: PgPoolLike): Promise<number> {
  const started = Date.now();
  const c = await pool.connect();
  try {
    await c.query(`
      INSERT INTO users (id, openid, alias, avatar_seed, roles, updated_at)
      SELECT gen_random_uuid(), 'bench-l-' || g, '倾听者' || g, 'seed-' || g, ARRAY['TALKER','LISTENER']::"Role"[], now()
      FROM generate_series(1, ${LISTENERS}) g`);
    await c.query(`
      INSERT INTO users (id, openid, alias, avatar_seed, roles, updated_at)
      SELECT gen_random_uuid(), 'bench-t-' || g, '倾诉者' || g, 'seed-t-' || g, ARRAY['TALKER']::"Role"[], now()
      FROM generate_series(1, ${TALKERS}) g`);
    await c.query(`CREATE TEMP TABLE ln AS SELECT substring(openid from 9)::int AS n, id FROM users WHERE openid LIKE 'bench-l-%'`);
    await c.query(`CREATE TEMP TABLE tn AS SELECT substring(openid from 9)::int AS n, id FROM users WHERE openid LIKE 'bench-t-%'`);
    await c.query(`CREATE INDEX ON ln (n)`);
    await c.query(`CREATE INDEX ON tn (n)`);
    const tags = `(ARRAY['离异走出','产后情绪','职场转型','异地恋','失恋疗愈','考研焦虑','婆媳相处','社恐改善','丧亲陪伴','自我接纳','青春期沟通','失眠夜聊'])`;
    await c.query(`
      INSERT INTO listener_profiles (user_id, gender, intro, topics, tags, tier, certified, price_text_fen, price_voice_fen, online,
        orders_served, minutes_served, distinct_talkers, repeat_talkers, orders_received, orders_accepted, accept_seconds_sum,
        working_hours, search_text, created_at)
      SELECT l.id,
        (ARRAY['FEMALE','MALE','UNDISCLOSED']::"Gender"[])[1 + l.n % 3],
        '我是第' || l.n || '位倾听者，愿意陪你聊聊心里话，不评判，慢慢理清思路。',
        ARRAY[(enum_range(NULL::"Topic"))[1 + l.n % 8], (enum_range(NULL::"Topic"))[1 + (l.n / 8) % 8]],
        ARRAY[${tags}[1 + l.n % 12], ${tags}[1 + (l.n / 12) % 12]],
        (ARRAY['NEW','REGULAR','SENIOR']::"ListenerTier"[])[1 + l.n % 3],
        l.n % 7 = 0,
        1000 + (l.n % 20) * 100,
        CASE WHEN l.n % 2 = 0 THEN 2000 + (l.n % 10) * 100 END,
        l.n % 5 < 2,
        (l.n * 7) % 200, ((l.n * 7) % 200) * 25, (l.n * 5) % 150, (l.n * 3) % 50, (l.n * 7) % 200 + 5, (l.n * 7) % 200, ((l.n * 7) % 200) * 60,
        CASE WHEN l.n % 3 = 0 THEN '[{"day":1,"start":"19:00","end":"23:00"},{"day":5,"start":"20:00","end":"02:00"}]'::jsonb ELSE '[]'::jsonb END,
        lower('倾听者' || l.n || ' 我是第' || l.n || '位倾听者，愿意陪你聊聊心里话，不评判，慢慢理清思路。'),
        now() - (l.n || ' minutes')::interval
      FROM ln l`);
    await c.query(`
      INSERT INTO reviews (id, listener_id, author_id, stars, tags, text, created_at)
      SELECT gen_random_uuid(), l.id, t.id, CASE WHEN g % 10 < 7 THEN 5 WHEN g % 10 < 9 THEN 4 ELSE 3 END, ARRAY['耐心'],
        CASE WHEN g % 4 = 0 THEN NULL ELSE '聊完心里轻松多了，谢谢你。' END, now() - (g || ' seconds')::interval
      FROM generate_series(1, ${REVIEWS}) g
      JOIN ln l ON l.n = 1 + g % ${LISTENERS}
      JOIN tn t ON t.n = 1 + g % ${TALKERS}`);
    // Stats as the stats service would have maintained them, then the score from the same SQL.
    await c.query(`
      UPDATE listener_profiles p SET rating_sum = r.s, rating_count = r.c, rating_avg_centi = (r.s::bigint * 100 / r.c)::int
      FROM (SELECT listener_id, sum(stars)::int AS s, count(*)::int AS c FROM reviews GROUP BY listener_id) r
      WHERE r.listener_id = p.user_id`);
    await c.query(`UPDATE listener_profiles SET recommend_score = ${recommendScoreSql(CURRENT_INPUTS).text}`);
    await c.query('VACUUM ANALYZE users');
    await c.query('VACUUM ANALYZE listener_profiles');
    await c.query('VACUUM ANALYZE reviews');
  } finally {
    c.release();
  }
  return Date.now() - started;
}

function query(topic: string, limit: number): ListListenersQuery {
  return plainToInstance(ListListenersQuery, { topic, limit });
}

/**
 * The baseline: plain node:http + pg Pool (same pool size as the app's), running the same SQL
 * and answering the same JSON shape (cards + cursor), with no framework, no auth guard, no
 * validation, no presence lookup.
 */
function baseline(pool: PgPoolLike): Promise<{ url: string; close: () => Promise<void> }> {
  return serveBare((req, res) => {
    const u = new URL(req.url ?? '/', 'http://x');
    const q = query(u.searchParams.get('topic') ?? 'MARRIAGE', Number(u.searchParams.get('limit') ?? 20));
    const s = discoverySql(q, { now: new Date() });
    pool.query<DiscoveryRow>(s.text, s.values).then(
      ({ rows }) => {
        const page = rows.slice(0, q.limit);
        const body = JSON.stringify({
          items: page.map((r) =>
            toListenerCard(
              { userId: r.user_id, alias: r.alias, avatarSeed: r.avatar_seed, gender: r.gender, tier: r.tier, topics: r.topics, tags: r.tags, priceTextFen: r.price_text_fen, priceVoiceFen: r.price_voice_fen, certified: r.certified, ratingSum: r.rating_sum, ratingCount: r.rating_count, ordersServed: r.orders_served },
              false,
            ),
          ),
          nextCursor: rows.length > q.limit ? encodeDiscoveryCursor('recommended', page[page.length - 1]) : null,
        });
        res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
        res.end(body);
      },
      (err: Error) => {
        res.writeHead(500);
        res.end(err.message);
      },
    );
  });
}

/** Discovery (topic filter + recommended sort, page of 20) at 64 connections: the app vs the bare baseline, same run. */
export async function benchDiscovery(): Promise<void> {
  const databaseUrl = await createTestDatabase('qingting_bench');
  const pool = new Pool(pgPoolConfig(databaseUrl));
  // Dropping the database at the end (WITH FORCE) ends connections a straggling request may hold.
  pool.on('error', () => undefined);
  const results: Record<'baseline' | 'app', LoadResult[]> = { baseline: [], app: [] };
  let seedMs = 0;
  let plan = '';
  try {
    seedMs = await seed(pool);
    console.log(`discovery bench: seeded ${LISTENERS} listeners, ${REVIEWS} reviews in ${(seedMs / 1000).toFixed(1)} s`);
    const s = discoverySql(query('MARRIAGE', 20), { now: new Date() });
    plan = (await pool.query<{ 'QUERY PLAN': string }>(`EXPLAIN (ANALYZE, BUFFERS) ${s.text}`, s.values)).rows.map((r) => r['QUERY PLAN']).join('\n');

    const config = loadConfig({
      ...process.env,
      NODE_ENV: 'test',
      DATABASE_URL: databaseUrl,
      REDIS_URL: process.env.REDIS_URL || 'redis://127.0.0.1:6379',
      LOG_LEVEL: 'silent',
      MIGRATE_ON_START: 'false',
    });
    const app = await createApp(config);
    await app.listen(0, '127.0.0.1');
    const appUrl = (await app.getUrl()).replace('[::1]', '127.0.0.1');
    const bare = await baseline(pool);
    try {
      // Same answer from both (modulo `online`, which only the app knows), then warm both up.
      const [a, b] = (await Promise.all([fetch(appUrl + PATH).then((r) => r.json()), fetch(bare.url + PATH).then((r) => r.json())])) as { items: { id: string }[] }[];
      const idsOf = (x: { items: { id: string }[] }) => x.items.map((i) => i.id).join();
      if (idsOf(a) !== idsOf(b) || a.items.length !== 20) throw new Error('the app and the baseline disagree');
      await load(appUrl + PATH, 1, CONNECTIONS);
      await load(bare.url + PATH, 1, CONNECTIONS);
      for (let round = 0; round < ROUNDS; round++) {
        results.baseline.push(await load(bare.url + PATH, SECONDS, CONNECTIONS));
        results.app.push(await load(appUrl + PATH, SECONDS, CONNECTIONS));
      }
    } finally {
      await bare.close();
      await app.close();
    }
  } finally {
    await pool.end();
    await dropTestDatabase(databaseUrl);
  }
  const best = (rs: LoadResult[]) => rs.reduce((x, y) => (y.requestsPerSec > x.requestsPerSec ? y : x));
  const app = best(results.app);
  const base = best(results.baseline);
  const ratio = Math.round((app.requestsPerSec / base.requestsPerSec) * 100) / 100;
  const rows = [
    { server: 'baseline (node:http + pg)', ...base },
    { server: 'app (Nest + Fastify + Prisma)', ...app },
  ];
  report('discovery', rows, {
    path: PATH,
    seconds: SECONDS,
    rounds: ROUNDS,
    connections: CONNECTIONS,
    listeners: LISTENERS,
    reviews: REVIEWS,
    seedSeconds: Math.round(seedMs / 100) / 10,
    throughputRatio: ratio,
    targets: { appP99Ms: 50, ratio: 0.6, met: app.latencyP99Ms <= 50 && ratio >= 0.6 },
    plan,
  });
  console.log(`app/baseline throughput: ${ratio}; app p99 ${app.latencyP99Ms} ms (target ≤ 50 ms, ≥ 0.6)\n${plan}`);
}

import { randomBytes, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createTestDatabase, type Database, dropTestDatabase, openDatabase, type Sql } from '@qingting/prisma';
import { newConversationKey, sealMessage } from '../chat/message-crypto';
import { freePort } from '../common/free-port';
import { FieldCrypto } from '../identity/field-crypto.service';
import { AppConfig, loadConfig } from '../infra/config/app-config';
import type { PrismaService } from '../infra/database/prisma.service';
import { paymentLines } from '../ledger/ledger.rules';
import { LedgerService, paymentKey } from '../ledger/ledger.service';
import { ORDER_PAID_JOB } from '../orders/order-jobs';
import { SESSION_JOBS } from '../sessions/session-lifecycle.service';
import { generateKeyMaterial } from '../wechat/protocol/dev-keys';
import { cpuOver, cpuProfileEnv, ENTRY, report, startProcess, type BenchProcess } from './bench-util';

/** Sessions ending at once (PRODUCT: 1,000 in the same second, each ended within 2 s of its end). */
const SESSIONS = Number(process.env.BENCH_SESSIONS ?? 1_000);
const TARGET_MS = 2_000;
/** A burst not finished by then is reported as such. */
const TIMEOUT_MS = 120_000;
/** The burst is due this long after its rows are written (they take well under a second). */
const LEAD_MS = 3_000;
/** One 15-minute TEXT unit at 20 CNY. */
const PRICE_FEN = 2_000;
const UNITS = 1;
const MINUTES = 15 * UNITS;
/** Stands for the listener's id in the ledger accounts of `paymentLines` (replaced per row in SQL). */
const LISTENER_TOKEN = '{listener}';
/** Bare claim loop workers: the app's SCHEDULER_CONCURRENCY default. */
const BARE_WORKERS = 4;
const BARE_KIND = 'bench.noop';

/** A type (not an interface) so it passes as a report row. */
type Burst = {
  measure: string;
  count: number;
  done: number;
  p50LateMs: number | null;
  p99LateMs: number | null;
  maxLateMs: number | null;
  /** From the due time to the last one done. */
  lastDoneMs: number | null;
  perSecond: number | null;
  appCpuMs?: number;
  dbCpuMs?: number;
};

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** A due time on a whole second, at least LEAD_MS from now: "the same second". */
const nextSecond = () => new Date(Math.ceil((Date.now() + LEAD_MS) / 1000) * 1000);

function summarise(measure: string, count: number, lateMs: number[], lastDoneMs: number | null): Burst {
  const sorted = lateMs.slice().sort((a, b) => a - b);
  const at = (q: number) => (sorted.length ? Math.round(sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]) : null);
  return {
    measure,
    count,
    done: sorted.length,
    p50LateMs: at(0.5),
    p99LateMs: at(0.99),
    maxLateMs: sorted.length ? Math.round(sorted[sorted.length - 1]) : null,
    lastDoneMs: lastDoneMs === null ? null : Math.round(lastDoneMs),
    perSecond: lastDoneMs ? Math.round((sorted.length * 1000) / lastDoneMs) : null,
  };
}

async function waitUntil(check: () => Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (await check()) return true;
    await sleep(100);
  }
  return check();
}

// --- the fixture: what checkout, accept and both joins leave behind, written in bulk ---

/**
 * `count` ACTIVE sessions whose paid end is `endsAt`, with everything the real flow would have
 * written: talker and listener (with profile), the SESSION order IN_SESSION (paid, accepted; its
 * history), the PAYMENT posting (`paymentLines`), the session and its events, the conversation
 * (a fresh key wrapped by FieldCrypto, as `ChatService.open`; the start's system message sealed
 * with it) and members, the `session.end` timer, and the done rows of the timers that already ran.
 */
async function seedActiveSessions(sql: Sql, crypto: FieldCrypto, config: AppConfig, count: number, endsAt: Date): Promise<{ sessionIds: string[]; orderIds: string[] }> {
  const ids = () => Array.from({ length: count }, () => randomUUID());
  const [sessionIds, orderIds, talkerIds, listenerIds, conversationIds, ledgerIds] = [ids(), ids(), ids(), ids(), ids(), ids()];
  const keys = Array.from({ length: count }, () => newConversationKey());
  const wrapped = keys.map((k) => crypto.encrypt(k.toString('base64')));
  const startText = `会话开始，时长 ${MINUTES} 分钟，以服务器时间为准。`;
  const startMessages = keys.map((k) => sealMessage(k, startText).toString('hex'));
  const lines = paymentLines(LISTENER_TOKEN, PRICE_FEN, config.COMMISSION_SESSION_PERCENT);
  await sql.transaction(async (tx) => {
    // Per-row times, backwards from the end: started paidSeconds before it, accepted 2 min before that, paid 1 min before, created 1 min before.
    await tx.query(
      `CREATE TEMP TABLE fx ON COMMIT DROP AS
       SELECT f.*, e.ends_at, e.started_at, e.started_at - interval '2 minutes' AS accepted_at,
              e.started_at - interval '3 minutes' AS paid_at, e.started_at - interval '4 minutes' AS created_at
         FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::uuid[], $5::uuid[], $6::uuid[], $7::text[], $8::text[], $9::text[])
              WITH ORDINALITY AS f(session_id, order_id, talker_id, listener_id, conversation_id, ledger_id, key_wrapped, start_message, payment_key, n),
              LATERAL (SELECT $10::timestamptz AS ends_at, $10::timestamptz - make_interval(secs => $11) AS started_at) e`,
      [sessionIds, orderIds, talkerIds, listenerIds, conversationIds, ledgerIds, wrapped, startMessages, orderIds.map(paymentKey), endsAt, MINUTES * 60],
    );
    await tx.query(
      `INSERT INTO users (id, openid, alias, avatar_seed, roles, created_at, updated_at)
       SELECT talker_id, 'bench-talker-' || talker_id, '倾诉者' || n, 'bt' || n, ARRAY['TALKER']::"Role"[], created_at, created_at FROM fx
       UNION ALL
       SELECT listener_id, 'bench-listener-' || listener_id, '倾听者' || n, 'bl' || n, ARRAY['TALKER','LISTENER']::"Role"[], created_at, created_at FROM fx`,
    );
    await tx.query(
      `INSERT INTO listener_profiles (user_id, gender, intro, topics, tags, price_text_fen, online, created_at)
       SELECT listener_id, 'FEMALE', '压测', ARRAY['EMOTION']::"Topic"[], '{}', $1, true, created_at FROM fx`,
      [PRICE_FEN],
    );
    await tx.query(
      `INSERT INTO orders (id, out_trade_no, kind, talker_id, listener_id, service_type, units, unit_price_fen, minutes, subtotal_fen, total_fen,
                           status, prepay_id, transaction_id, pay_by, paid_at, accept_by, accepted_at, created_at, updated_at)
       SELECT order_id, replace(order_id::text, '-', ''), 'SESSION', talker_id, listener_id, 'TEXT', $1, $2, $3, $4, $4,
              'IN_SESSION', 'wx' || substr(md5(order_id::text), 1, 30), '4200' || substr(md5(session_id::text), 1, 24),
              created_at + make_interval(mins => $5), paid_at, paid_at + make_interval(mins => $6), accepted_at, created_at, started_at
         FROM fx`,
      [UNITS, PRICE_FEN, MINUTES, PRICE_FEN * UNITS, config.ORDER_PAY_MINUTES, config.ORDER_ACCEPT_MINUTES],
    );
    await tx.query(
      `INSERT INTO order_transitions (id, order_id, "from", "to", actor_id, reason, at)
       SELECT gen_random_uuid(), order_id, t.from_status::"OrderStatus", t.to_status::"OrderStatus", t.actor_id, t.reason, t.at
         FROM fx, LATERAL (VALUES
           (NULL, 'PENDING_PAYMENT', talker_id, '下单', created_at),
           ('PENDING_PAYMENT', 'PAID', NULL, '微信支付通知：支付成功', paid_at),
           ('PAID', 'ACCEPTED', listener_id, '倾听者接单', accepted_at),
           ('ACCEPTED', 'IN_SESSION', listener_id, '双方进入会话，开始计时', started_at)) t(from_status, to_status, actor_id, reason, at)`,
    );
    await tx.query(`INSERT INTO ledger_transactions (id, kind, idempotency_key, order_id, created_at) SELECT ledger_id, 'PAYMENT', payment_key, order_id, paid_at FROM fx`);
    await tx.query(
      `INSERT INTO ledger_entries (id, transaction_id, account, amount_fen, created_at)
       SELECT gen_random_uuid(), ledger_id, replace(l.account, $1, listener_id::text), l.amount_fen, paid_at
         FROM fx, unnest($2::text[], $3::int[]) AS l(account, amount_fen)`,
      [LISTENER_TOKEN, lines.map((l) => l.account), lines.map((l) => l.amountFen)],
    );
    await tx.query(
      `INSERT INTO sessions (id, order_id, talker_id, listener_id, service_type, status, start_by, talker_joined_at, listener_joined_at,
                             started_at, paid_seconds, ends_at, created_at, updated_at)
       SELECT session_id, order_id, talker_id, listener_id, 'TEXT', 'ACTIVE', accepted_at + make_interval(mins => $1), started_at - interval '30 seconds', started_at,
              started_at, $2, ends_at, accepted_at, started_at
         FROM fx`,
      [config.SESSION_START_WINDOW_MINUTES, MINUTES * 60],
    );
    await tx.query(
      `INSERT INTO session_events (id, session_id, kind, "from", "to", actor_id, detail, at)
       SELECT gen_random_uuid(), session_id, e.kind, e.from_status::"SessionStatus", e.to_status::"SessionStatus", e.actor_id, e.detail, e.at
         FROM fx, LATERAL (VALUES
           ('status:WAITING', NULL, 'WAITING', listener_id, '倾听者接单，等待双方进入', accepted_at),
           ('joined', NULL, NULL, talker_id, 'talker', started_at - interval '30 seconds'),
           ('joined', NULL, NULL, listener_id, 'listener', started_at),
           ('status:ACTIVE', 'WAITING', 'ACTIVE', listener_id, '双方到齐，开始计时', started_at)) e(kind, from_status, to_status, actor_id, detail, at)`,
    );
    await tx.query(
      `INSERT INTO conversations (id, kind, subject_id, last_seq, key_wrapped, created_at)
       SELECT conversation_id, 'SESSION', session_id, 1, key_wrapped, accepted_at FROM fx`,
    );
    await tx.query(
      `INSERT INTO conversation_members (conversation_id, user_id, role, joined_at)
       SELECT conversation_id, talker_id, 'TALKER', accepted_at FROM fx
       UNION ALL
       SELECT conversation_id, listener_id, 'LISTENER', accepted_at FROM fx`,
    );
    await tx.query(
      `INSERT INTO messages (id, conversation_id, seq, kind, body, created_at)
       SELECT gen_random_uuid(), conversation_id, 1, 'SYSTEM', decode(start_message, 'hex'), started_at FROM fx`,
    );
    // The end timer as SessionLifecycleService.scheduleEnd writes it, and the done rows of the timers that ran (payment follow-up, reminder).
    await tx.query(
      `INSERT INTO scheduled_jobs (id, kind, key, due_at, payload, attempts, done_at, created_at)
       SELECT gen_random_uuid(), $1, session_id::text, ends_at, '{}'::jsonb, 0, NULL::timestamptz, started_at FROM fx
       UNION ALL
       SELECT gen_random_uuid(), $2, order_id::text, paid_at, '{}'::jsonb, 1, paid_at, paid_at FROM fx
       UNION ALL
       SELECT gen_random_uuid(), $3, session_id::text, ends_at - make_interval(mins => $4), '{}'::jsonb, 1, ends_at - make_interval(mins => $4), started_at FROM fx`,
      [SESSION_JOBS.end, ORDER_PAID_JOB, SESSION_JOBS.reminder, config.SESSION_REMINDER_MINUTES],
    );
  });
  return { sessionIds, orderIds };
}

/** `cpuOver` for the one app process. */
async function appCpuOver<T>(appPid: number, sql: Sql, databaseUrl: string, fn: () => Promise<T>): Promise<{ result: T; appCpuMs: number; dbCpuMs: number }> {
  const { result, cpuMs, dbCpuMs } = await cpuOver([appPid], sql, databaseUrl, fn);
  return { result, appCpuMs: cpuMs[0], dbCpuMs };
}

/** The fixture is only worth measuring if the app ends it like a real session: one, end to end, checked. */
async function verifyOneEnd(sql: Sql, ledger: LedgerService, crypto: FieldCrypto, config: AppConfig): Promise<void> {
  const endsAt = new Date(Date.now() + 1_500);
  const { sessionIds, orderIds } = await seedActiveSessions(sql, crypto, config, 1, endsAt);
  const [sessionId, orderId] = [sessionIds[0], orderIds[0]];
  // Ended, then settled by its `session.settle` job.
  const ended = await waitUntil(async () => (await sql.query(`SELECT 1 FROM orders WHERE id = $1 AND status <> 'IN_SESSION'`, [orderId])).length > 0, 20_000);
  const [s] = await sql.query<{ status: string; end_reason: string; used_seconds: number; charged_fen: number }>(
    'SELECT status, end_reason, used_seconds, charged_fen FROM sessions WHERE id = $1',
    [sessionId],
  );
  const [o] = await sql.query<{ status: string }>('SELECT status FROM orders WHERE id = $1', [orderId]);
  const [c] = await sql.query<{ last_seq: number; retain_until: Date | null }>('SELECT last_seq, retain_until FROM conversations WHERE subject_id = $1', [sessionId]);
  const holds = await sql.query('SELECT 1 FROM earning_holds WHERE order_id = $1', [orderId]);
  const check = await ledger.check();
  const problems = [
    !ended && 'not ended and settled within 20 s',
    s.status !== 'ENDED' && `session ${s.status}`,
    s.end_reason !== 'TIME_UP' && `end reason ${s.end_reason}`,
    s.used_seconds !== MINUTES * 60 && `used ${s.used_seconds} s`,
    s.charged_fen !== PRICE_FEN && `charged ${s.charged_fen} fen`,
    o.status !== 'COMPLETED' && `order ${o.status}`,
    c.last_seq !== 2 && `conversation last_seq ${c.last_seq} (the end's system message missing)`,
    !c.retain_until && 'no retention set',
    holds.length !== 1 && 'no earnings hold',
    !check.ok && `ledger: ${JSON.stringify(check)}`,
  ].filter(Boolean);
  if (problems.length) throw new Error(`the session-end fixture is not what the real flow leaves: ${problems.join('; ')}`);
}

/** N jobs of `kind` due at `dueAt` on keys that name nothing: the app's handler looks and returns. */
async function seedNoopJobs(sql: Sql, kind: string, count: number, dueAt: Date): Promise<void> {
  await sql.query(
    `INSERT INTO scheduled_jobs (id, kind, key, due_at, payload) SELECT gen_random_uuid(), $1, gen_random_uuid()::text, $2, '{}' FROM generate_series(1, $3)`,
    [kind, dueAt, count],
  );
}

/** Lateness of the done jobs of `kind` due at `dueAt` (done_at − due_at), once all are done or the timeout passes. */
async function jobBurst(sql: Sql, measure: string, kind: string, count: number, dueAt: Date): Promise<Burst> {
  await waitUntil(async () => {
    const [{ n }] = await sql.query<{ n: number }>('SELECT count(*)::int AS n FROM scheduled_jobs WHERE kind = $1 AND due_at = $2 AND done_at IS NOT NULL', [kind, dueAt]);
    return n >= count;
  }, Math.max(0, dueAt.getTime() - Date.now()) + TIMEOUT_MS);
  const rows = await sql.query<{ late: number }>(
    'SELECT extract(epoch FROM done_at - due_at) * 1000 AS late FROM scheduled_jobs WHERE kind = $1 AND due_at = $2 AND done_at IS NOT NULL',
    [kind, dueAt],
  );
  const late = rows.map((r) => Number(r.late));
  return summarise(measure, count, late, late.length ? Math.max(...late) : null);
}

/**
 * The floor of the mechanism: the scheduler's claim (`FOR UPDATE SKIP LOCKED`, oldest due first)
 * and mark-done, one transaction per job, BARE_WORKERS at a time, as plain SQL from this process
 * with no handler. A kind the app does not know, so its scheduler leaves these alone.
 */
async function bareClaimLoop(sql: Sql, count: number): Promise<Burst> {
  const dueAt = nextSecond();
  await seedNoopJobs(sql, BARE_KIND, count, dueAt);
  await sleep(dueAt.getTime() - Date.now());
  const claimOne = () =>
    sql.transaction(async (tx) => {
      const [job] = await tx.query<{ id: string }>(
        `SELECT id FROM scheduled_jobs WHERE done_at IS NULL AND due_at <= now() AND kind = ANY($1) ORDER BY due_at LIMIT 1 FOR UPDATE SKIP LOCKED`,
        [[BARE_KIND]],
      );
      if (job) await tx.query('UPDATE scheduled_jobs SET done_at = clock_timestamp(), attempts = attempts + 1 WHERE id = $1', [job.id]);
      return Boolean(job);
    });
  await Promise.all(Array.from({ length: BARE_WORKERS }, async () => {
    while (await claimOne());
  }));
  return jobBurst(sql, `baseline: bare claim + mark done, ${BARE_WORKERS} SQL workers, no handler`, BARE_KIND, count, dueAt);
}

/**
 * PRODUCT: 1,000 sessions ending in the same second all end within 2 s of their end time. The
 * app (its own process, SCHEDULER_CONCURRENCY as configured) ends BENCH_SESSIONS ACTIVE sessions
 * whose `session.end` timers are all due at one instant. An end is the session ENDED with its used
 * time and charge (a batch per transaction); its settlement (order COMPLETED, earnings hold, chat
 * retention and system message, after-end job) follows in its `session.settle` job, reported
 * next to it. Baselines in
 * the same run: the same number of no-op jobs through the app's scheduler (a `session.reminder`
 * for no session: claim, one read, mark done), and the bare claim + mark-done loop in plain SQL.
 */
export async function benchSessionEnd(): Promise<void> {
  const databaseUrl = await createTestDatabase('qingting_bench');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'qingting-bench-'));
  // Everything started is stopped, and the database dropped, also when a start fails.
  let sim: BenchProcess | undefined;
  let app: BenchProcess | undefined;
  let db: Database | undefined;
  try {
    const keysFile = path.join(dir, 'keys.json');
    fs.writeFileSync(keysFile, JSON.stringify(generateKeyMaterial()), { mode: 0o600 });
    const simPort = await freePort();
    sim = await startProcess(ENTRY.simulator, simPort, { WECHAT_SIM_PORT: String(simPort), WECHAT_KEYS_FILE: keysFile }, '/__sim/state');
    const appPort = await freePort();
    const appEnv: Record<string, string> = {
      NODE_ENV: 'test',
      PORT: String(appPort),
      HOST: '127.0.0.1',
      DATABASE_URL: databaseUrl,
      REDIS_URL: process.env.REDIS_URL || 'redis://127.0.0.1:6379',
      REDIS_KEY_PREFIX: `bench:${randomUUID()}:`,
      LOG_LEVEL: 'silent',
      WECHAT_KEYS_FILE: keysFile,
      WECHAT_SIM_URL: sim.url,
      // A key of this run's own, so this process can wrap conversation keys the app can unwrap.
      FIELD_ENCRYPTION_KEYS: `bench:${randomBytes(32).toString('base64')}`,
      FIELD_ENCRYPTION_KEY_ID: 'bench',
      ...(process.env.SCHEDULER_CONCURRENCY ? { SCHEDULER_CONCURRENCY: process.env.SCHEDULER_CONCURRENCY } : {}),
    };
    // BENCH_CPU_PROF_DIR: where the end's time goes (see cpuProfileEnv).
    Object.assign(appEnv, cpuProfileEnv(dir));
    app = await startProcess(ENTRY.app, appPort, appEnv, '/health/ready');
    db = await openDatabase({ kind: 'postgres', url: databaseUrl });
    await measure(app.pid, db, databaseUrl, loadConfig({ ...process.env, ...appEnv }));
  } finally {
    await db?.close();
    await app?.stop();
    await sim?.stop();
    await dropTestDatabase(databaseUrl);
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** The fixture check, the two baselines and the burst, against the running app; prints and writes the report. */
async function measure(appPid: number, db: Database, databaseUrl: string, config: AppConfig): Promise<void> {
  const sql = db.sql;
  const crypto = new FieldCrypto(config);
  // The invariant check is the ledger module's own (it only needs the Prisma client).
  const ledger = new LedgerService({ client: db.prisma } as unknown as PrismaService);
  await verifyOneEnd(sql, ledger, crypto, config);

  // Baseline 1: the app's scheduler with a handler that does next to nothing.
  const noopDue = nextSecond();
  await seedNoopJobs(sql, SESSION_JOBS.reminder, SESSIONS, noopDue);
  const noop = await appCpuOver(appPid, sql, databaseUrl, () =>
    jobBurst(sql, `baseline: app scheduler, ${SESSIONS} no-op jobs (session.reminder for no session)`, SESSION_JOBS.reminder, SESSIONS, noopDue),
  );

  // The measurement: every session's paid end at the same instant.
  const endsAt = nextSecond();
  const seedStarted = Date.now();
  const { sessionIds, orderIds } = await seedActiveSessions(sql, crypto, config, SESSIONS, endsAt);
  const seedMs = Date.now() - seedStarted;
  if (Date.now() >= endsAt.getTime() - 500) throw new Error(`the fixture took ${seedMs} ms: too close to the end time to measure from it`);
  const ends = await appCpuOver(appPid, sql, databaseUrl, async () => {
    await sleep(endsAt.getTime() - Date.now());
    await waitUntil(async () => {
      const [{ n }] = await sql.query<{ n: number }>(`SELECT count(*)::int AS n FROM sessions WHERE id = ANY($1::uuid[]) AND status = 'ENDED'`, [sessionIds]);
      return n >= SESSIONS;
    }, TIMEOUT_MS);
    const rows = await sql.query<{ late: number; reason: string }>(
      `SELECT extract(epoch FROM ended_at - ends_at) * 1000 AS late, end_reason AS reason FROM sessions WHERE id = ANY($1::uuid[]) AND status = 'ENDED'`,
      [sessionIds],
    );
    const late = rows.map((r) => Number(r.late));
    const [{ last }] = await sql.query<{ last: number | null }>(
      `SELECT extract(epoch FROM max(ended_at) - $2::timestamptz) * 1000 AS last FROM sessions WHERE id = ANY($1::uuid[]) AND status = 'ENDED'`,
      [sessionIds, endsAt],
    );
    return { burst: summarise(`app: ${SESSIONS} sessions end (session.end: TIME_UP, settlement)`, SESSIONS, late, last === null ? null : Number(last)), timeUp: rows.every((r) => r.reason === 'TIME_UP') };
  });
  // The money follows each end in its `session.settle` job, and after-end effects (listener stats) in theirs: reported, not part of the target.
  const settledDone = await waitUntil(async () => {
    const [{ n }] = await sql.query<{ n: number }>(`SELECT count(*)::int AS n FROM orders WHERE id = ANY($1::uuid[]) AND status = 'COMPLETED'`, [orderIds]);
    return n >= SESSIONS;
  }, TIMEOUT_MS);
  const [{ settledLastMs }] = await sql.query<{ settledLastMs: number | null }>(
    `SELECT extract(epoch FROM max(done_at) - $3::timestamptz) * 1000 AS "settledLastMs" FROM scheduled_jobs WHERE kind = $1 AND key = ANY($2::text[])`,
    [SESSION_JOBS.settle, sessionIds, endsAt],
  );
  const afterEndDone = await waitUntil(async () => {
    const [{ n }] = await sql.query<{ n: number }>(`SELECT count(*)::int AS n FROM scheduled_jobs WHERE kind = $1 AND key = ANY($2::text[]) AND done_at IS NOT NULL`, [SESSION_JOBS.ended, sessionIds]);
    return n >= SESSIONS;
  }, TIMEOUT_MS);
  const [{ afterEndLastMs }] = await sql.query<{ afterEndLastMs: number | null }>(
    `SELECT extract(epoch FROM max(done_at) - $3::timestamptz) * 1000 AS "afterEndLastMs" FROM scheduled_jobs WHERE kind = $1 AND key = ANY($2::text[])`,
    [SESSION_JOBS.ended, sessionIds, endsAt],
  );

  // Exactly once: one ENDED event per session, one COMPLETED transition per order.
  const [{ sessionsOnce }] = await sql.query<{ sessionsOnce: number }>(
    `SELECT count(*)::int AS "sessionsOnce" FROM (SELECT session_id FROM session_events WHERE session_id = ANY($1::uuid[]) AND kind = 'status:ENDED' GROUP BY session_id HAVING count(*) = 1) x`,
    [sessionIds],
  );
  const [{ ordersOnce }] = await sql.query<{ ordersOnce: number }>(
    `SELECT count(*)::int AS "ordersOnce" FROM (SELECT order_id FROM order_transitions WHERE order_id = ANY($1::uuid[]) AND "to" = 'COMPLETED' GROUP BY order_id HAVING count(*) = 1) x`,
    [orderIds],
  );
  const [{ retried }] = await sql.query<{ retried: number }>(`SELECT count(*)::int AS retried FROM scheduled_jobs WHERE last_error IS NOT NULL`);
  const ledgerCheck = await ledger.check();

  // Baseline 2, last (nothing of the app's is due any more): the bare mechanism.
  const bare = await bareClaimLoop(sql, SESSIONS);

  const burst = ends.result.burst;
  const met = burst.done === SESSIONS && burst.maxLateMs !== null && burst.maxLateMs <= TARGET_MS && sessionsOnce === SESSIONS && ordersOnce === SESSIONS;
  report(
    'session-end',
    [
      bare,
      { ...noop.result, appCpuMs: Math.round(noop.appCpuMs), dbCpuMs: Math.round(noop.dbCpuMs) },
      { ...burst, appCpuMs: Math.round(ends.appCpuMs), dbCpuMs: Math.round(ends.dbCpuMs) },
    ],
    {
      sessions: SESSIONS,
      schedulerConcurrency: config.SCHEDULER_CONCURRENCY,
      cores: os.cpus().length,
      fixtureSeedMs: seedMs,
      endsAt: endsAt.toISOString(),
      appCpuMsPerEnd: Math.round((ends.appCpuMs / SESSIONS) * 10) / 10,
      dbCpuMsPerEnd: Math.round((ends.dbCpuMs / SESSIONS) * 10) / 10,
      allTimeUp: ends.result.timeUp,
      endedExactlyOnce: { sessions: sessionsOnce, orders: ordersOnce },
      settlement: { allDone: settledDone, lastDoneMs: settledLastMs === null ? null : Math.round(Number(settledLastMs)) },
      afterEndJobs: { allDone: afterEndDone, lastDoneMs: afterEndLastMs === null ? null : Math.round(Number(afterEndLastMs)) },
      jobsRetried: retried,
      ledgerOk: ledgerCheck.ok,
      targets: { allEndedWithinMs: TARGET_MS, met },
    },
  );
  console.log(
    `session-end: ${burst.done}/${SESSIONS} ended; lateness p50 ${burst.p50LateMs} ms, p99 ${burst.p99LateMs} ms, max ${burst.maxLateMs} ms; last ended ${burst.lastDoneMs} ms after the end time ` +
      `(${burst.perSecond}/s; all settled ${settledLastMs === null ? '-' : Math.round(Number(settledLastMs))} ms after; app CPU ${Math.round(ends.appCpuMs / SESSIONS)} ms/end, PostgreSQL ${Math.round(ends.dbCpuMs / SESSIONS)} ms/end); ended exactly once: ${sessionsOnce}/${ordersOnce}; ledger ok: ${ledgerCheck.ok}. ` +
      `Baselines: app scheduler no-op ${noop.result.perSecond}/s, bare SQL claim loop ${bare.perSecond}/s. Target (all within ${TARGET_MS} ms) met: ${met}`,
  );
}

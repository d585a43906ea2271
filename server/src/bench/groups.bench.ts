import { fork } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createTestDatabase, dropTestDatabase, openDatabase } from '@qingting/prisma';
import type { MessageView, ServerFrame } from '@qingting/shared';
import Redis from 'ioredis';
import { WebSocket, WebSocketServer } from 'ws';
import { createApp } from '../bootstrap';
import { ChatService } from '../chat/chat.service';
import { freePort } from '../common/free-port';
import { SessionService } from '../identity/session.service';
import { loadConfig } from '../infra/config/app-config';
import { PrismaService } from '../infra/database/prisma.service';
import { generateKeyMaterial } from '../wechat/protocol/dev-keys';
import { dropKeys, ENTRY, report, startProcess, type BenchProcess } from './bench-util';

/** Messages the owner sends in the fan-out run: one a second. */
const MESSAGES = Number(process.env.BENCH_SECONDS ?? 10);
const MEMBERS = 2_000;
const ATTEMPTS = 200;
const SEATS_LEFT = 10;
/** Seats already taken by ACTIVE members before the race. */
const TAKEN = 5;
const PRICE_FEN = 3000;
const CONNECT_CONCURRENCY = 50;
/** After the last send, how long deliveries may still arrive before they count as lost. */
const DRAIN_MS = 3_000;
/** Unmeasured messages first (JIT, caches, Redis subscriptions settled). */
const WARMUP_MESSAGES = 3;
const DAY_MS = 86_400_000;
const TEXT = '今晚大家早点休息，明天见 🌙';

interface Timing {
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

function timing(latencies: number[]): Timing {
  const sorted = [...latencies].sort((a, b) => a - b);
  const at = (q: number) => Math.round((sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0) * 10) / 10;
  return { p50Ms: at(0.5), p99Ms: at(0.99), maxMs: at(1) };
}

interface Seeded {
  ownerId: string;
  ownerToken: string;
  raceGroupId: string;
  fanGroupId: string;
  conversationId: string;
  memberTokens: string[];
}

/**
 * Paid groups under contention and fan-out (PRODUCT.md §7), against TWO app processes of one
 * deployment (same database, Redis and key prefix), the simulator as WeChat Pay:
 *
 * (a) the last 10 seats: 200 talkers fire `POST /api/groups/:id/join` at once, alternating the
 *     instances; each answer must be 200 (seat reserved, order open) or 409 `group/full`. The 10
 *     orders are then paid through the simulator; the group must end with exactly 10 new ACTIVE
 *     memberships and seats_taken = capacity, sampled throughout and never above it. Baseline:
 *     200 concurrent `GET /api/groups/:id` on the same instances (the request without the seat).
 * (b) fan-out: a group of 2,000 ACTIVE members (seeded in SQL, conversation members as the
 *     groups module adds them), each subscribed over its own WebSocket (split across the two
 *     instances); the owner sends one message a second; latency = receive − send per member per
 *     message, one clock (all sockets in this process). Baseline: a bare `ws` server in its own
 *     process broadcasting the same frames to the same 2,000 sockets.
 */
export async function benchGroups(): Promise<void> {
  const openFiles = Number(/^Max open files\s+(\d+)/m.exec(fs.readFileSync('/proc/self/limits', 'utf8'))?.[1] ?? Infinity);
  if (openFiles < MEMBERS + 1_000) throw new Error(`groups bench: ulimit -n is ${openFiles}; ${MEMBERS} sockets need at least ${MEMBERS + 1_000}`);
  const databaseUrl = await createTestDatabase('qingting_bench');
  const redisUrl = process.env.REDIS_URL || 'redis://127.0.0.1:6379';
  const prefix = `bench:${randomUUID()}:`;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'qingting-bench-'));
  const keysFile = path.join(dir, 'keys.json');
  fs.writeFileSync(keysFile, JSON.stringify(generateKeyMaterial()), { mode: 0o600 });
  const processes: BenchProcess[] = [];
  const db = await openDatabase({ kind: 'postgres', url: databaseUrl });
  try {
    const simPort = await freePort();
    const sim = await startProcess(ENTRY.simulator, simPort, { WECHAT_SIM_PORT: String(simPort), WECHAT_KEYS_FILE: keysFile }, '/__sim/state');
    processes.push(sim);
    const env = {
      NODE_ENV: 'test',
      HOST: '127.0.0.1',
      DATABASE_URL: databaseUrl,
      REDIS_URL: redisUrl,
      REDIS_KEY_PREFIX: prefix,
      LOG_LEVEL: 'silent',
      WECHAT_KEYS_FILE: keysFile,
      WECHAT_SIM_URL: sim.url,
      LOGIN_RATE_LIMIT_PER_MINUTE: '1000000',
      MIGRATE_ON_START: 'false',
    };
    const seeded = await seed(env);
    const apps: BenchProcess[] = [];
    for (let i = 0; i < 2; i++) {
      const port = await freePort();
      const app = await startProcess(ENTRY.app, port, { ...env, PORT: String(port) }, '/health/ready');
      processes.push(app);
      apps.push(app);
    }

    const race = await seatRace(db.prisma, apps, sim, seeded);
    const fan = await fanOut(apps.map((a) => `${a.url.replace(/^http/, 'ws')}/ws`), seeded);
    const bare = await startBaseline();
    let baseline: FanResult;
    try {
      baseline = await fanOut([bare.url], { ...seeded, ownerToken: 'owner', memberTokens: seeded.memberTokens.map((_, i) => `member-${i}`) });
    } finally {
      bare.stop();
    }

    const fanMet = fan.timing.p99Ms <= 200 && fan.delivered === fan.expected && fan.errors === 0;
    report(
      'groups',
      [
        { measure: `baseline: ${ATTEMPTS} concurrent GET /api/groups/:id, 2 instances`, ok: race.baseline.ok, rejected: null, errors: race.baseline.errors, ...race.baseline.timing },
        { measure: `app: ${ATTEMPTS} concurrent joins for the last ${SEATS_LEFT} seats, 2 instances`, ok: race.joined, rejected: race.full, errors: race.errors, ...race.timing },
        { measure: `baseline: bare ws broadcast to ${MEMBERS} sockets, ${MESSAGES} messages`, ok: baseline.delivered, rejected: null, errors: baseline.errors + baseline.expected - baseline.delivered, ...baseline.timing },
        { measure: `app: group message fan-out to ${MEMBERS} members, 2 instances, ${MESSAGES} messages`, ok: fan.delivered, rejected: null, errors: fan.errors + fan.expected - fan.delivered, ...fan.timing },
      ],
      {
        capacity: race.capacity,
        seatsTakenAfter: race.seatsTaken,
        maxSeatsTakenSeen: race.maxSeatsSeen,
        maxHeldSeen: race.maxHeldSeen,
        newActiveMemberships: race.active,
        joinOrders: race.orders,
        completedOrders: race.completed,
        errorsByStatus: race.errorsByStatus,
        fanOut: { members: MEMBERS, messages: MESSAGES, warmupMessages: WARMUP_MESSAGES, expected: fan.expected, delivered: fan.delivered, errorsByCode: fan.errorsByCode, lastDeliveryMsPerMessage: fan.lastDeliveryMsPerMessage },
        baselineLastDeliveryMsPerMessage: baseline.lastDeliveryMsPerMessage,
        targets: {
          seats: `exactly ${SEATS_LEFT} memberships, ${ATTEMPTS - SEATS_LEFT} clean 409s, seats_taken never above capacity`,
          seatsMet: race.met,
          fanOutP99Ms: 200,
          fanOutMet: fanMet,
          met: race.met && fanMet,
        },
      },
    );
    console.log(
      `groups: ${ATTEMPTS} joins for ${SEATS_LEFT} seats → ${race.joined} reserved, ${race.full} group/full, ${race.errors} other; ${race.active} ACTIVE after payment, seats ${race.seatsTaken}/${race.capacity} (max seen ${race.maxSeatsSeen}) — ${race.met ? 'no overselling' : 'FAILED'}; ` +
        `fan-out to ${MEMBERS}: p50 ${fan.timing.p50Ms} ms p99 ${fan.timing.p99Ms} ms (target ≤ 200), delivered ${fan.delivered}/${fan.expected}; bare ws p99 ${baseline.timing.p99Ms} ms`,
    );
  } finally {
    await db.close();
    for (const p of processes.reverse()) await p.stop();
    await dropTestDatabase(databaseUrl);
    await dropKeys(redisUrl, prefix);
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * The owner (a SENIOR listener), the race group (OPEN, TAKEN seats held by ACTIVE members,
 * SEATS_LEFT free) and the fan-out group (MEMBERS ACTIVE members in its conversation), through
 * the app's own services in this process (not listening): ChatService.open for the conversations
 * (wrapped keys), SessionService.issue for the members' tokens.
 */
async function seed(env: Record<string, string>): Promise<Seeded> {
  const app = await createApp(loadConfig({ ...process.env, ...env, SCHEDULER_ENABLED: 'false' }));
  await app.init();
  try {
    const prisma = app.get(PrismaService).client;
    const chat = app.get(ChatService);
    const sessions = app.get(SessionService);
    const run = randomUUID().slice(0, 8);
    const owner = await prisma.user.create({
      data: {
        openid: `bench-owner-${run}`,
        alias: '压测群主',
        avatarSeed: 'bench-owner',
        roles: ['TALKER', 'LISTENER'],
        listener: { create: { gender: 'FEMALE', intro: '压测', topics: ['EMOTION'], tags: [], priceTextFen: 2000, online: true, tier: 'SENIOR' } },
      },
    });
    const users = Array.from({ length: MEMBERS + TAKEN }, (_, i) => ({ id: randomUUID(), openid: `bench-member-${run}-${i}`, alias: `群成员${i}`, avatarSeed: `bench-${i}` }));
    await prisma.user.createMany({ data: users });
    const fillers = users.slice(0, TAKEN);
    const members = users.slice(TAKEN);
    const now = Date.now();
    const group = (capacity: number, seatsTaken: number) => ({ ownerId: owner.id, name: '压测互助群', intro: '压测', topic: 'EMOTION' as const, price30Fen: PRICE_FEN, capacity, seatsTaken, status: 'OPEN' as const });
    const { raceGroupId, fanGroupId, conversationId } = await prisma.$transaction(
      async (tx) => {
        const race = await tx.group.create({ data: group(TAKEN + SEATS_LEFT, TAKEN) });
        const fan = await tx.group.create({ data: group(MEMBERS, MEMBERS) });
        const active = (groupId: string, userId: string) => ({ groupId, userId, status: 'ACTIVE' as const, orderId: randomUUID(), joinedAt: new Date(now), endsAt: new Date(now + 30 * DAY_MS) });
        await tx.groupMembership.createMany({ data: [...fillers.map((u) => active(race.id, u.id)), ...members.map((u) => active(fan.id, u.id))] });
        const raceChat = await chat.open('GROUP', race.id, [{ userId: owner.id, role: 'OWNER' }], tx);
        const fanChat = await chat.open('GROUP', fan.id, [{ userId: owner.id, role: 'OWNER' }], tx);
        // As MembershipsService.joinConversation adds a paid member.
        await tx.conversationMember.createMany({
          data: [...fillers.map((u) => ({ conversationId: raceChat.id, userId: u.id, role: 'MEMBER' })), ...members.map((u) => ({ conversationId: fanChat.id, userId: u.id, role: 'MEMBER' }))],
        });
        return { raceGroupId: race.id, fanGroupId: fan.id, conversationId: fanChat.id };
      },
      { timeout: 60_000 },
    );
    const memberTokens: string[] = [];
    for (let from = 0; from < members.length; from += 100) {
      const issued = await Promise.all(members.slice(from, from + 100).map((u) => sessions.issue(u.id)));
      memberTokens.push(...issued.map((s) => s.token));
    }
    return { ownerId: owner.id, ownerToken: (await sessions.issue(owner.id)).token, raceGroupId, fanGroupId, conversationId, memberTokens };
  } finally {
    await app.close();
  }
}

type Prisma = Awaited<ReturnType<typeof openDatabase>>['prisma'];

interface Burst {
  ok: number;
  errors: number;
  timing: Timing;
}

async function json(res: Response): Promise<any> {
  const body = await res.json();
  if (!res.ok) throw new Error(`${res.status} ${JSON.stringify(body)}`);
  return body;
}

/** (a) The race for the last seats, then payment, with the seat count sampled throughout. */
async function seatRace(prisma: Prisma, apps: BenchProcess[], sim: BenchProcess, seeded: Seeded) {
  const groupId = seeded.raceGroupId;
  const instance = (i: number) => apps[i % apps.length].url;
  const talkers: Record<string, string>[] = [];
  for (let from = 0; from < ATTEMPTS; from += 20) {
    const batch = await Promise.all(
      Array.from({ length: Math.min(20, ATTEMPTS - from) }, async (_, k) => {
        const i = from + k;
        const login = await fetch(`${instance(i)}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ code: `dev:bench-group-talker-${i}-${randomUUID()}` }) });
        const { token } = (await json(login)) as { token: string };
        return { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
      }),
    );
    talkers.push(...batch);
  }

  // Baseline: the same burst shape reading the group (warm-up round first, not measured).
  const read = async (): Promise<Burst> => {
    const results = await Promise.all(
      talkers.map(async (headers, i) => {
        const t0 = performance.now();
        const res = await fetch(`${instance(i)}/api/groups/${groupId}`, { headers });
        await res.arrayBuffer();
        return { ok: res.ok, ms: performance.now() - t0 };
      }),
    );
    return { ok: results.filter((r) => r.ok).length, errors: results.filter((r) => !r.ok).length, timing: timing(results.map((r) => r.ms)) };
  };
  await read();
  const baseline = await read();

  // Sample the seat count and the held memberships while the race and the payments run.
  let maxSeatsSeen = 0;
  let maxHeldSeen = 0;
  let sampling = true;
  const sampler = (async () => {
    while (sampling) {
      const [row] = await prisma.$queryRawUnsafe<{ seats: number; held: bigint }[]>(
        `SELECT g.seats_taken AS seats, (SELECT count(*) FROM group_memberships m WHERE m.group_id = g.id AND m.status IN ('RESERVED', 'ACTIVE')) AS held FROM groups g WHERE g.id = $1::uuid`,
        groupId,
      );
      maxSeatsSeen = Math.max(maxSeatsSeen, row.seats);
      maxHeldSeen = Math.max(maxHeldSeen, Number(row.held));
      await new Promise((r) => setTimeout(r, 5));
    }
  })();

  const attempts = await Promise.all(
    talkers.map(async (headers, i) => {
      const t0 = performance.now();
      const res = await fetch(`${instance(i)}/api/groups/${groupId}/join`, { method: 'POST', headers, body: JSON.stringify({ termDays: 30 }) });
      const body: any = await res.json();
      return { i, status: res.status, body, ms: performance.now() - t0 };
    }),
  );
  const winners = attempts.filter((a) => a.status === 200);
  const isFull = (a: (typeof attempts)[number]) => a.status === 409 && a.body?.code === 'group/full';
  const full = attempts.filter(isFull).length;
  const errorsByStatus: Record<string, number> = {};
  for (const a of attempts.filter((x) => x.status !== 200 && !isFull(x))) {
    const key = `${a.status} ${a.body?.code ?? ''}`;
    errorsByStatus[key] = (errorsByStatus[key] ?? 0) + 1;
  }

  // Pay every reserved seat: prepay on the instance that took the join, confirm at the simulator.
  await Promise.all(
    winners.map(async (w) => {
      await json(await fetch(`${instance(w.i)}/api/orders/${w.body.order.id}/pay`, { method: 'POST', headers: talkers[w.i], body: '{}' }));
      await fetch(`${sim.url}/__sim/pay/${w.body.order.outTradeNo}/confirm`, { method: 'POST' });
    }),
  );
  const orderIds = winners.map((w) => w.body.order.id as string);
  const deadline = Date.now() + 60_000;
  const completedCount = () => prisma.order.count({ where: { id: { in: orderIds }, status: 'COMPLETED' } });
  while ((await completedCount()) < orderIds.length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  sampling = false;
  await sampler;

  const group = await prisma.group.findUniqueOrThrow({ where: { id: groupId } });
  const active = (await prisma.groupMembership.count({ where: { groupId, status: 'ACTIVE' } })) - TAKEN;
  const orders = await prisma.order.count({ where: { kind: 'GROUP_MEMBERSHIP', groupId } });
  const completed = await completedCount();
  const errors = attempts.length - winners.length - full;
  const met =
    winners.length === SEATS_LEFT && full === ATTEMPTS - SEATS_LEFT && errors === 0 && active === SEATS_LEFT && orders === SEATS_LEFT && completed === SEATS_LEFT &&
    group.seatsTaken === group.capacity && maxSeatsSeen <= group.capacity && maxHeldSeen <= group.capacity;
  return {
    baseline,
    joined: winners.length,
    full,
    errors,
    errorsByStatus,
    timing: timing(attempts.map((a) => a.ms)),
    active,
    orders,
    completed,
    capacity: group.capacity,
    seatsTaken: group.seatsTaken,
    maxSeatsSeen,
    maxHeldSeen,
    met,
  };
}

interface FanResult {
  timing: Timing;
  expected: number;
  delivered: number;
  errors: number;
  errorsByCode: Record<string, number>;
  /** When the last member got each message: the fan-out's spread, message by message. */
  lastDeliveryMsPerMessage: number[];
}

/**
 * (b) The owner's socket on the first URL, the members' sockets round-robin over `urls`, all
 * subscribed; one message a second; each member's `message` frame is matched by clientId.
 */
async function fanOut(urls: string[], seeded: Pick<Seeded, 'ownerToken' | 'memberTokens' | 'conversationId'>): Promise<FanResult> {
  const sentAt = new Map<string, { at: number; latencies: number[] }>();
  const errorsByCode: Record<string, number> = {};
  const sockets: WebSocket[] = [];
  const open = (url: string, token: string): Promise<WebSocket> =>
    new Promise((resolve, reject) => {
      const ws = new WebSocket(url, { perMessageDeflate: false });
      sockets.push(ws);
      ws.on('error', reject);
      ws.on('open', () => ws.send(JSON.stringify({ type: 'auth', token })));
      ws.on('message', (data) => {
        const frame = JSON.parse(data.toString()) as ServerFrame;
        if (frame.type === 'ready') ws.send(JSON.stringify({ type: 'subscribe', conversationId: seeded.conversationId, afterSeq: 0 }));
        else if (frame.type === 'history') resolve(ws);
        else if (frame.type === 'message' && frame.message.clientId) {
          const sent = sentAt.get(frame.message.clientId);
          sent?.latencies.push(performance.now() - sent.at);
        } else if (frame.type === 'error') {
          errorsByCode[frame.code] = (errorsByCode[frame.code] ?? 0) + 1;
          reject(new Error(`${frame.code}: ${frame.message}`));
        }
      });
      ws.on('close', (code) => reject(new Error(`socket closed ${code} before subscribing`)));
    });
  try {
    const owner = await open(urls[0], seeded.ownerToken);
    const queue = seeded.memberTokens.map((token, i) => ({ token, url: urls[i % urls.length] }));
    await Promise.all(
      Array.from({ length: CONNECT_CONCURRENCY }, async () => {
        for (let m = queue.shift(); m; m = queue.shift()) await open(m.url, m.token);
      }),
    );
    for (let k = 0; k < WARMUP_MESSAGES + MESSAGES; k++) {
      const clientId = randomUUID();
      if (k >= WARMUP_MESSAGES) sentAt.set(clientId, { at: performance.now(), latencies: [] });
      owner.send(JSON.stringify({ type: 'send', conversationId: seeded.conversationId, clientId, text: TEXT }));
      await new Promise((r) => setTimeout(r, 1_000));
    }
    await new Promise((r) => setTimeout(r, DRAIN_MS));
    const expected = MESSAGES * seeded.memberTokens.length;
    const perMessage = [...sentAt.values()].map((m) => m.latencies);
    const latencies = perMessage.flat();
    return {
      timing: timing(latencies),
      expected,
      delivered: latencies.length,
      errors: Object.values(errorsByCode).reduce((a, b) => a + b, 0),
      errorsByCode,
      lastDeliveryMsPerMessage: perMessage.map((l) => timing(l).maxMs),
    };
  } finally {
    for (const ws of sockets) ws.terminate();
  }
}

/** The baseline server in its own process (this file, forked), answering the same frames. */
async function startBaseline(): Promise<{ url: string; stop: () => void }> {
  const port = await freePort();
  const child = fork(__filename, ['group-baseline'], { execArgv: [], env: { ...process.env, PORT: String(port), NODE_OPTIONS: '' } });
  await new Promise<void>((resolve, reject) => {
    child.once('message', () => resolve());
    child.once('exit', (code) => reject(new Error(`group baseline exited (${code})`)));
  });
  return { url: `ws://127.0.0.1:${port}/ws`, stop: () => child.kill('SIGKILL') };
}

/** A bare `ws` broadcaster: auth → ready, subscribe → history, send → ack + message to every other subscriber, in memory. */
function serveBaseline(): void {
  const port = Number(process.env.PORT);
  const wss = new WebSocketServer({ port, host: '127.0.0.1', perMessageDeflate: false, maxPayload: 16 * 1024 });
  const subscribers = new Map<string, Set<WebSocket>>();
  let seq = 0;
  wss.on('connection', (ws) => {
    let me = '';
    ws.on('message', (data) => {
      const frame = JSON.parse(data.toString());
      if (frame.type === 'auth') {
        me = String(frame.token);
        ws.send(JSON.stringify({ type: 'ready', userId: me, serverTime: Date.now() }));
      } else if (frame.type === 'subscribe') {
        const set = subscribers.get(frame.conversationId) ?? new Set<WebSocket>();
        subscribers.set(frame.conversationId, set.add(ws));
        ws.send(JSON.stringify({ type: 'history', conversationId: frame.conversationId, messages: [], lastSeq: seq }));
      } else if (frame.type === 'send') {
        seq += 1;
        const message: MessageView = { id: randomUUID(), conversationId: frame.conversationId, seq, senderRole: 'OWNER', from: 'peer', alias: '压测群主', kind: 'TEXT', text: String(frame.text).trim(), masked: false, clientId: frame.clientId, at: new Date().toISOString() };
        ws.send(JSON.stringify({ type: 'ack', clientId: frame.clientId, message: { ...message, from: 'me' } }));
        const out = JSON.stringify({ type: 'message', message });
        for (const peer of subscribers.get(frame.conversationId) ?? []) if (peer !== ws) peer.send(out);
      }
    });
    ws.on('close', () => subscribers.forEach((set) => set.delete(ws)));
  });
  wss.on('listening', () => process.send!({ type: 'listening' }));
}


if (require.main === module && process.argv[2] === 'group-baseline') serveBaseline();

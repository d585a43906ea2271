import { spawn } from 'node:child_process';
import { createPrivateKey, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createTestDatabase, dropTestDatabase } from '@qingting/prisma';
import { createApp } from '../bootstrap';
import { freePort } from '../common/free-port';
import { SessionService } from '../identity/session.service';
import { loadConfig } from '../infra/config/app-config';
import { PrismaService } from '../infra/database/prisma.service';
import { generateKeyMaterial } from '../wechat/protocol/dev-keys';
import { signResponse } from '../wechat/protocol/signing';
import { WechatPayClient } from '../wechat/wechat-pay.client';
import { resolveWechatSettings } from '../wechat/wechat-settings';
import { report } from './bench-util';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
/** Concurrent talkers; BENCH_CONCURRENCY=1 shows the per-order latency without queueing. */
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 32);
const TALKERS = 400;
const DUPLICATE_SAMPLE = 50;
const DELIVERIES = 5;

interface Timed {
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
  count: number;
  errors: number;
}

/** Runs `op` from `CONCURRENCY` loops for `seconds`; latency per call. */
async function closedLoop(seconds: number, op: (worker: number, i: number) => Promise<void>): Promise<Timed> {
  const latencies: number[] = [];
  let errors = 0;
  const end = Date.now() + seconds * 1000;
  const started = Date.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async (_, worker) => {
      for (let i = 0; Date.now() < end; i++) {
        const t0 = performance.now();
        try {
          await op(worker, i);
          latencies.push(performance.now() - t0);
        } catch {
          errors += 1;
        }
      }
    }),
  );
  latencies.sort((a, b) => a - b);
  const at = (q: number) => Math.round(latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0);
  return { perSecond: Math.round(latencies.length / ((Date.now() - started) / 1000)), p50Ms: at(0.5), p99Ms: at(0.99), count: latencies.length, errors };
}

async function expectOk(res: Response): Promise<any> {
  const body = await res.json();
  if (!res.ok) throw new Error(`${res.status} ${JSON.stringify(body)}`);
  return body;
}

/**
 * Checkout end to end through the simulator: create + prepay (the talker's call) under load,
 * then payment and notification processing, then every notification of a sample delivered 5
 * times (each must be processed once). Baseline: the simulator's own JSAPI prepay round trip
 * (signed request, signed response, verified), at the same concurrency, in the same run.
 */
export async function benchCheckout(): Promise<void> {
  const databaseUrl = await createTestDatabase('qingting_bench');
  const keys = generateKeyMaterial();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'qingting-bench-'));
  const keysFile = path.join(dir, 'keys.json');
  fs.writeFileSync(keysFile, JSON.stringify(keys), { mode: 0o600 });
  // The simulator runs as its own process, as WeChat would be: it must not share the app's thread.
  const simPort = await freePort();
  const simProcess = spawn(process.execPath, [path.join(__dirname, '..', 'wechat-sim', 'main.js')], {
    env: { ...process.env, WECHAT_SIM_PORT: String(simPort), WECHAT_KEYS_FILE: keysFile, NODE_OPTIONS: '' },
    stdio: 'ignore',
  });
  const sim = { url: `http://127.0.0.1:${simPort}` };
  for (let tries = 0; !(await fetch(`${sim.url}/__sim/state`).then((r) => r.ok, () => false)); tries++) {
    if (tries > 100) throw new Error('the simulator did not start');
    await new Promise((r) => setTimeout(r, 100));
  }
  // A known port, so notify_url points back at this app.
  const config = loadConfig({
    ...process.env,
    NODE_ENV: 'test',
    PORT: String(await freePort()),
    DATABASE_URL: databaseUrl,
    REDIS_URL: process.env.REDIS_URL || 'redis://127.0.0.1:6379',
    REDIS_KEY_PREFIX: `bench:${randomUUID()}:`,
    LOG_LEVEL: 'silent',
    WECHAT_KEYS_FILE: keysFile,
    WECHAT_SIM_URL: sim.url,
  });
  const app = await createApp(config);
  await app.listen(config.PORT, '127.0.0.1');
  const url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  const prisma = app.get(PrismaService).client;
  const sessions = app.get(SessionService);
  try {
    const listener = await prisma.user.create({
      data: {
        openid: `bench-listener-${randomUUID()}`,
        alias: '压测倾听者',
        avatarSeed: 'bench',
        roles: ['TALKER', 'LISTENER'],
        listener: { create: { gender: 'FEMALE', intro: '压测', topics: ['EMOTION'], tags: [], priceTextFen: 2000, online: true } },
      },
    });
    const talkers = await Promise.all(
      Array.from({ length: TALKERS }, async (_, i) => {
        const user = await prisma.user.create({ data: { openid: `bench-talker-${i}-${randomUUID()}`, alias: `压测${i}`, avatarSeed: `t${i}` } });
        const { token } = await sessions.issue(user.id);
        return { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
      }),
    );

    // Baseline: the simulator's own prepay round trip, signed and verified, no app in between.
    const direct = new WechatPayClient(resolveWechatSettings(config));
    const baseline = await closedLoop(SECONDS, (w, i) =>
      direct
        .prepayJsapi({ description: '基线', outTradeNo: `B${w}x${i}x${Date.now()}`, amountFen: 2000, payerOpenid: 'bench-openid', expiresAt: new Date(Date.now() + 900_000) })
        .then(() => undefined),
    );

    // create + prepay through the app.
    const created: { id: string; outTradeNo: string }[] = [];
    const checkout = await closedLoop(SECONDS, async (w, i) => {
      const headers = talkers[(w * 997 + i) % TALKERS];
      const order = await expectOk(await fetch(`${url}/api/orders`, { method: 'POST', headers, body: JSON.stringify({ listenerId: listener.id, serviceType: 'TEXT', units: 1 }) }));
      await expectOk(await fetch(`${url}/api/orders/${order.id}/pay`, { method: 'POST', headers, body: '{}' }));
      created.push({ id: order.id, outTradeNo: order.outTradeNo });
    });

    // Pay them all at the simulator; each notification is processed by the app.
    const payStart = Date.now();
    const payLoop = created.slice();
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        for (let o = payLoop.pop(); o; o = payLoop.pop()) await fetch(`${sim.url}/__sim/pay/${o.outTradeNo}/confirm`, { method: 'POST' });
      }),
    );
    const ids = created.map((o) => o.id);
    while ((await prisma.order.count({ where: { id: { in: ids }, status: 'PAID' } })) < ids.length && Date.now() - payStart < 120_000) {
      await new Promise((r) => setTimeout(r, 100));
    }
    const paidSeconds = (Date.now() - payStart) / 1000;
    const paid = await prisma.order.count({ where: { id: { in: ids }, status: 'PAID' } });

    // Every notification of a sample delivered 5 times more, at once: each must be processed once.
    const platform = { serial: keys.platform.publicKeyId, privateKey: createPrivateKey(keys.platform.privateKeyPem) };
    const recorded = (await (await fetch(`${sim.url}/__sim/notifications`)).json()) as { subject: string; body: unknown }[];
    const sample = recorded.filter((n) => created.some((o) => o.outTradeNo === n.subject)).slice(0, DUPLICATE_SAMPLE);
    await Promise.all(
      sample.flatMap((n) =>
        Array.from({ length: DELIVERIES }, () => {
          const body = JSON.stringify(n.body);
          return fetch(`${url}/api/wechat/notify/transaction`, { method: 'POST', headers: { ...signResponse(platform, body), 'content-type': 'application/json' }, body });
        }),
      ),
    );
    const sampleIds = created.filter((o) => sample.some((n) => n.subject === o.outTradeNo)).map((o) => o.id);
    const paidTransitions = await prisma.orderTransition.groupBy({ by: ['orderId'], where: { orderId: { in: sampleIds }, to: 'PAID' }, _count: true });
    const exactlyOnce = paidTransitions.length === sampleIds.length && paidTransitions.every((g) => g._count === 1);

    report(
      'checkout',
      [
        { measure: 'baseline: simulator prepay round trip', perSecond: baseline.perSecond, p50Ms: baseline.p50Ms, p99Ms: baseline.p99Ms, count: baseline.count, errors: baseline.errors },
        { measure: 'app: create + prepay', perSecond: checkout.perSecond, p50Ms: checkout.p50Ms, p99Ms: checkout.p99Ms, count: checkout.count, errors: checkout.errors },
        { measure: 'pay → notification → PAID', perSecond: Math.round(paid / paidSeconds), p50Ms: null, p99Ms: null, count: paid, errors: ids.length - paid },
      ],
      {
        seconds: SECONDS,
        concurrency: CONCURRENCY,
        duplicateSample: sampleIds.length,
        deliveriesEach: DELIVERIES + 1,
        processedExactlyOnce: exactlyOnce,
        targets: { ordersPerSecond: 200, createPrepayP99Ms: 150, met: checkout.perSecond >= 200 && checkout.p99Ms <= 150 && exactlyOnce },
      },
    );
    console.log(`checkout: ${checkout.perSecond} orders/s, create+prepay p99 ${checkout.p99Ms} ms (targets ≥ 200/s, ≤ 150 ms); ${sampleIds.length} notifications delivered ${DELIVERIES + 1}× each, processed exactly once: ${exactlyOnce}`);
  } finally {
    await app.close();
    simProcess.kill('SIGTERM');
    await dropTestDatabase(databaseUrl);
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

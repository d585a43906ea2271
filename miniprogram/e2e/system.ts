import { ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createTestDatabase, dropTestDatabase } from '@qingting/prisma';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

const ROOT = path.resolve(__dirname, '..', '..');
export const H5_DIST = path.join(ROOT, 'miniprogram', 'dist', 'h5');
const SERVER_MAIN = path.join(ROOT, 'server', 'dist', 'main.js');
export const ARTIFACTS = path.join(ROOT, 'artifacts', 'screenshots');

export interface RunningSystem {
  url: string;
  /** The WeChat simulator the API started (its `/__sim/…` controls), when it printed one. */
  simUrl?: string;
  /** Its database, for tests that must move time (timers' due times) the way the server's tests do. */
  databaseUrl: string;
  stop(): Promise<void>;
}

/**
 * The built API as a real process (the same `main.js` production runs) on a fresh database,
 * with the demo data, serving the built H5 app at `/`.
 */
export async function startSystem(): Promise<RunningSystem> {
  for (const [what, file] of [['the API (pnpm build:server)', SERVER_MAIN], ['the H5 app (pnpm build:h5)', path.join(H5_DIST, 'index.html')]]) {
    if (!fs.existsSync(file)) throw new Error(`Build ${what} first: ${file} is missing`);
  }
  const databaseUrl = await createTestDatabase('qingting_browser');
  const output: string[] = [];
  const proc: ChildProcess = spawn(process.execPath, [SERVER_MAIN], {
    env: {
      ...process.env,
      NODE_OPTIONS: '',
      NODE_ENV: 'test',
      PORT: '0',
      DATABASE_URL: databaseUrl,
      REDIS_URL: process.env.REDIS_URL || 'redis://127.0.0.1:6379',
      // Browser specs run side by side against one Redis: without their own key space they would
      // share state, e.g. the per-address login limit (all logins come from 127.0.0.1).
      REDIS_KEY_PREFIX: `e2e:${randomUUID()}:`,
      H5_DIST_DIR: H5_DIST,
      SEED_DEMO_DATA: 'true',
      // Its own WeChat simulator on a free port, with keys of its own.
      WECHAT_START_SIMULATOR: 'true',
      WECHAT_SIM_URL: 'http://127.0.0.1:0',
      WECHAT_KEYS_FILE: path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'qingting-e2e-')), 'wechat-keys.json'),
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  proc.stdout?.on('data', (d) => output.push(String(d)));
  proc.stderr?.on('data', (d) => output.push(String(d)));
  const stop = async () => {
    if (proc.exitCode === null) {
      proc.kill('SIGTERM');
      await new Promise((r) => proc.once('exit', r));
    }
    await dropTestDatabase(databaseUrl);
  };
  const deadline = Date.now() + 30000;
  for (;;) {
    // main.js prints its URLs once listening; the port is the one the OS gave it.
    const url = /health\s+(http:\/\/\S+)\/health\/ready/.exec(output.join(''))?.[1];
    if (url && (await fetch(`${url}/health/ready`).then((r) => r.ok, () => false))) {
      const simUrl = /wechat\s+simulator\s+(http:\/\/[^\s)]+)/.exec(output.join(''))?.[1];
      return { url, simUrl, databaseUrl, stop };
    }
    if (proc.exitCode !== null || Date.now() > deadline) {
      await stop();
      throw new Error(`the API did not become ready:\n${output.join('')}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Debian's Chromium, headless, with nothing that reaches for the network on its own. */
export function launchChromium(): Promise<Browser> {
  const executablePath = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
  if (!fs.existsSync(executablePath)) throw new Error(`Chromium not found at ${executablePath}: apt-get install chromium (or set CHROMIUM_PATH)`);
  return chromium.launch({
    executablePath,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
  });
}

export interface BrowserSuite {
  system: RunningSystem;
  browser: Browser;
  /** A page in a new browser context (a person of its own), closed with the suite; `init` runs on the context first. */
  newPage(init?: (ctx: BrowserContext) => Promise<unknown>, viewport?: { width: number; height: number }): Promise<Page>;
}

/**
 * For a describe block: starts the system and Chromium before its tests and stops both after.
 * The returned object is filled in by `beforeAll`; read its fields inside tests.
 */
export function useSystemAndBrowser(): BrowserSuite {
  const contexts: BrowserContext[] = [];
  const suite = {
    async newPage(init, viewport = { width: 414, height: 896 }) {
      const ctx = await suite.browser.newContext({ viewport });
      contexts.push(ctx);
      if (init) await init(ctx);
      return ctx.newPage();
    },
  } as BrowserSuite;
  beforeAll(async () => {
    suite.system = await startSystem();
    suite.browser = await launchChromium();
    fs.mkdirSync(ARTIFACTS, { recursive: true });
  }, 90000);
  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => undefined);
    await suite.browser?.close();
    await suite.system?.stop();
  });
  return suite;
}

/** A JSON call to the running system's API; throws with the status and body on a non-2xx answer. */
export async function callApi<T>(system: RunningSystem, method: string, route: string, token: string | null, body?: unknown): Promise<T> {
  const res = await fetch(`${system.url}${route}`, {
    method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${route} → ${res.status} ${text}`);
  return (text ? JSON.parse(text) : undefined) as T;
}

/** A login code the system's WeChat simulator mints for `openid` (seeded listeners are `demo-listener-<i>`). */
export async function mintLoginCode(system: RunningSystem, openid: string): Promise<string> {
  if (!system.simUrl) throw new Error('startSystem() did not report the WeChat simulator URL');
  const res = await fetch(`${system.simUrl}/__sim/login-codes`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ openid }) });
  return ((await res.json()) as { code: string }).code;
}

export interface OnlineListener {
  id: string;
  alias: string;
  unitPriceFen: number;
  token: string;
  /** The seed index: its openid is `demo-listener-<index>`. */
  index: number;
  /** Stops the heartbeat that keeps it online. */
  stop(): void;
}

/**
 * The first seeded ACTIVE listener offering text, made online now the way a listener does it
 * (no working-hours limit, the toggle on, a heartbeat kept up until `stop`).
 */
export async function onlineSeededListener(system: RunningSystem): Promise<OnlineListener> {
  for (let index = 0; index < 10; index++) {
    const { token } = await callApi<{ token: string }>(system, 'POST', '/api/auth/login', null, { code: await mintLoginCode(system, `demo-listener-${index}`) });
    const wb = await callApi<{ id: string; alias: string; prices: { TEXT?: number }; status: string }>(system, 'GET', '/api/workbench', token);
    if (wb.status !== 'ACTIVE' || typeof wb.prices.TEXT !== 'number') continue;
    await callApi(system, 'PUT', '/api/workbench/hours', token, { hours: [] });
    await callApi(system, 'PUT', '/api/workbench/online', token, { online: true });
    const beat = () => callApi(system, 'POST', '/api/workbench/heartbeat', token, {});
    await beat();
    const heartbeat = setInterval(() => void beat().catch(() => undefined), 20000);
    return { id: wb.id, alias: wb.alias, unitPriceFen: wb.prices.TEXT, token, index, stop: () => clearInterval(heartbeat) };
  }
  throw new Error('no seeded ACTIVE listener offers text');
}

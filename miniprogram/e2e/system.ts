import { ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createTestDatabase, dropTestDatabase } from '@qingting/prisma';
import { chromium, type Browser } from 'playwright-core';

const ROOT = path.resolve(__dirname, '..', '..');
export const H5_DIST = path.join(ROOT, 'miniprogram', 'dist', 'h5');
const SERVER_MAIN = path.join(ROOT, 'server', 'dist', 'main.js');
export const ARTIFACTS = path.join(ROOT, 'artifacts', 'screenshots');

export interface RunningSystem {
  url: string;
  /** The WeChat simulator the API started (its `/__sim/…` controls), when it printed one. */
  simUrl?: string;
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
      return { url, simUrl, stop };
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
}

/**
 * For a describe block: starts the system and Chromium before its tests and stops both after.
 * The returned object is filled in by `beforeAll`; read its fields inside tests.
 */
export function useSystemAndBrowser(): BrowserSuite {
  const suite = {} as BrowserSuite;
  beforeAll(async () => {
    suite.system = await startSystem();
    suite.browser = await launchChromium();
    fs.mkdirSync(ARTIFACTS, { recursive: true });
  }, 90000);
  afterAll(async () => {
    await suite.browser?.close();
    await suite.system?.stop();
  });
  return suite;
}

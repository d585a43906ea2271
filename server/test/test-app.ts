import { randomUUID } from 'node:crypto';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { PrismaClient } from '@qingting/prisma';
import { createApp } from '../src/bootstrap';
import { freePort } from '../src/common/free-port';
import { AppConfig, loadConfig } from '../src/infra/config/app-config';
import { PrismaService } from '../src/infra/database/prisma.service';
import { startTestSimulator, type TestSimulator } from './wechat';

export interface TestApp {
  app: NestFastifyApplication;
  config: AppConfig;
  /** Base URL of the listening server, e.g. http://127.0.0.1:41234 */
  url: string;
  prisma: PrismaClient;
  /** fetch relative to the app, parsing the JSON body. */
  request(path: string, init?: RequestInit): Promise<{ status: number; headers: Headers; body: any }>;
  close(): Promise<void>;
}

/**
 * Starts the real app (the same `createApp` as production) on a free port, against the run's
 * PostgreSQL database and real Redis. Migrations were applied by global-setup.
 */
export async function startTestApp(env: Record<string, string> = {}): Promise<TestApp> {
  // A known port, so URLs built from the config (WeChat notify_url) point back at this app.
  const port = env.PORT ?? String(await freePort());
  const config = loadConfig({
    ...process.env,
    NODE_ENV: 'test',
    PORT: port,
    HOST: '127.0.0.1',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    MIGRATE_ON_START: 'false',
    // Each test app sees only its own Redis keys (sessions, rate limits, tokens).
    REDIS_KEY_PREFIX: `test:${randomUUID()}:`,
    ...env,
  });
  const app = await createApp(config);
  await app.listen(config.PORT, '127.0.0.1');
  const url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  return {
    app,
    config,
    url,
    prisma: app.get(PrismaService).client,
    async request(path, init) {
      const res = await fetch(url + path, init);
      const text = await res.text();
      let body: unknown = text;
      try {
        body = text ? JSON.parse(text) : undefined;
      } catch {
        /* not JSON: keep the text */
      }
      return { status: res.status, headers: res.headers, body };
    },
    close: () => app.close(),
  };
}

/**
 * Two app instances on one PostgreSQL and one Redis key space, as production runs several: started
 * before the suite's tests (after its earlier `beforeAll` hooks, so `env` may read what they
 * started) and closed after them. `use` receives them.
 */
export function useTwoInstances(use: (a: TestApp, b: TestApp) => void, env: () => Record<string, string> = () => ({})): void {
  const apps: TestApp[] = [];
  beforeAll(async () => {
    const shared = { ...env(), REDIS_KEY_PREFIX: `test:${randomUUID()}:` };
    apps.push(await startTestApp(shared), await startTestApp(shared));
    use(apps[0], apps[1]);
  });
  afterAll(async () => {
    for (const app of apps.splice(0)) await app.close();
  });
}

/**
 * One app with a WeChat simulator of its own for a suite: started before its tests, closed after
 * them. `use` receives them.
 */
export function useAppWithSimulator(use: (t: TestApp, wx: TestSimulator) => void, env: Record<string, string> = {}): void {
  let wx: TestSimulator | undefined;
  let t: TestApp | undefined;
  beforeAll(async () => {
    wx = await startTestSimulator();
    t = await startTestApp({ ...wx.env, ...env });
    use(t, wx);
  });
  afterAll(async () => {
    await t?.close();
    await wx?.close();
  });
}

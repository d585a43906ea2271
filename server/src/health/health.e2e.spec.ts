import { ChildProcess, spawn } from 'node:child_process';
import net from 'node:net';
import Redis from 'ioredis';
import { freePort } from '../common/free-port';
import { startTestApp, TestApp } from '../../test/test-app';

async function startRedis(port: number): Promise<ChildProcess> {
  const proc = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  for (let i = 0; i < 50; i++) {
    const up = await new Promise<boolean>((resolve) => {
      const s = net.connect(port, '127.0.0.1', () => (s.end(), resolve(true)));
      s.on('error', () => resolve(false));
    });
    if (up) return proc;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('redis-server did not start');
}

async function eventually<T>(read: () => Promise<T>, ok: (v: T) => boolean, ms = 10000): Promise<T> {
  const end = Date.now() + ms;
  let last = await read();
  while (!ok(last) && Date.now() < end) {
    await new Promise((r) => setTimeout(r, 200));
    last = await read();
  }
  return last;
}

describe('health (e2e)', () => {
  it('is live and ready when PostgreSQL and Redis answer', async () => {
    const t = await startTestApp();
    try {
      expect(await t.request('/health/live')).toMatchObject({ status: 200, body: { status: 'ok' } });
      expect(await t.request('/health/ready')).toMatchObject({
        status: 200,
        body: { status: 'ready', checks: { postgres: 'up', redis: 'up', instance: 'up' } },
      });
    } finally {
      await t.close();
    }
  });

  describe('when its own Redis stops and comes back', () => {
    let port: number;
    let redis: ChildProcess;
    let t: TestApp;

    beforeAll(async () => {
      port = await freePort();
      redis = await startRedis(port);
      t = await startTestApp({ REDIS_URL: `redis://127.0.0.1:${port}` });
    });
    afterAll(async () => {
      await t.close();
      redis.kill('SIGKILL');
    });

    /** The channels the app's real-time bus holds on this Redis (a fresh Redis starts with none). */
    async function channels(): Promise<string[]> {
      const probe = new Redis(port, '127.0.0.1', { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
      try {
        await probe.connect();
        return ((await probe.pubsub('CHANNELS')) as string[]).sort();
      } catch {
        return [];
      } finally {
        probe.disconnect();
      }
    }

    it('reports not ready (503 health/not_ready naming redis) without crashing, then ready again with its subscriptions back', async () => {
      expect((await t.request('/health/ready')).status).toBe(200);
      const subscribed = await channels();
      expect(subscribed.length).toBeGreaterThan(0);

      redis.kill('SIGKILL');
      const down = await eventually(() => t.request('/health/ready'), (r) => r.status === 503);
      expect(down.status).toBe(503);
      expect(down.body.code).toBe('health/not_ready');
      expect(down.body.details).toEqual([{ field: 'redis', problem: 'down' }]);
      expect((await t.request('/health/live')).status).toBe(200);

      redis = await startRedis(port);
      const up = await eventually(() => t.request('/health/ready'), (r) => r.status === 200);
      expect(up.body.checks.redis).toBe('up');
      expect(await eventually(channels, (c) => c.length === subscribed.length)).toEqual(subscribed);
    });
  });
});

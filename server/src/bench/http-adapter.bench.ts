import { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ExpressAdapter } from '@nestjs/platform-express';
import { createTestDatabase, dropTestDatabase, openDatabase, seedDemoData } from '@qingting/prisma';
import { AppModule } from '../app.module';
import { configureApp, createApp } from '../bootstrap';
import { AppConfig, loadConfig } from '../infra/config/app-config';
import { load, LoadResult, report, serveBare } from './bench-util';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const ROUNDS = 2;

async function expressApp(config: AppConfig): Promise<INestApplication> {
  const app = await NestFactory.create(AppModule.forRoot(config), new ExpressAdapter(), { bufferLogs: true });
  configureApp(app, config);
  return app;
}

/** The ceiling: bare node:http answering the same liveness body, no framework at all. */
function bareNode(): Promise<{ url: string; close: () => Promise<void> }> {
  return serveBare((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
    res.end('{"status":"ok"}');
  });
}

/**
 * Why the API runs on Fastify: the same AppModule, configured by the same `configureApp`, on
 * each adapter, under the same load, alternating rounds so drift on a shared machine hits both.
 */
export async function benchHttpAdapter(): Promise<void> {
  const databaseUrl = await createTestDatabase('qingting_bench');
  const db = await openDatabase({ kind: 'postgres', url: databaseUrl });
  await seedDemoData(db.prisma);
  await db.close();
  const config = loadConfig({
    ...process.env,
    NODE_ENV: 'test',
    DATABASE_URL: databaseUrl,
    REDIS_URL: process.env.REDIS_URL || 'redis://127.0.0.1:6379',
    LOG_LEVEL: 'silent',
    MIGRATE_ON_START: 'false',
  });
  const results: Record<string, Record<string, LoadResult[]>> = { bare: { live: [] }, fastify: { live: [], listeners: [] }, express: { live: [], listeners: [] } };
  try {
    const bare = await bareNode();
    for (let round = 0; round < ROUNDS; round++) {
      results.bare.live.push(await load(`${bare.url}/health/live`, SECONDS));
      for (const [name, make] of [['fastify', createApp], ['express', expressApp]] as const) {
        const app = await make(config);
        await app.listen(0, '127.0.0.1');
        const url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
        results[name].live.push(await load(`${url}/health/live`, SECONDS));
        results[name].listeners.push(await load(`${url}/api/listeners?limit=20`, SECONDS));
        await app.close();
      }
    }
    await bare.close();
  } finally {
    await dropTestDatabase(databaseUrl);
  }
  const best = (rs: LoadResult[]) => rs.reduce((a, b) => (b.requestsPerSec > a.requestsPerSec ? b : a));
  const rows = Object.entries(results).flatMap(([adapter, byEndpoint]) =>
    Object.entries(byEndpoint).map(([endpoint, rs]) => ({ adapter, endpoint, ...best(rs) })),
  );
  report('http-adapter', rows, { seconds: SECONDS, rounds: ROUNDS, connections: 32, note: 'best of rounds; bare = node:http ceiling' });
}

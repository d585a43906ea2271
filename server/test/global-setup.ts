import { createTestDatabase } from '@qingting/prisma';
import Redis from 'ioredis';

/**
 * One fresh, migrated PostgreSQL database per test run (dropped in global-teardown), and a
 * check that real Redis answers. Workers inherit DATABASE_URL and REDIS_URL from here.
 */
export default async function globalSetup(): Promise<void> {
  const redisUrl = process.env.REDIS_URL || 'redis://127.0.0.1:6379';
  const redis = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    await redis.ping();
  } catch (err) {
    throw new Error(`Tests need Redis at ${redisUrl} (${(err as Error).message}). Start it (see README "Tests") or set REDIS_URL.`);
  } finally {
    redis.disconnect();
  }
  process.env.REDIS_URL = redisUrl;
  process.env.DATABASE_URL = await createTestDatabase();
  process.env.QINGTING_TEST_DATABASE_URL = process.env.DATABASE_URL;
}

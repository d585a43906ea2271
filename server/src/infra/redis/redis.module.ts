import { Global, Inject, Logger, Module, OnApplicationShutdown } from '@nestjs/common';
import Redis from 'ioredis';
import RedisMock from 'ioredis-mock';
import { AppConfig } from '../config/app-config';

/** Injection token of the app's ioredis client. */
export const REDIS = Symbol('REDIS');

/**
 * A real ioredis client from REDIS_URL; only when it is unset (the embedded development run),
 * ioredis-mock, an in-process stand-in with the same API that serves this one process.
 */
export function createRedis(config: AppConfig): Redis {
  const logger = new Logger('Redis');
  if (!config.REDIS_URL) {
    logger.warn('REDIS_URL is unset: using the in-process stand-in (single process only)');
    return new RedisMock({ keyPrefix: config.REDIS_KEY_PREFIX }) as unknown as Redis;
  }
  const redis = new Redis(config.REDIS_URL, { maxRetriesPerRequest: 2, enableReadyCheck: true, keyPrefix: config.REDIS_KEY_PREFIX });
  // Without a listener an unreachable Redis would crash the process; readiness reports it instead.
  let lastError = '';
  redis.on('error', (err: Error) => {
    if (err.message !== lastError) logger.error(`redis: ${err.message}`);
    lastError = err.message;
  });
  redis.on('ready', () => (lastError = ''));
  return redis;
}

@Global()
@Module({
  providers: [{ provide: REDIS, useFactory: createRedis, inject: [AppConfig] }],
  exports: [REDIS],
})
export class RedisModule implements OnApplicationShutdown {
  constructor(@Inject(REDIS) private readonly redis: Redis) {}

  /** After the HTTP server has stopped, so in-flight requests can still use Redis. */
  async onApplicationShutdown(): Promise<void> {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}

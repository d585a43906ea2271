import { Inject, Injectable } from '@nestjs/common';
import type Redis from 'ioredis';
import { REDIS } from '../infra/redis/redis.module';
import { DomainError } from './errors/domain-error';

/**
 * Fixed-window counters in Redis, shared by every instance. `hit` counts one attempt and throws
 * 429 `rate/limited` once `limit` attempts were made within the window.
 */
@Injectable()
export class RateLimiter {
  constructor(@Inject(REDIS) private readonly redis: Redis) {}

  async hit(bucket: string, key: string, limit: number, windowSeconds: number): Promise<void> {
    const redisKey = `rate:${bucket}:${key}`;
    const [[, count], [, ttl]] = (await this.redis.multi().incr(redisKey).ttl(redisKey).exec()) as [[null, number], [null, number]];
    if (ttl < 0) await this.redis.expire(redisKey, windowSeconds);
    if (count > limit) {
      const wait = ttl > 0 ? ttl : windowSeconds;
      throw new DomainError('rate/limited', `操作太频繁，请 ${wait} 秒后再试`);
    }
  }
}

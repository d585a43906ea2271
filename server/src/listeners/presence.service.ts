import { Inject, Injectable } from '@nestjs/common';
import type Redis from 'ioredis';
import { REDIS } from '../infra/redis/redis.module';

/** How long a heartbeat keeps a listener present; the workbench beats every third of it. */
export const PRESENCE_TTL_SECONDS = 90;

const keyOf = (listenerId: string) => `presence:listener:${listenerId}`;
/** Sorted set of present listeners, scored by when their presence expires (epoch ms). */
const INDEX_KEY = 'presence:listeners';

/**
 * Redis presence of listeners (the workbench is open and beating).
 *
 * Two structures, written together in one MULTI:
 * - `presence:listener:<id>`, a key with a TTL: the truth for one listener (profile, cards);
 * - `presence:listeners`, a sorted set scored by expiry time: the index the `onlineNow`
 *   filter reads. Discovery takes the ids whose expiry is in the future and hands them to SQL
 *   (`user_id = ANY(...)` plus the toggle and working hours), so filtering and keyset
 *   pagination stay in the database and are exact. Only present listeners are in the set
 *   (a small fraction of all listeners), so the id list stays bounded; entries past their
 *   expiry are trimmed on every heartbeat.
 * We chose this over "filter by the toggle in SQL, then check presence per row", which would
 * return short or empty pages and break cursor pagination.
 */
@Injectable()
export class PresenceService {
  constructor(@Inject(REDIS) private readonly redis: Redis) {}

  async beat(listenerId: string, now = Date.now()): Promise<void> {
    await this.redis
      .multi()
      .set(keyOf(listenerId), '1', 'EX', PRESENCE_TTL_SECONDS)
      .zadd(INDEX_KEY, now + PRESENCE_TTL_SECONDS * 1000, listenerId)
      .zremrangebyscore(INDEX_KEY, '-inf', now)
      .exec();
  }

  async leave(listenerId: string): Promise<void> {
    await this.redis.multi().del(keyOf(listenerId)).zrem(INDEX_KEY, listenerId).exec();
  }

  /** Which of these listeners are present, in one round trip. */
  async presentAmong(listenerIds: readonly string[]): Promise<Set<string>> {
    if (listenerIds.length === 0) return new Set();
    const values = await this.redis.mget(...listenerIds.map(keyOf));
    return new Set(listenerIds.filter((_, i) => values[i] !== null));
  }

  async isPresent(listenerId: string): Promise<boolean> {
    return (await this.redis.exists(keyOf(listenerId))) === 1;
  }

  /** Every present listener's id (the `onlineNow` filter's candidate set). */
  async presentIds(now = Date.now()): Promise<string[]> {
    return this.redis.zrangebyscore(INDEX_KEY, `(${now}`, '+inf');
  }
}

import { createHash, randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type Redis from 'ioredis';
import { AppConfig } from '../infra/config/app-config';
import { REDIS } from '../infra/redis/redis.module';

export interface IssuedSession {
  token: string;
  expiresAt: string;
}

const sessionKey = (token: string) => `session:${createHash('sha256').update(token).digest('hex')}`;
const userSessionsKey = (userId: string) => `user-sessions:${userId}`;

/**
 * Opaque session tokens in Redis (only their SHA-256 is stored), so every instance accepts
 * them and they can be revoked at once (logout, account deletion, suspension).
 */
@Injectable()
export class SessionService {
  private readonly ttlSeconds: number;

  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    config: AppConfig,
  ) {
    this.ttlSeconds = config.SESSION_TTL_HOURS * 3600;
  }

  async issue(userId: string): Promise<IssuedSession> {
    const token = randomBytes(32).toString('base64url');
    const key = sessionKey(token);
    await this.redis.multi().set(key, userId, 'EX', this.ttlSeconds).sadd(userSessionsKey(userId), key).expire(userSessionsKey(userId), this.ttlSeconds).exec();
    return { token, expiresAt: new Date(Date.now() + this.ttlSeconds * 1000).toISOString() };
  }

  /** The user id behind a token, or null when it is unknown or expired. */
  resolve(token: string): Promise<string | null> {
    return this.redis.get(sessionKey(token));
  }

  /** A fresh token for a valid one; the old one stops working. */
  async refresh(token: string): Promise<IssuedSession | null> {
    const userId = await this.redis.getdel(sessionKey(token));
    if (!userId) return null;
    await this.redis.srem(userSessionsKey(userId), sessionKey(token));
    return this.issue(userId);
  }

  async revoke(token: string): Promise<void> {
    const userId = await this.redis.getdel(sessionKey(token));
    if (userId) await this.redis.srem(userSessionsKey(userId), sessionKey(token));
  }

  async revokeAll(userId: string): Promise<void> {
    const keys = await this.redis.smembers(userSessionsKey(userId));
    if (keys.length) await this.redis.del(...keys);
    await this.redis.del(userSessionsKey(userId));
  }
}

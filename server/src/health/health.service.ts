import { BeforeApplicationShutdown, Inject, Injectable } from '@nestjs/common';
import type Redis from 'ioredis';
import { PrismaService } from '../infra/database/prisma.service';
import { REDIS } from '../infra/redis/redis.module';

export type CheckState = 'up' | 'down' | 'shutting_down';
export interface Readiness {
  status: 'ready' | 'not_ready';
  checks: { postgres: CheckState; redis: CheckState; instance: CheckState };
}

const CHECK_TIMEOUT_MS = 1500;

function within<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([
    promise,
    new Promise<T>((_, reject) => (timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms))),
  ]).finally(() => clearTimeout(timer));
}

@Injectable()
export class HealthService implements BeforeApplicationShutdown {
  private shuttingDown = false;

  constructor(
    private readonly prisma: PrismaService,
    @Inject(REDIS) private readonly redis: Redis,
  ) {}

  /** Checks both stores at once, each bounded, so a hung dependency cannot hang the probe. */
  async readiness(): Promise<Readiness> {
    const [postgres, redis] = await Promise.all([
      this.probe(() => this.prisma.ping()),
      this.probe(() => this.redis.ping()),
    ]);
    const instance: CheckState = this.shuttingDown ? 'shutting_down' : 'up';
    const ok = postgres === 'up' && redis === 'up' && instance === 'up';
    return { status: ok ? 'ready' : 'not_ready', checks: { postgres, redis, instance } };
  }

  /** A draining instance reports not ready, so the load balancer stops sending it traffic. */
  beforeApplicationShutdown(): void {
    this.shuttingDown = true;
  }

  private async probe(check: () => Promise<unknown>): Promise<CheckState> {
    try {
      await within(check(), CHECK_TIMEOUT_MS);
      return 'up';
    } catch {
      return 'down';
    }
  }
}

import { Inject, Injectable, Logger } from '@nestjs/common';
import type Redis from 'ioredis';
import { AppConfig } from '../infra/config/app-config';
import { REDIS } from '../infra/redis/redis.module';

/**
 * Redis pub/sub between instances. Channels are exact names, subscribed only while this
 * instance has a socket that needs them (reference-counted): one channel per connected user and
 * one per conversation with a subscribed socket here, plus one for every instance.
 *
 * Why exact channels rather than one pattern subscription: with a pattern, every instance
 * receives and parses every message of the whole deployment, so adding instances adds work to
 * each of them; with exact channels an instance receives only what its own sockets need, and
 * Redis's cost per PUBLISH is a hash lookup plus one write per subscribed instance. 4,000 sockets
 * mean at most ~6,000 channels on one subscriber connection, which Redis keeps in a dictionary;
 * the price is one SUBSCRIBE when a socket connects or joins, and one UNSUBSCRIBE when the last
 * local socket leaves. After a reconnect the bus subscribes again to every channel it had.
 *
 * REDIS_KEY_PREFIX does not apply to channel names, so the prefix is added here: apps sharing a
 * Redis (parallel tests) never hear each other. With the in-process Redis stand-in (embedded
 * run), ioredis-mock delivers pub/sub within the process, which is all a single process needs.
 */
@Injectable()
export class RealtimeBus {
  private readonly logger = new Logger('RealtimeBus');
  private readonly prefix: string;
  private subscriber?: Redis;
  /** Publishes on its own connection with auto-pipelining: publishes of one tick leave in one write (the hot path's syscalls are what cost here). */
  private publisher?: Redis;
  private readonly refs = new Map<string, number>();
  private readonly subscribed = new Set<string>();
  /** Per channel, the tail of its SUBSCRIBE/UNSUBSCRIBE operations, so they apply in order. */
  private readonly syncing = new Map<string, Promise<void>>();

  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    config: AppConfig,
  ) {
    this.prefix = `${config.REDIS_KEY_PREFIX}rt:`;
  }

  /** Opens the subscriber connection; `onMessage` gets the channel name without the prefix. */
  start(onMessage: (channel: string, message: string) => void): void {
    // ioredis's own re-subscription after a reconnect leaves its promise unhandled: a shutdown
    // during that reconnect (QUIT written while the ready check runs) rejects it with
    // "Connection is closed." as an unhandled rejection. So this bus re-subscribes itself.
    const subscriber = this.redis.duplicate({ autoResubscribe: false });
    subscriber.on('error', (err: Error) => this.logger.error(`subscriber: ${err.message}`));
    subscriber.on('ready', () => this.resubscribe(subscriber));
    subscriber.on('message', (channel: string, message: string) => {
      if (channel.startsWith(this.prefix)) onMessage(channel.slice(this.prefix.length), message);
    });
    this.subscriber = subscriber;
    this.publisher = this.redis.duplicate({ enableAutoPipelining: true });
    this.publisher.on('error', (err: Error) => this.logger.error(`publisher: ${err.message}`));
  }

  async publish(channel: string, message: string): Promise<void> {
    // After `stop` (shutdown), late publishes from other modules' last jobs still go out on the shared client.
    await (this.publisher ?? this.redis).publish(this.prefix + channel, message);
  }

  /** One more local user of `channel`; resolves once Redis confirmed the subscription. */
  acquire(channel: string): Promise<void> {
    this.refs.set(channel, (this.refs.get(channel) ?? 0) + 1);
    return this.sync(channel);
  }

  /** One local user fewer; the channel is unsubscribed when none is left. */
  release(channel: string): void {
    const left = (this.refs.get(channel) ?? 0) - 1;
    if (left > 0) this.refs.set(channel, left);
    else this.refs.delete(channel);
    this.sync(channel).catch((err: Error) => this.logger.warn(`unsubscribe ${channel}: ${err.message}`));
  }

  /** Channels this instance is subscribed to (tests and diagnostics). */
  get channels(): number {
    return this.subscribed.size;
  }

  async stop(): Promise<void> {
    const { subscriber, publisher } = this;
    this.subscriber = undefined;
    this.publisher = undefined;
    await Promise.all([subscriber, publisher].map((c) => c?.quit().catch(() => c.disconnect())));
  }

  /** After a reconnect: every channel confirmed before it (SUBSCRIBE of one already subscribed is a no-op). */
  private resubscribe(subscriber: Redis): void {
    if (subscriber !== this.subscriber || this.subscribed.size === 0) return;
    const channels = [...this.subscribed].map((channel) => this.prefix + channel);
    subscriber.subscribe(...channels).catch((err: Error) => this.logger.warn(`re-subscribe after reconnect: ${err.message}`));
  }

  /** Brings the subscription of `channel` in line with its reference count, after any operation already under way. */
  private sync(channel: string): Promise<void> {
    const run = async () => {
      const subscriber = this.subscriber;
      if (!subscriber) return;
      const wanted = this.refs.has(channel);
      if (wanted && !this.subscribed.has(channel)) {
        await subscriber.subscribe(this.prefix + channel);
        this.subscribed.add(channel);
      } else if (!wanted && this.subscribed.has(channel)) {
        this.subscribed.delete(channel);
        await subscriber.unsubscribe(this.prefix + channel);
      }
    };
    const next = (this.syncing.get(channel) ?? Promise.resolve()).then(run, run);
    this.syncing.set(channel, next);
    const forget = () => {
      if (this.syncing.get(channel) === next) this.syncing.delete(channel);
    };
    next.then(forget, forget);
    return next;
  }
}

import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { WS_HEARTBEAT_MS, type ServerFrame } from '@qingting/shared';
import type Redis from 'ioredis';
import type { WebSocket } from 'ws';
import { DomainError } from '../common/errors/domain-error';
import { REDIS } from '../infra/redis/redis.module';
import { errorFrame, refOf, type HandledType, type IncomingFrame } from './frames';
import { RealtimeBus } from './realtime-bus';
import { LiveClient, type ClientHub, type RealtimeClient } from './realtime-client';

/**
 * A handler of one client frame type. The frame has only been checked to be an object of that
 * type: check its fields with `field` from ./frames. A DomainError becomes an `error` frame.
 */
export type FrameHandler = (client: RealtimeClient, frame: IncomingFrame) => Promise<void>;

/** Builds the frame one recipient of a conversation event gets (null: nothing for them). */
export type FrameBuilder<P> = (payload: P, recipientUserId: string) => ServerFrame | null;

/** A registered, named frame builder: what `toConversation` publishes is its name and the payload. */
export interface ConversationFrame<P> {
  readonly name: string;
  /** Only for type inference. */
  readonly payload?: P;
}

/** A socket's presence entry lives this long unless refreshed; the sweep refreshes it every heartbeat. */
const PRESENCE_TTL_MS = 3 * WS_HEARTBEAT_MS;

const presenceKey = (userId: string) => `rt:presence:${userId}`;
const userChannel = (userId: string) => `u:${userId}`;
const conversationChannel = (conversationId: string) => `c:${conversationId}`;
const ALL_CHANNEL = 'all';

type UserMessage = { frame: ServerFrame } | { close: number };
interface ConversationMessage {
  /** Builder name, payload, and the id of a socket to skip (the sender's, which gets an `ack`). */
  n: string;
  p: unknown;
  x?: string;
}

/**
 * Real-time delivery (PRODUCT.md §4): the registry of this instance's sockets, the Redis fan-out
 * to the sockets of every instance, presence, and the dispatch of client frames to the modules
 * that registered handlers. The socket protocol itself (upgrade, auth, heartbeat) is in
 * RealtimeGateway.
 *
 * A conversation event is published once, as a builder name and a payload; each instance builds
 * the frame per local recipient (messages are viewer-relative: 'me' / 'peer'). Builders are
 * registered by name at start-up, so every instance knows them.
 */
@Injectable()
export class RealtimeService implements OnModuleInit, ClientHub {
  private readonly logger = new Logger('Realtime');
  private readonly instanceId = randomUUID().slice(0, 8);
  private counter = 0;
  private readonly byUser = new Map<string, Set<LiveClient>>();
  private readonly byConversation = new Map<string, Set<LiveClient>>();
  private readonly handlers = new Map<string, FrameHandler>();
  private readonly builders = new Map<string, FrameBuilder<unknown>>();
  private readonly broadcastHandlers = new Map<string, (payload: unknown) => void>();
  private readonly inFlight = new Set<Promise<void>>();

  constructor(
    private readonly bus: RealtimeBus,
    @Inject(REDIS) private readonly redis: Redis,
  ) {}

  async onModuleInit(): Promise<void> {
    this.bus.start((channel, message) => this.onBusMessage(channel, message));
    await this.bus.acquire(ALL_CHANNEL);
  }

  // --- API for other modules ---

  /** Registers the handler of a client frame type (in onModuleInit). */
  handle(type: HandledType, handler: FrameHandler): void {
    if (this.handlers.has(type)) throw new Error(`a handler for ${type} frames is already registered`);
    this.handlers.set(type, handler);
  }

  /** Registers a named per-recipient frame builder (in onModuleInit, on every instance). */
  conversationFrame<P>(name: string, build: FrameBuilder<P>): ConversationFrame<P> {
    if (this.builders.has(name)) throw new Error(`a conversation frame ${name} is already registered`);
    this.builders.set(name, build as FrameBuilder<unknown>);
    return { name };
  }

  /** Every socket joined to the conversation, on every instance, gets `frame` built for its user; `except` skips one socket. */
  async toConversation<P>(conversationId: string, frame: ConversationFrame<P>, payload: P, options: { except?: RealtimeClient } = {}): Promise<void> {
    const message: ConversationMessage = { n: frame.name, p: payload, x: options.except?.id };
    await this.bus.publish(conversationChannel(conversationId), JSON.stringify(message));
  }

  /** Every socket of the user, on every instance. */
  async toUser(userId: string, frame: ServerFrame): Promise<void> {
    await this.bus.publish(userChannel(userId), JSON.stringify({ frame } satisfies UserMessage));
  }

  /** Closes every socket of the user (account deleted, suspended): 4401 makes the client log in again. */
  async disconnectUser(userId: string, code = 4401): Promise<void> {
    await this.bus.publish(userChannel(userId), JSON.stringify({ close: code } satisfies UserMessage));
  }

  /** A socket of the user is open on some instance (entries of crashed instances expire within 3 heartbeats). */
  async isOnline(userId: string): Promise<boolean> {
    return (await this.redis.zcount(presenceKey(userId), Date.now(), '+inf')) > 0;
  }

  /** Runs `handler` on every instance (this one included) for each `broadcast` of the topic: cache evictions. */
  onBroadcast<P>(topic: string, handler: (payload: P) => void): void {
    if (this.broadcastHandlers.has(topic)) throw new Error(`a broadcast handler for ${topic} is already registered`);
    this.broadcastHandlers.set(topic, handler as (payload: unknown) => void);
  }

  async broadcast<P>(topic: string, payload: P): Promise<void> {
    await this.bus.publish(ALL_CHANNEL, JSON.stringify({ t: topic, p: payload }));
  }

  // --- used by RealtimeGateway ---

  /** Registers an authenticated socket; resolves once frames for its user reach this instance. */
  async connect(ws: WebSocket, userId: string): Promise<LiveClient> {
    const client = new LiveClient(`${this.instanceId}:${++this.counter}`, userId, ws, this);
    let sockets = this.byUser.get(userId);
    if (!sockets) this.byUser.set(userId, (sockets = new Set()));
    sockets.add(client);
    await Promise.all([
      this.bus.acquire(userChannel(userId)),
      this.redis.multi().zadd(presenceKey(userId), Date.now() + PRESENCE_TTL_MS, client.id).pexpire(presenceKey(userId), PRESENCE_TTL_MS).exec(),
    ]);
    return client;
  }

  /** Forgets a closed socket: its subscriptions and its presence entry. */
  disconnect(client: LiveClient): Promise<void> {
    if (client.closed) return Promise.resolve();
    client.closed = true;
    const sockets = this.byUser.get(client.userId);
    sockets?.delete(client);
    if (sockets?.size === 0) this.byUser.delete(client.userId);
    this.bus.release(userChannel(client.userId));
    return this.track(
      (async () => {
        await Promise.all([...client.conversations.keys()].map((id) => client.leave(id)));
        await this.redis.zrem(presenceKey(client.userId), client.id);
      })(),
    );
  }

  /** Hands a client frame to its module's handler, after the socket's earlier frames. */
  dispatch(client: LiveClient, frame: IncomingFrame): void {
    const handler = this.handlers.get(frame.type);
    if (!handler) {
      client.send(errorFrame(refOf(frame), new DomainError('ws/bad_frame', `消息格式有误：未知的 type ${frame.type.slice(0, 32)}`)));
      return;
    }
    const done = client.enqueue(async () => {
      if (client.closed) return;
      try {
        await handler(client, frame);
      } catch (err) {
        if (err instanceof DomainError) {
          client.send(errorFrame(refOf(frame), err));
        } else {
          this.logger.error({ err, type: frame.type, userId: client.userId }, 'frame handler failed');
          client.send(errorFrame(refOf(frame), new DomainError('internal/error')));
        }
      }
    });
    void this.track(done);
  }

  /**
   * The heartbeat: sockets silent for more than two heartbeats are cut, those silent for more than
   * one are pinged (a runtime that answers protocol pings stays connected), and the presence of
   * the rest is refreshed in one pipeline.
   */
  async sweep(now = Date.now()): Promise<void> {
    const refresh = this.redis.pipeline();
    for (const [userId, sockets] of this.byUser) {
      const alive: string[] = [];
      for (const client of sockets) {
        const silent = now - client.lastSeen;
        if (silent > 2 * WS_HEARTBEAT_MS) {
          client.ws.terminate();
          continue;
        }
        if (silent > WS_HEARTBEAT_MS) client.ws.ping();
        alive.push(String(now + PRESENCE_TTL_MS), client.id);
      }
      if (alive.length) refresh.zadd(presenceKey(userId), ...alive).pexpire(presenceKey(userId), PRESENCE_TTL_MS);
      refresh.zremrangebyscore(presenceKey(userId), '-inf', now);
    }
    if (refresh.length) await refresh.exec();
  }

  /** Lets handlers under way finish (shutdown), then stops listening to Redis. */
  async stop(): Promise<void> {
    await Promise.allSettled([...this.inFlight]);
    await this.bus.stop();
  }

  /** Remembers work under way until it settles, so `stop` can wait for it. */
  private track(work: Promise<void>): Promise<void> {
    this.inFlight.add(work);
    const forget = () => void this.inFlight.delete(work);
    work.then(forget, forget);
    return work;
  }

  // --- ClientHub ---

  async joinConversation(client: LiveClient, conversationId: string): Promise<void> {
    let sockets = this.byConversation.get(conversationId);
    if (!sockets) this.byConversation.set(conversationId, (sockets = new Set()));
    sockets.add(client);
    await this.bus.acquire(conversationChannel(conversationId));
  }

  async leaveConversation(client: LiveClient, conversationId: string): Promise<void> {
    const sockets = this.byConversation.get(conversationId);
    if (!sockets?.delete(client)) return;
    if (sockets.size === 0) this.byConversation.delete(conversationId);
    this.bus.release(conversationChannel(conversationId));
  }

  // --- from Redis ---

  private onBusMessage(channel: string, message: string): void {
    try {
      if (channel.startsWith('c:')) this.deliverToConversation(channel.slice(2), JSON.parse(message) as ConversationMessage);
      else if (channel.startsWith('u:')) this.deliverToUser(channel.slice(2), JSON.parse(message) as UserMessage);
      else if (channel === ALL_CHANNEL) {
        const { t, p } = JSON.parse(message) as { t: string; p: unknown };
        this.broadcastHandlers.get(t)?.(p);
      }
    } catch (err) {
      this.logger.error({ err, channel }, 'could not deliver a real-time message');
    }
  }

  private deliverToConversation(conversationId: string, message: ConversationMessage): void {
    const sockets = this.byConversation.get(conversationId);
    if (!sockets) return;
    const build = this.builders.get(message.n);
    if (!build) {
      this.logger.warn(`no conversation frame ${message.n} on this instance`);
      return;
    }
    // Built and serialised once per recipient user, however many sockets they have here.
    const built = new Map<string, { frame: ServerFrame; raw: string } | null>();
    for (const client of sockets) {
      if (client.id === message.x) continue;
      let out = built.get(client.userId);
      if (out === undefined) {
        const frame = build(message.p, client.userId);
        out = frame ? { frame, raw: JSON.stringify(frame) } : null;
        built.set(client.userId, out);
      }
      if (out) client.deliver(conversationId, out.frame, out.raw);
    }
  }

  private deliverToUser(userId: string, message: UserMessage): void {
    const sockets = this.byUser.get(userId);
    if (!sockets) return;
    if ('close' in message) {
      for (const client of sockets) client.ws.close(message.close, 'session ended');
      return;
    }
    const raw = JSON.stringify(message.frame);
    for (const client of sockets) client.sendRaw(raw);
  }
}

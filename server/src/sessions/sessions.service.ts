import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import type { Session, SessionStatus } from '@qingting/prisma';
import type { Page, ServerFrame, SessionView } from '@qingting/shared';
import { ChatService } from '../chat/chat.service';
import { TtlCache } from '../chat/ttl-cache';
import { DomainError } from '../common/errors/domain-error';
import { AppConfig } from '../infra/config/app-config';
import { PrismaService } from '../infra/database/prisma.service';
import { decodeOrderCursor, pageOf } from '../orders/order-view';
import { RealtimeService } from '../realtime/realtime.service';
import type { ListSessionsQuery } from './dto';
import { loadViewRow, loadViewRows, Query, sessionColumns, SessionRow, toSessionView } from './session-view';

type SessionEventName = Extract<ServerFrame, { type: 'session' }>['event'];

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** What the chat policy needs of a session, cached per instance (see `onModuleInit`). */
interface SessionChat {
  talkerId: string;
  listenerId: string;
  /** Sending is allowed while now < this (the endsAt read while ACTIVE; 0 otherwise). */
  openUntil: number;
  /** ENDED or CANCELLED: it never opens again. */
  over: boolean;
}

const CHAT_EVICT_TOPIC = 'sessions.chat.evict';
/**
 * Sessions whose chat state is kept in memory, and for how long at most: an eviction lost in
 * Redis (pub/sub drops messages across a reconnect) lets a session ended early accept messages on
 * another instance for at most this long (or until its endsAt, whichever is first).
 */
const CHAT_CACHE_ENTRIES = 20_000;
const CHAT_CACHE_TTL_MS = 60_000;

/**
 * Reading sessions (PRODUCT.md §4): the party's views, lists, and the `session` frames pushed to
 * both parties; and the chat policy of session conversations. Reads are plain SQL (the views join
 * five tables in one statement). Every chat message asks the policy, so it answers from memory.
 */
@Injectable()
export class SessionsService implements OnModuleInit {
  private readonly logger = new Logger(SessionsService.name);
  private readonly chats = new TtlCache<SessionChat | null>(CHAT_CACHE_ENTRIES, CHAT_CACHE_TTL_MS);

  constructor(
    private readonly prisma: PrismaService,
    private readonly config: AppConfig,
    private readonly chat: ChatService,
    private readonly realtime: RealtimeService,
  ) {}

  /**
   * The SESSION chat policy, answered from a per-instance cache: a session's parties never change,
   * and while it is ACTIVE sending stays allowed until its endsAt. Past that moment (or when it was
   * not running when read) it is read again: an extension or a grace hold moves endsAt forward, a
   * WAITING session starts. The one change that cannot wait for endsAt, an end before it, evicts
   * the entry on every instance (`push` of `ended`).
   */
  onModuleInit(): void {
    this.chat.registerPolicy('SESSION', {
      canSend: async (sessionId, userId) => {
        const chat = await this.sendState(sessionId);
        return !!chat && isParty(chat, userId) && Date.now() < chat.openUntil;
      },
      canRead: async (sessionId, userId) => {
        const chat = UUID.test(sessionId) ? await this.chats.get(sessionId, () => this.loadChat(sessionId)) : null;
        return !!chat && isParty(chat, userId);
      },
    });
    this.realtime.onBroadcast<string>(CHAT_EVICT_TOPIC, (sessionId) => this.chats.delete(sessionId));
  }

  /** The cached chat state, read again when it is not open and might have opened (or been extended) since it was read. */
  private async sendState(sessionId: string): Promise<SessionChat | null> {
    if (!UUID.test(sessionId)) return null;
    let fresh = false;
    const load = () => {
      fresh = true;
      return this.loadChat(sessionId);
    };
    const cached = await this.chats.get(sessionId, load);
    if (!cached || fresh || cached.over || Date.now() < cached.openUntil) return cached;
    this.chats.delete(sessionId);
    return this.chats.get(sessionId, load);
  }

  private async loadChat(sessionId: string): Promise<SessionChat | null> {
    const [row] = await this.prisma.sql.query<{ talkerId: string; listenerId: string; status: SessionStatus; endsAt: Date | null }>(
      'SELECT talker_id AS "talkerId", listener_id AS "listenerId", status::text AS status, ends_at AS "endsAt" FROM sessions WHERE id = $1::uuid',
      [sessionId],
    );
    if (!row) return null;
    return {
      talkerId: row.talkerId,
      listenerId: row.listenerId,
      openUntil: row.status === 'ACTIVE' && row.endsAt ? row.endsAt.getTime() : 0,
      over: row.status === 'ENDED' || row.status === 'CANCELLED',
    };
  }

  /** The session if `userId` is one of its parties; 404 `session/not_found` otherwise (nothing revealed). */
  async getForParty(sessionId: string, userId: string): Promise<Session> {
    const [session] = UUID.test(sessionId) ? await this.prisma.sql.query<Session>(`SELECT ${sessionColumns('s')} FROM sessions s WHERE s.id = $1`, [sessionId]) : [];
    if (!session || (session.talkerId !== userId && session.listenerId !== userId)) throw new DomainError('session/not_found');
    return session;
  }

  async viewFor(session: Pick<Session, 'id'>, userId: string): Promise<SessionView> {
    const row = await loadViewRow(this.prisma.sql, session.id);
    if (!row) throw new DomainError('session/not_found');
    return this.toView(row, userId);
  }

  async get(userId: string, sessionId: string): Promise<SessionView> {
    return this.viewFor(await this.getForParty(sessionId, userId), userId);
  }

  async byOrder(userId: string, orderId: string): Promise<SessionView> {
    const [row] = await loadViewRows(this.prisma.sql, 's.order_id = $1::uuid AND (s.talker_id = $2::uuid OR s.listener_id = $2::uuid)', '', [orderId, userId]);
    if (!row) throw new DomainError('session/not_found');
    return this.toView(row, userId);
  }

  /** Mine, newest first: `active` = waiting or running, `past` = ended or cancelled. */
  async list(userId: string, query: ListSessionsQuery): Promise<Page<SessionView>> {
    const statuses = query.state === 'active' ? ['WAITING', 'ACTIVE'] : ['ENDED', 'CANCELLED'];
    const values: unknown[] = [userId, statuses, query.limit + 1];
    let where = '(s.talker_id = $1::uuid OR s.listener_id = $1::uuid) AND s.status::text = ANY($2::text[])';
    if (query.cursor) {
      const c = decodeOrderCursor(query.cursor);
      values.push(c.createdAt, c.id);
      where += ' AND (s.created_at, s.id) < ($4::timestamptz, $5::uuid)';
    }
    const rows = await loadViewRows(this.prisma.sql, where, 'ORDER BY s.created_at DESC, s.id DESC LIMIT $3', values);
    return pageOf(rows, query.limit, (r) => this.toView(r, userId));
  }

  toView(row: SessionRow, userId: string): SessionView {
    return toSessionView(row, userId, this.config.DISPUTE_WINDOW_HOURS);
  }

  /**
   * Pushes the `session` frame (each party's own view) to both parties. Reads through `db`: the
   * pool after a commit, or the transaction of a timer (whose commit follows at once). A failed
   * push is logged, never fails the change: clients also refresh the view on reconnect. The push
   * of an early end first closes the session's chat on every instance (`closeChat`); a time-up
   * needs nothing, as every endsAt an instance may have cached has passed.
   */
  async push(source: Query | SessionRow, sessionId: string, event: SessionEventName): Promise<void> {
    if (event === 'ended' && ('query' in source || source.endReason !== 'TIME_UP')) await this.closeChat(sessionId);
    try {
      const row = 'query' in source ? await loadViewRow(source, sessionId) : source;
      if (!row) return;
      for (const userId of [row.talkerId, row.listenerId]) {
        await this.realtime.toUser(userId, { type: 'session', event, session: this.toView(row, userId) });
      }
    } catch (err) {
      this.logger.warn({ err, sessionId, event }, 'could not push the session frame');
    }
  }

  /**
   * An early end closes the chat on every instance: this one at once, the others when the
   * broadcast reaches them. A message accepted on another instance between the end's commit and
   * the eviction's arrival is stored after the end's system line, in a conversation that stays
   * readable (and writable at the storage level) until its key is shredded: one stray line, not
   * billed (the money was settled in the end's transaction). The same window existed before the
   * cache, between the policy's query and the message's insert; the eviction adds to it the
   * pub/sub latency (about a millisecond); a party's end pushes right after its commit.
   */
  private async closeChat(sessionId: string): Promise<void> {
    this.chats.delete(sessionId);
    await this.realtime.broadcast(CHAT_EVICT_TOPIC, sessionId).catch((err: unknown) => this.logger.warn({ err, sessionId }, 'could not evict the session chat on other instances'));
  }
}

const isParty = (chat: SessionChat, userId: string) => chat.talkerId === userId || chat.listenerId === userId;

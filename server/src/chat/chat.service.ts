import { BeforeApplicationShutdown, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { inTx, type ConversationKind, type Prisma } from '@qingting/prisma';
import type { ChatRole, MessageView } from '@qingting/shared';
import { DomainError } from '../common/errors/domain-error';
import { RateLimiter } from '../common/rate-limiter.service';
import { FieldCrypto } from '../identity/field-crypto.service';
import { AppConfig } from '../infra/config/app-config';
import { PrismaService } from '../infra/database/prisma.service';
import type { RealtimeClient } from '../realtime/realtime-client';
import { RealtimeService, type ConversationFrame } from '../realtime/realtime.service';
import { maskContacts } from '../safety/contact-masking';
import { CrisisAlertsService } from '../safety/crisis-alerts.service';
import { detectCrisis, type CrisisHit } from '../safety/crisis-lexicon';
import { SchedulerService } from '../scheduler/scheduler.service';
import { newConversationKey, openMessage, sealMessage } from './message-crypto';
import { MessageWriter, newMessageId } from './message-writer';
import { TtlCache } from './ttl-cache';

/**
 * What a kind of conversation allows beyond membership (the sessions module registers SESSION:
 * the session is ACTIVE and the user a party). Each refuses by throwing a DomainError of its own,
 * or by resolving `false`: 409 `chat/closed` for sending, 404 `chat/not_found` for reading.
 */
export interface ChatPolicy {
  canSend(subjectId: string, userId: string): Promise<boolean | void>;
  canRead(subjectId: string, userId: string): Promise<boolean | void>;
}

/** TALKER / LISTENER in a session; OWNER / MEMBER in a group. */
export type MemberRole = 'TALKER' | 'LISTENER' | 'OWNER' | 'MEMBER';

export interface ConversationMember {
  userId: string;
  role: string;
  lastReadSeq: number;
  mutedUntil: Date | null;
  joinedAt: Date;
  leftAt: Date | null;
}

export interface ConversationInfo {
  id: string;
  kind: ConversationKind;
  subjectId: string;
  lastSeq: number;
  retainUntil: Date | null;
  frozen: boolean;
  /** Set once the key is destroyed: nothing can be read any more. */
  keyDestroyedAt: Date | null;
}

/** A message as published to every instance: the view without the viewer-relative `from`. */
/** A message as published between instances: with its sender, which each viewer's frame replaces by `from`. */
type StoredMessage = Omit<MessageView, 'from'> & { senderId: string | null };

interface Member {
  role: string;
  alias: string | null;
  leftAt: Date | null;
  mutedUntil: Date | null;
}

/** What the per-message path needs of a conversation, cached (see `state`). */
interface ConversationState {
  id: string;
  kind: ConversationKind;
  subjectId: string;
  /** The unwrapped data key; null once destroyed. */
  key: Buffer | null;
  members: Map<string, Member>;
}

type Exec = <T>(sql: string, values: unknown[]) => Promise<T[]>;

const SHRED_JOB = 'chat.shred';
const EVICT_TOPIC = 'chat.evict';
/** Conversation states kept in memory, and for how long: membership and key changes show within this. */
const STATE_CACHE_ENTRIES = 20_000;
const STATE_TTL_MS = 30_000;
/** Messages per `history` frame when a subscription resumes. */
const HISTORY_PAGE = 200;
/** At most one relayed `typing` per socket and conversation this often. */
const TYPING_INTERVAL_MS = 2_000;
/** How long after a write inside a caller's transaction we keep looking for its commit before giving up (rolled back). */
const COMMIT_POLL_DELAYS_MS = [20, 50, 100, 250, 500, 1_000, 2_000, 5_000, 10_000, 30_000];

const STATE_SQL = `
  SELECT c.kind::text AS kind, c.subject_id AS "subjectId", c.key_wrapped AS "keyWrapped",
         m.user_id AS "userId", m.role, m.left_at AS "leftAt", m.muted_until AS "mutedUntil", u.alias
  FROM conversations c
  LEFT JOIN conversation_members m ON m.conversation_id = c.id
  LEFT JOIN users u ON u.id = m.user_id
  WHERE c.id = $1::uuid`;

/** Also runs in callers' Prisma transactions, whose raw queries do not pass bytes on every adapter (PGlite's): the body goes as hex. */
const SYSTEM_SQL = `
  WITH next AS (
    UPDATE conversations SET last_seq = last_seq + 1 WHERE id = $1::uuid AND key_wrapped IS NOT NULL RETURNING last_seq
  )
  INSERT INTO messages (id, conversation_id, seq, kind, body)
  SELECT $2::uuid, $1::uuid, last_seq, 'SYSTEM', decode($3::text, 'hex') FROM next
  RETURNING seq, created_at AS "createdAt"`;

const roleOf = (state: ConversationState, userId: string | null): ChatRole | null => (userId ? ((state.members.get(userId)?.role as ChatRole | undefined) ?? null) : null);

/** What `viewerId` sees: whether it is theirs, a peer's or the system's, never the sender's id. */
const viewFor = ({ senderId, ...message }: StoredMessage, viewerId: string | null): MessageView => ({
  ...message,
  from: senderId === null ? 'system' : senderId === viewerId ? 'me' : 'peer',
});

/**
 * Conversations and their messages (PRODUCT.md §1 privacy, §4 messages, §7 group chat). Each
 * conversation has its own AES-256 key, wrapped by the field-encryption key; messages are stored
 * encrypted (iv ‖ tag ‖ ciphertext) and the key is destroyed when the retention window ends
 * (crypto-shredding), unless a report or dispute froze it.
 *
 * Sending is the hot path (thousands a second): no Prisma on it; messages are stored by
 * MessageWriter (one statement per batch of concurrent messages, membership and key presence
 * re-checked there); conversation states with their unwrapped keys are cached per instance
 * (bounded LRU, 30 s).
 */
@Injectable()
export class ChatService implements OnModuleInit, BeforeApplicationShutdown {
  private readonly logger = new Logger('Chat');
  private readonly policies = new Map<ConversationKind, ChatPolicy>();
  private readonly states = new TtlCache<ConversationState>(STATE_CACHE_ENTRIES, STATE_TTL_MS);
  private readonly typingAt = new WeakMap<RealtimeClient, Map<string, number>>();
  private readonly background = new Set<Promise<void>>();
  private readonly writer = new MessageWriter(() => this.prisma.sql);
  private stopping = false;
  /** Wakes the commit watches' sleeps at shutdown. */
  private readonly sleepers = new Set<() => void>();

  private readonly messageFrame: ConversationFrame<StoredMessage>;
  private readonly typingFrame: ConversationFrame<{ conversationId: string; userId: string; alias: string | null }>;
  private readonly readFrame: ConversationFrame<{ conversationId: string; userId: string; seq: number }>;

  constructor(
    private readonly prisma: PrismaService,
    private readonly realtime: RealtimeService,
    private readonly fieldCrypto: FieldCrypto,
    private readonly rateLimiter: RateLimiter,
    private readonly scheduler: SchedulerService,
    private readonly crisisAlerts: CrisisAlertsService,
    private readonly config: AppConfig,
  ) {
    this.messageFrame = realtime.conversationFrame('chat.message', (message, viewer) => ({ type: 'message', message: viewFor(message, viewer) }));
    this.typingFrame = realtime.conversationFrame('chat.typing', (p, viewer) =>
      p.userId === viewer ? null : { type: 'typing', conversationId: p.conversationId, from: 'peer', alias: p.alias },
    );
    this.readFrame = realtime.conversationFrame('chat.read', (p, viewer) => ({ type: 'read', conversationId: p.conversationId, from: p.userId === viewer ? 'me' : 'peer', seq: p.seq }));
  }

  onModuleInit(): void {
    this.scheduler.register(SHRED_JOB, async (job, tx) => {
      const shredded = await tx.$queryRaw<{ id: string }[]>`
        UPDATE conversations SET key_wrapped = NULL, key_destroyed_at = now()
        WHERE id = ${job.key}::uuid AND NOT frozen AND key_wrapped IS NOT NULL AND retain_until <= now()
        RETURNING id`;
      if (shredded.length) this.afterCommit(() => this.committed('SELECT 1 FROM conversations WHERE id = $1::uuid AND key_wrapped IS NULL', [job.key]), () => this.realtime.broadcast(EVICT_TOPIC, job.key));
    });
    this.realtime.onBroadcast<string>(EVICT_TOPIC, (conversationId) => this.states.delete(conversationId));
  }

  /** Lets crisis alerts under way finish; commit watches give up (clients get those lines from the history). */
  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    for (const wake of this.sleepers) wake();
    await Promise.allSettled([...this.background]);
  }

  /** Registers what a kind of conversation allows (in onModuleInit of the owning module). */
  registerPolicy(kind: ConversationKind, policy: ChatPolicy): void {
    if (this.policies.has(kind)) throw new Error(`a chat policy for ${kind} is already registered`);
    this.policies.set(kind, policy);
  }

  /** Creates the conversation of a session or group, with its members and a fresh wrapped key, inside the caller's transaction. */
  async open(kind: ConversationKind, subjectId: string, members: { userId: string; role: MemberRole }[], tx: Prisma.TransactionClient): Promise<{ id: string }> {
    return tx.conversation.create({
      data: {
        kind,
        subjectId,
        keyWrapped: this.fieldCrypto.encrypt(newConversationKey().toString('base64')),
        members: { create: members.map((m) => ({ userId: m.userId, role: m.role })) },
      },
      select: { id: true },
    });
  }

  async members(conversationId: string, tx?: Prisma.TransactionClient): Promise<ConversationMember[]> {
    return (tx ?? this.prisma.client).conversationMember.findMany({
      where: { conversationId },
      orderBy: { joinedAt: 'asc' },
      select: { userId: true, role: true, lastReadSeq: true, mutedUntil: true, joinedAt: true, leftAt: true },
    });
  }

  /** The conversation of a session or group (null when it has none). */
  async conversationFor(subjectId: string, tx?: Prisma.TransactionClient): Promise<ConversationInfo | null> {
    return (tx ?? this.prisma.client).conversation.findUnique({
      where: { subjectId },
      select: { id: true, kind: true, subjectId: true, lastSeq: true, retainUntil: true, frozen: true, keyDestroyedAt: true },
    });
  }

  /**
   * A person's message: checked (membership, the kind's policy, length, rate), contact details
   * masked, stored encrypted with the next sequence number, and delivered to every socket joined
   * to the conversation except `except` (the sender's, which the caller acks). A resend with the
   * same clientId returns the stored message and delivers nothing again. A crisis-lexicon hit on
   * the original text shows the care card and guidance and raises an ops alert.
   */
  async post(conversationId: string, senderId: string, text: string, clientId: string, options: { except?: RealtimeClient } = {}): Promise<MessageView> {
    const clean = this.checkText(text);
    const state = await this.checkedState(conversationId, (s) => this.assertCanSend(s, senderId));
    // Both at once (one round trip of latency, not two); the policy's answer wins over the rate limit's.
    const [allowed, rate] = await Promise.allSettled([
      this.policyOf(state.kind).canSend(state.subjectId, senderId),
      this.rateLimiter.hit('chat', `${conversationId}:${senderId}`, this.config.CHAT_RATE_LIMIT_PER_MINUTE, 60),
    ]);
    if (allowed.status === 'rejected') throw allowed.reason;
    if (allowed.value === false) throw new DomainError('chat/closed');
    if (rate.status === 'rejected') throw rate.reason;
    const masked = maskContacts(clean);
    const row = await this.writer.write({ conversationId, senderId, clientId, id: newMessageId(), body: sealMessage(state.key!, masked.text), masked: masked.masked });
    if (!row) {
      // Refused by the statement: something changed since the state was cached (left, muted, shredded).
      this.states.delete(conversationId);
      this.assertCanSend(await this.state(conversationId), senderId);
      throw new DomainError('chat/not_found');
    }
    const message: StoredMessage = {
      id: row.id,
      conversationId,
      seq: row.seq,
      senderId,
      senderRole: roleOf(state, senderId),
      alias: state.members.get(senderId)?.alias ?? null,
      kind: 'TEXT',
      text: row.duplicate ? openMessage(state.key!, row.body!) : masked.text,
      masked: row.masked,
      clientId,
      at: row.createdAt.toISOString(),
    };
    if (!row.duplicate) {
      await this.realtime.toConversation(conversationId, this.messageFrame, message, { except: options.except });
      const crisis = detectCrisis(text);
      if (crisis) this.track(this.onCrisis(state, senderId, crisis));
    }
    return viewFor(message, senderId);
  }

  /**
   * A system line (session started, reminder, ended). Inside a caller's transaction it is
   * delivered once that transaction has committed (never when it rolls back).
   */
  async postSystem(conversationId: string, text: string, tx?: Prisma.TransactionClient): Promise<MessageView> {
    const clean = text.trim();
    if (!clean) throw new DomainError('chat/empty');
    const exec = this.execOf(tx);
    // Inside a transaction the conversation may be new (not visible outside it): read it there, uncached.
    const state = tx ? await this.load(conversationId, exec) : await this.state(conversationId);
    if (!state.key) throw new DomainError('chat/destroyed');
    const id = newMessageId();
    const [row] = await exec<{ seq: number; createdAt: Date }>(SYSTEM_SQL, [conversationId, id, sealMessage(state.key, clean).toString('hex')]);
    if (!row) throw new DomainError('chat/destroyed');
    const message: StoredMessage = { id, conversationId, seq: row.seq, senderId: null, senderRole: null, alias: null, kind: 'SYSTEM', text: clean, masked: false, clientId: null, at: row.createdAt.toISOString() };
    const deliver = () => this.realtime.toConversation(conversationId, this.messageFrame, message);
    if (tx) this.afterCommit(() => this.committed('SELECT 1 FROM messages WHERE id = $1::uuid', [id]), deliver);
    else await deliver();
    return viewFor(message, null);
  }

  /** Messages after `afterSeq` (oldest first, at most `limit`) and the conversation's last sequence number. */
  async history(conversationId: string, userId: string, afterSeq: number, limit: number): Promise<{ messages: MessageView[]; lastSeq: number }> {
    const { state, lastSeq } = await this.authorizeRead(conversationId, userId);
    const messages = await this.readAfter(state, userId, afterSeq, limit);
    return { messages, lastSeq: Math.max(lastSeq, messages.at(-1)?.seq ?? 0) };
  }

  /**
   * The `subscribe` frame: the socket joins the live stream first (frames held), then gets
   * everything after `afterSeq` in `history` frames, then live frames, minus every message the
   * history already had: no loss, no duplicates. Messages are numbered under the conversation
   * row's lock, so the history is a complete prefix; a live message at or below its end is a copy
   * (published late), whatever order it arrives in. Live messages of concurrent senders may
   * arrive out of order: clients order by seq.
   */
  async subscribe(client: RealtimeClient, conversationId: string, afterSeq: number): Promise<void> {
    const { state, lastSeq } = await this.authorizeRead(conversationId, client.userId);
    await client.join(conversationId, { hold: true });
    let sent = afterSeq;
    try {
      for (;;) {
        const messages = await this.readAfter(state, client.userId, sent, HISTORY_PAGE);
        sent = messages.at(-1)?.seq ?? sent;
        client.send({ type: 'history', conversationId, messages, lastSeq: Math.max(lastSeq, sent) });
        if (messages.length < HISTORY_PAGE) break;
      }
    } catch (err) {
      await client.leave(conversationId);
      throw err;
    }
    client.release(conversationId, (frame) => frame.type !== 'message' || frame.message.seq > sent);
  }

  /** Relays "typing…" to the other members' sockets (not stored; at most every 2 s per socket). */
  async typing(client: RealtimeClient, conversationId: string): Promise<void> {
    const state = await this.checkedState(conversationId, (s) => this.activeMember(s, client.userId));
    const member = this.activeMember(state, client.userId);
    let last = this.typingAt.get(client);
    if (!last) this.typingAt.set(client, (last = new Map()));
    const now = Date.now();
    if (now - (last.get(conversationId) ?? 0) < TYPING_INTERVAL_MS) return;
    last.set(conversationId, now);
    await this.realtime.toConversation(conversationId, this.typingFrame, { conversationId, userId: client.userId, alias: member.alias });
  }

  /** Read receipt: the member's read mark only grows (never past the last message); a change is relayed. */
  async markRead(client: RealtimeClient, conversationId: string, seq: number): Promise<void> {
    await this.checkedState(conversationId, (s) => this.activeMember(s, client.userId));
    const [row] = await this.prisma.sql.query<{ seq: number }>(
      `UPDATE conversation_members m SET last_read_seq = LEAST($3::int, c.last_seq)
       FROM conversations c
       WHERE c.id = m.conversation_id AND m.conversation_id = $1::uuid AND m.user_id = $2::uuid AND m.left_at IS NULL
         AND m.last_read_seq < LEAST($3::int, c.last_seq)
       RETURNING m.last_read_seq AS seq`,
      [conversationId, client.userId, seq],
    );
    if (row) await this.realtime.toConversation(conversationId, this.readFrame, { conversationId, userId: client.userId, seq: row.seq }, { except: client });
  }

  /** Schedules the key's destruction at `retainUntil` (moving an earlier schedule). */
  async setRetention(conversationId: string, retainUntil: Date, tx?: Prisma.TransactionClient): Promise<void> {
    await this.inTransaction(tx, async (t) => {
      const { count } = await t.conversation.updateMany({ where: { id: conversationId }, data: { retainUntil } });
      if (!count) throw new DomainError('chat/not_found');
      await this.scheduler.schedule(SHRED_JOB, conversationId, retainUntil, {}, t);
    });
  }

  /** A report or dispute holds the key past its retention: the shred job does nothing while frozen. */
  async freeze(conversationId: string, tx?: Prisma.TransactionClient): Promise<void> {
    const { count } = await (tx ?? this.prisma.client).conversation.updateMany({ where: { id: conversationId }, data: { frozen: true } });
    if (!count) throw new DomainError('chat/not_found');
  }

  /** Lifts the hold; the key is destroyed at its retention time, or at once if that has passed. */
  async unfreeze(conversationId: string, tx?: Prisma.TransactionClient): Promise<void> {
    await this.inTransaction(tx, async (t) => {
      const rows = await t.conversation.updateManyAndReturn({ where: { id: conversationId }, data: { frozen: false }, select: { retainUntil: true, keyWrapped: true } });
      if (!rows.length) throw new DomainError('chat/not_found');
      const [{ retainUntil, keyWrapped }] = rows;
      if (retainUntil && keyWrapped) await this.scheduler.schedule(SHRED_JOB, conversationId, new Date(Math.max(Date.now(), retainUntil.getTime())), {}, t);
    });
  }

  // --- internals ---

  private checkText(text: string): string {
    const clean = text.trim();
    if (!clean) throw new DomainError('chat/empty');
    const max = this.config.CHAT_MESSAGE_MAX_CHARS;
    // UTF-16 length bounds the character count from above, so most messages skip the count.
    if (clean.length > max && [...clean].length > max) throw new DomainError('chat/too_long', `消息太长了，最多 ${max} 个字`);
    return clean;
  }

  private policyOf(kind: ConversationKind): ChatPolicy {
    const policy = this.policies.get(kind);
    if (!policy) throw new Error(`no chat policy registered for ${kind} conversations`);
    return policy;
  }

  /** Non-members (and people who left) learn nothing, not even whether the conversation exists. */
  private activeMember(state: ConversationState, userId: string): Member {
    const member = state.members.get(userId);
    if (!member || member.leftAt) throw new DomainError('chat/not_found');
    return member;
  }

  private assertCanSend(state: ConversationState, userId: string): void {
    const member = this.activeMember(state, userId);
    if (!state.key) throw new DomainError('chat/destroyed');
    if (member.mutedUntil && member.mutedUntil.getTime() > Date.now()) throw new DomainError('chat/muted');
  }

  /** Reading is decided on fresh rows (membership, key), not the cache. */
  private async authorizeRead(conversationId: string, userId: string): Promise<{ state: ConversationState; lastSeq: number }> {
    const [meta] = await this.prisma.sql.query<{ lastSeq: number; destroyed: boolean; member: boolean }>(
      `SELECT c.last_seq AS "lastSeq", c.key_wrapped IS NULL AS destroyed,
              EXISTS (SELECT 1 FROM conversation_members m WHERE m.conversation_id = c.id AND m.user_id = $2::uuid AND m.left_at IS NULL) AS member
       FROM conversations c WHERE c.id = $1::uuid`,
      [conversationId, userId],
    );
    if (!meta?.member) throw new DomainError('chat/not_found');
    if (meta.destroyed) {
      this.states.delete(conversationId);
      throw new DomainError('chat/destroyed');
    }
    const state = await this.state(conversationId);
    if (!state.key) throw new DomainError('chat/destroyed');
    if ((await this.policyOf(state.kind).canRead(state.subjectId, userId)) === false) throw new DomainError('chat/not_found');
    return { state, lastSeq: meta.lastSeq };
  }

  private async readAfter(state: ConversationState, viewerId: string, afterSeq: number, limit: number): Promise<MessageView[]> {
    const rows = await this.prisma.sql.query<{ id: string; seq: number; senderId: string | null; kind: 'TEXT' | 'SYSTEM'; clientId: string | null; body: Uint8Array; masked: boolean; createdAt: Date }>(
      `SELECT id, seq, sender_id AS "senderId", kind, client_id AS "clientId", body, masked, created_at AS "createdAt"
       FROM messages WHERE conversation_id = $1::uuid AND seq > $2 ORDER BY seq LIMIT $3`,
      [state.id, afterSeq, limit],
    );
    return rows.map((r) =>
      viewFor(
        {
          id: r.id,
          conversationId: state.id,
          seq: r.seq,
          senderId: r.senderId,
          senderRole: roleOf(state, r.senderId),
          alias: r.senderId ? (state.members.get(r.senderId)?.alias ?? null) : null,
          kind: r.kind,
          text: openMessage(state.key!, r.body),
          masked: r.masked,
          clientId: r.clientId,
          at: r.createdAt.toISOString(),
        },
        viewerId,
      ),
    );
  }

  /**
   * The cached state, read again once if it fails `check`: a refusal based on a stale entry (a
   * member just unmuted or added) must not stand. Refusals are rare, so this costs nothing.
   */
  private async checkedState(conversationId: string, check: (state: ConversationState) => unknown): Promise<ConversationState> {
    const cached = await this.state(conversationId);
    try {
      check(cached);
      return cached;
    } catch (err) {
      if (!(err instanceof DomainError)) throw err;
      this.states.delete(conversationId);
      const fresh = await this.state(conversationId);
      check(fresh);
      return fresh;
    }
  }

  /** The cached state of a conversation (404 `chat/not_found` when there is none). */
  private state(conversationId: string): Promise<ConversationState> {
    return this.states.get(conversationId, () => this.load(conversationId, (sql, values) => this.prisma.sql.query(sql, values)));
  }

  private async load(conversationId: string, exec: Exec): Promise<ConversationState> {
    const rows = await exec<{ kind: ConversationKind; subjectId: string; keyWrapped: string | null; userId: string | null; role: string; leftAt: Date | null; mutedUntil: Date | null; alias: string | null }>(
      STATE_SQL,
      [conversationId],
    );
    if (!rows.length) throw new DomainError('chat/not_found');
    const [first] = rows;
    const members = new Map<string, Member>();
    for (const r of rows) if (r.userId) members.set(r.userId, { role: r.role, alias: r.alias, leftAt: r.leftAt, mutedUntil: r.mutedUntil });
    return {
      id: conversationId,
      kind: first.kind,
      subjectId: first.subjectId,
      key: first.keyWrapped ? Buffer.from(this.fieldCrypto.decrypt(first.keyWrapped), 'base64') : null,
      members,
    };
  }

  /** Care card to the talker side, guidance to the listener side, every time; the ops alert is rate-limited by the safety module. */
  private async onCrisis(state: ConversationState, senderId: string, hit: CrisisHit): Promise<void> {
    const active = [...state.members].filter(([, m]) => !m.leftAt);
    const audiences: [string, 'talker' | 'listener'][] =
      state.kind === 'SESSION'
        ? active.filter(([, m]) => m.role === 'TALKER' || m.role === 'LISTENER').map(([userId, m]) => [userId, m.role === 'TALKER' ? 'talker' : 'listener'])
        : [[senderId, 'talker'], ...active.filter(([userId, m]) => m.role === 'OWNER' && userId !== senderId).map(([userId]): [string, 'listener'] => [userId, 'listener'])];
    await Promise.all(audiences.map(([userId, audience]) => this.realtime.toUser(userId, { type: 'care', conversationId: state.id, audience })));
    await this.crisisAlerts.raise({ conversationId: state.id, userId: senderId, category: hit.category, term: hit.term });
  }

  private execOf(tx?: Prisma.TransactionClient): Exec {
    if (tx) return (sql, values) => inTx(tx).query(sql, values);
    return (sql, values) => this.prisma.sql.query(sql, values);
  }

  private inTransaction(tx: Prisma.TransactionClient | undefined, fn: (tx: Prisma.TransactionClient) => Promise<void>): Promise<void> {
    return tx ? fn(tx) : this.prisma.client.$transaction(fn);
  }

  private async committed(sql: string, values: unknown[]): Promise<boolean> {
    return (await this.prisma.sql.query(sql, values)).length > 0;
  }

  /**
   * Runs `then` once `isCommitted` sees the caller's transaction's write (Prisma has no commit
   * hook); gives up after ~50 s, by which time a transaction that has not committed has rolled back.
   */
  private afterCommit(isCommitted: () => Promise<boolean>, then: () => Promise<void>): void {
    this.track(
      (async () => {
        for (const delay of COMMIT_POLL_DELAYS_MS) {
          await new Promise<void>((resolve) => {
            const wake = () => {
              clearTimeout(timer);
              this.sleepers.delete(wake);
              resolve();
            };
            const timer = setTimeout(wake, delay);
            this.sleepers.add(wake);
          });
          if (this.stopping) return;
          if (await isCommitted()) return then();
        }
      })(),
    );
  }

  private track(work: Promise<void>): void {
    const done = work.catch((err: unknown) => this.logger.error({ err }, 'chat background task failed'));
    this.background.add(done);
    void done.finally(() => this.background.delete(done));
  }
}

import { randomBytes } from 'node:crypto';
import type { SqlReader } from '@qingting/prisma';

/**
 * A message id that sorts by time (UUIDv7, RFC 9562): the primary-key index of messages then
 * grows at its right edge instead of dirtying a random page per insert (less I/O and WAL).
 */
export function newMessageId(): string {
  const bytes = randomBytes(16);
  bytes.writeUIntBE(Date.now(), 0, 6);
  bytes[6] = (bytes[6] & 0x0f) | 0x70;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** A person's message ready to store: encrypted, with its id chosen. */
export interface MessageToStore {
  conversationId: string;
  senderId: string;
  clientId: string;
  id: string;
  body: Buffer;
  masked: boolean;
}

/** What was stored, or the earlier copy of a resend (`duplicate`, with its body). */
export interface StoredRow {
  id: string;
  seq: number;
  body: Uint8Array | null;
  masked: boolean;
  createdAt: Date;
  duplicate: boolean;
}

/**
 * Stores a batch of messages in ONE statement. Per message: a resend (same conversation, sender
 * and clientId) returns the stored copy; otherwise it is stored only if the sender is an active,
 * unmuted member and the key still exists. Sequence numbers come from the conversation rows,
 * locked in id order (so concurrent batches cannot deadlock) and numbered by arrival order
 * within the batch: gap-free, since the statement is atomic and the row lock orders writers.
 */
const STORE_SQL = `
  WITH input AS (
    SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::uuid[], $5::bytea[], $6::boolean[]) WITH ORDINALITY
      AS i(conversation_id, sender_id, client_id, id, body, masked, ord)
  ), dup AS (
    SELECT i.ord, m.id, m.seq, m.body, m.masked, m.created_at
    FROM input i JOIN messages m ON m.conversation_id = i.conversation_id AND m.sender_id = i.sender_id AND m.client_id = i.client_id
  ), ok AS (
    SELECT i.* FROM input i
    WHERE NOT EXISTS (SELECT 1 FROM dup WHERE dup.ord = i.ord)
      AND EXISTS (
        SELECT 1 FROM conversation_members cm
        WHERE cm.conversation_id = i.conversation_id AND cm.user_id = i.sender_id AND cm.left_at IS NULL AND (cm.muted_until IS NULL OR cm.muted_until <= now()))
  ), locked AS (
    SELECT c.id FROM conversations c
    WHERE c.id IN (SELECT conversation_id FROM ok) AND c.key_wrapped IS NOT NULL
    ORDER BY c.id FOR UPDATE
  ), next AS (
    UPDATE conversations c SET last_seq = c.last_seq + n.count
    FROM (SELECT conversation_id, count(*)::int AS count FROM ok WHERE conversation_id IN (SELECT id FROM locked) GROUP BY conversation_id) n
    WHERE c.id = n.conversation_id
    RETURNING c.id, c.last_seq, n.count
  ), ins AS (
    INSERT INTO messages (id, conversation_id, seq, sender_id, kind, client_id, body, masked)
    SELECT ok.id, ok.conversation_id, next.last_seq - next.count + row_number() OVER (PARTITION BY ok.conversation_id ORDER BY ok.ord),
           ok.sender_id, 'TEXT', ok.client_id, ok.body, ok.masked
    FROM ok JOIN next ON next.id = ok.conversation_id
    RETURNING id, seq, masked, created_at
  )
  SELECT ok.ord, ins.id, ins.seq, NULL::bytea AS body, ins.masked, ins.created_at AS "createdAt", false AS duplicate FROM ins JOIN ok ON ok.id = ins.id
  UNION ALL
  SELECT ord, id, seq, body, masked, created_at, true FROM dup`;

/** Batches in flight at once; the rest of the messages wait and go in the next batch. */
const MAX_CONCURRENT = 4;
const MAX_BATCH = 100;

interface Waiting {
  message: MessageToStore;
  resolve(row: StoredRow | null): void;
  reject(err: unknown): void;
}

const isUniqueViolation = (err: unknown) => (err as { code?: string })?.code === '23505';

/**
 * Group commit for the send path. Every statement costs a round trip (a syscall on each side,
 * expensive on the 2-core VM) and every commit a WAL flush; those, not the work itself, bound the
 * message rate. So the messages that arrive while earlier batches are being written go together
 * in the next one: under light load a batch is one message (written on the next turn of the
 * event loop), under load batches grow and the cost per message falls (measured, storing only:
 * PostgreSQL 0.45 → 0.15 ms and Node 0.24 → 0.12 ms of CPU per message).
 */
export class MessageWriter {
  private queue: Waiting[] = [];
  private running = 0;
  private scheduled = false;
  /**
   * Conversations with a batch in flight: their next messages wait for it. Two batches locking
   * the same conversation row would run one after the other anyway, holding up everything else
   * in the second; under a backlog that snowballs.
   */
  private readonly writing = new Set<string>();

  constructor(private readonly sql: () => SqlReader) {}

  /** The stored row (or the earlier copy of a resend); null when refused (not a member, muted, key destroyed). */
  write(message: MessageToStore): Promise<StoredRow | null> {
    return new Promise((resolve, reject) => {
      this.queue.push({ message, resolve, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => {
          this.scheduled = false;
          this.pump();
        });
      }
    });
  }

  private pump(): void {
    while (this.running < MAX_CONCURRENT && this.queue.length) {
      const batch = this.takeBatch();
      if (!batch.length) return;
      const conversations = new Set(batch.map((w) => w.message.conversationId));
      for (const id of conversations) this.writing.add(id);
      this.running += 1;
      void this.store(batch).finally(() => {
        for (const id of conversations) this.writing.delete(id);
        this.running -= 1;
        this.pump();
      });
    }
  }

  /**
   * Up to MAX_BATCH messages in arrival order, skipping conversations with a batch in flight and
   * second copies of a (conversation, sender, clientId): a resend must see the first one stored.
   */
  private takeBatch(): Waiting[] {
    const batch: Waiting[] = [];
    const keys = new Set<string>();
    const rest: Waiting[] = [];
    for (const waiting of this.queue) {
      const { conversationId, senderId, clientId } = waiting.message;
      const key = `${conversationId}:${senderId}:${clientId}`;
      if (batch.length >= MAX_BATCH || this.writing.has(conversationId) || keys.has(key)) {
        rest.push(waiting);
        continue;
      }
      keys.add(key);
      batch.push(waiting);
    }
    this.queue = rest;
    return batch;
  }

  private async store(batch: Waiting[]): Promise<void> {
    try {
      const rows = await this.run(batch.map((w) => w.message));
      batch.forEach((w, i) => w.resolve(rows.get(i + 1) ?? null));
    } catch (err) {
      if (batch.length > 1 && isUniqueViolation(err)) {
        // A copy of one of them was stored meanwhile (a resend on another instance): one by one, so the others are not held back.
        await Promise.all(batch.map((w) => this.store([w])));
        return;
      }
      if (batch.length === 1 && isUniqueViolation(err)) {
        // The racing copy has committed now: this time the statement finds it.
        return this.run([batch[0].message]).then((rows) => batch[0].resolve(rows.get(1) ?? null), batch[0].reject);
      }
      for (const w of batch) w.reject(err);
    }
  }

  private async run(messages: MessageToStore[]): Promise<Map<number, StoredRow>> {
    const rows = await this.sql().query<StoredRow & { ord: string | number }>(STORE_SQL, [
      messages.map((m) => m.conversationId),
      messages.map((m) => m.senderId),
      messages.map((m) => m.clientId),
      messages.map((m) => m.id),
      messages.map((m) => m.body),
      messages.map((m) => m.masked),
    ]);
    return new Map(rows.map((r) => [Number(r.ord), r]));
  }
}

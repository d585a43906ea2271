import { randomUUID } from 'node:crypto';
import type { SessionEndReason, SessionStatus } from '@qingting/prisma';
import { DomainError } from '../common/errors/domain-error';
import type { Query } from './session-view';

/**
 * The one table of session status changes (PRODUCT.md §4): a session waits for both parties,
 * runs, and ends; or it never starts (a no-show) and is cancelled. Nothing leaves ENDED or
 * CANCELLED.
 */
export const SESSION_TRANSITIONS: Readonly<Record<SessionStatus, readonly SessionStatus[]>> = {
  WAITING: ['ACTIVE', 'CANCELLED'],
  ACTIVE: ['ENDED'],
  ENDED: [],
  CANCELLED: [],
};

export function canSessionTransition(from: SessionStatus, to: SessionStatus): boolean {
  return SESSION_TRANSITIONS[from].includes(to);
}

/** The session fields that change after creation (status aside). */
export interface SessionPatch {
  talkerJoinedAt?: Date;
  listenerJoinedAt?: Date;
  startedAt?: Date;
  paidSeconds?: number;
  endsAt?: Date;
  endedAt?: Date;
  endReason?: SessionEndReason;
  endedById?: string | null;
  usedSeconds?: number;
  chargedFen?: number;
}

const COLUMNS: Record<keyof SessionPatch, [column: string, type: string]> = {
  talkerJoinedAt: ['talker_joined_at', 'timestamptz'],
  listenerJoinedAt: ['listener_joined_at', 'timestamptz'],
  startedAt: ['started_at', 'timestamptz'],
  paidSeconds: ['paid_seconds', 'int'],
  endsAt: ['ends_at', 'timestamptz'],
  endedAt: ['ended_at', 'timestamptz'],
  endReason: ['end_reason', '"SessionEndReason"'],
  endedById: ['ended_by_id', 'uuid'],
  usedSeconds: ['used_seconds', 'int'],
  chargedFen: ['charged_fen', 'int'],
};

export interface SessionEventInput {
  kind: string;
  actorId: string | null;
  detail: string;
}

/**
 * The only way a session changes status: checked against the table, a conditional update from
 * the expected status (0 rows: someone else won → 409 `session/state_changed`, the caller's
 * transaction rolls back), and the `status:<to>` event; one statement, in the caller's
 * transaction. Plain SQL: the end of a session is a hot path (a thousand may end in one second).
 */
export async function moveSession(db: Query, sessionId: string, from: SessionStatus, to: SessionStatus, how: { actorId: string | null; detail: string; data?: SessionPatch }): Promise<void> {
  if (!canSessionTransition(from, to)) throw new DomainError('session/state_changed');
  const rows = await writeSession(db, sessionId, how.data ?? {}, { kind: `status:${to}`, actorId: how.actorId, detail: how.detail }, { from, to });
  if (rows === 0) throw new DomainError('session/state_changed');
}

/** One timed-out session's end: its used time, its charge and its event's detail. */
export interface SessionEnd {
  id: string;
  usedSeconds: number;
  chargedFen: number;
  detail: string;
}

/**
 * `moveSession` ACTIVE → ENDED for many sessions in one statement (a batch of timed-out ones),
 * each conditional on ACTIVE, each with its event; returns the ids it ended.
 */
export async function endSessions(db: Query, ends: readonly SessionEnd[], reason: SessionEndReason, at: Date): Promise<string[]> {
  if (!canSessionTransition('ACTIVE', 'ENDED')) throw new DomainError('session/state_changed');
  if (!ends.length) return [];
  const rows = await db.query<{ id: string }>(
    `WITH ended AS (
       UPDATE sessions s SET status = 'ENDED', ended_at = $5::timestamptz, end_reason = $6::"SessionEndReason", ended_by_id = NULL,
              used_seconds = e.used_seconds, charged_fen = e.charged_fen, updated_at = $5::timestamptz
         FROM unnest($1::uuid[], $2::int[], $3::int[], $4::text[]) AS e(id, used_seconds, charged_fen, detail)
        WHERE s.id = e.id AND s.status = 'ACTIVE'
        RETURNING s.id, e.detail)
     INSERT INTO session_events (id, session_id, kind, "from", "to", actor_id, detail, at)
     SELECT gen_random_uuid(), id, 'status:ENDED', 'ACTIVE', 'ENDED', NULL, detail, $5::timestamptz FROM ended RETURNING session_id AS id`,
    [ends.map((e) => e.id), ends.map((e) => e.usedSeconds), ends.map((e) => e.chargedFen), ends.map((e) => e.detail.slice(0, 500)), at, reason],
  );
  return rows.map((r) => r.id);
}

/** Changes fields of a session (not its status), with an event when given; one statement. */
export async function patchSession(db: Query, sessionId: string, data: SessionPatch, event?: SessionEventInput): Promise<void> {
  await writeSession(db, sessionId, data, event);
}

/** A notable event that is not a status change (reminder, gift …). */
export async function recordSessionEvent(db: Query, sessionId: string, kind: string, actorId: string | null, detail = ''): Promise<void> {
  await db.query(`INSERT INTO session_events (id, session_id, kind, actor_id, detail, at) VALUES ($1::uuid, $2::uuid, $3, $4::uuid, $5, $6::timestamptz)`, [
    randomUUID(),
    sessionId,
    kind,
    actorId,
    detail.slice(0, 500),
    new Date(),
  ]);
}

/** UPDATE (conditional on `status.from` when given) and, for the row it changed, the event. Returns the rows changed. */
async function writeSession(db: Query, sessionId: string, data: SessionPatch, event: SessionEventInput | undefined, status?: { from: SessionStatus; to: SessionStatus }): Promise<number> {
  const now = new Date();
  const values: unknown[] = [sessionId, now];
  const sets = ['updated_at = $2::timestamptz'];
  for (const [field, value] of Object.entries(data) as [keyof SessionPatch, unknown][]) {
    if (value === undefined) continue;
    const [column, type] = COLUMNS[field];
    values.push(value);
    sets.push(`${column} = $${values.length}::${type}`);
  }
  let where = 'id = $1::uuid';
  let from = 'NULL';
  let to = 'NULL';
  if (status) {
    values.push(status.from, status.to);
    from = `$${values.length - 1}::"SessionStatus"`;
    to = `$${values.length}::"SessionStatus"`;
    sets.push(`status = ${to}`);
    where += ` AND status = ${from}`;
  }
  const update = `UPDATE sessions SET ${sets.join(', ')} WHERE ${where} RETURNING id`;
  if (!event) return (await db.query(update, values)).length;
  values.push(randomUUID(), event.kind, event.actorId, event.detail.slice(0, 500));
  const n = values.length;
  const rows = await db.query(
    `WITH changed AS (${update})
     INSERT INTO session_events (id, session_id, kind, "from", "to", actor_id, detail, at)
     SELECT $${n - 3}::uuid, id, $${n - 2}, ${from}, ${to}, $${n - 1}::uuid, $${n}, $2::timestamptz FROM changed RETURNING id`,
    values,
  );
  return rows.length;
}

/** A new WAITING session and its first event, in one statement. */
export async function insertSession(
  db: Query,
  s: { id: string; orderId: string; talkerId: string; listenerId: string; serviceType: string; startBy: Date; paidSeconds: number },
  event: Omit<SessionEventInput, 'kind'>,
): Promise<void> {
  await db.query(
    `WITH created AS (
       INSERT INTO sessions (id, order_id, talker_id, listener_id, service_type, status, start_by, paid_seconds, created_at, updated_at)
       VALUES ($1::uuid, $2::uuid, $3::uuid, $4::uuid, $5::"ServiceType", 'WAITING', $6::timestamptz, $7::int, $8::timestamptz, $8::timestamptz)
       RETURNING id)
     INSERT INTO session_events (id, session_id, kind, "to", actor_id, detail, at)
     SELECT $9::uuid, id, 'status:WAITING', 'WAITING', $10::uuid, $11, $8::timestamptz FROM created RETURNING id`,
    [s.id, s.orderId, s.talkerId, s.listenerId, s.serviceType, s.startBy, s.paidSeconds, new Date(), randomUUID(), event.actorId, event.detail.slice(0, 500)],
  );
}

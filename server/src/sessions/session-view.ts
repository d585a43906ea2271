import type { Session } from '@qingting/prisma';
import { avatarPath, type SessionView } from '@qingting/shared';

/** Something that runs parameterised SQL: the pool (`PrismaService.sql`), a plain-SQL transaction, or a Prisma one (`inTx` of @qingting/prisma). */
export interface Query {
  query<T>(text: string, values?: unknown[]): Promise<T[]>;
}


/** The `sessions` columns under the Prisma `Session` field names (plain-SQL reads return Prisma-shaped rows). */
export const sessionColumns = (a: string) =>
  [
    'id', 'order_id AS "orderId"', 'talker_id AS "talkerId"', 'listener_id AS "listenerId"', 'service_type AS "serviceType"', 'status',
    'start_by AS "startBy"', 'talker_joined_at AS "talkerJoinedAt"', 'listener_joined_at AS "listenerJoinedAt"', 'started_at AS "startedAt"',
    'paid_seconds AS "paidSeconds"', 'ends_at AS "endsAt"', 'ended_at AS "endedAt"', 'end_reason AS "endReason"', 'ended_by_id AS "endedById"',
    'used_seconds AS "usedSeconds"', 'charged_fen AS "chargedFen"', 'created_at AS "createdAt"', 'updated_at AS "updatedAt"',
  ]
    .map((c) => `${a}.${c}`)
    .join(', ');

/** A session with everything its view needs from the modules around it (read in one statement). */
export interface SessionRow extends Session {
  conversationId: string | null;
  retainUntil: Date | null;
  frozen: boolean | null;
  keyDestroyedAt: Date | null;
  talkerAlias: string | null;
  talkerSeed: string | null;
  listenerAlias: string | null;
  listenerSeed: string | null;
  reviewed: boolean;
  disputed: boolean;
  extensionPending: boolean;
}

/**
 * The statement behind every view: the session, its conversation's retention, both parties'
 * alias and avatar seed, and whether it was reviewed, disputed, or has an unpaid extension.
 * `where` and `tail` are trusted fragments with `$n` placeholders.
 */
export function viewRowsSql(where: string, tail = ''): string {
  return `SELECT ${sessionColumns('s')},
      c.id AS "conversationId", c.retain_until AS "retainUntil", c.frozen, c.key_destroyed_at AS "keyDestroyedAt",
      tu.alias AS "talkerAlias", tu.avatar_seed AS "talkerSeed", lu.alias AS "listenerAlias", lu.avatar_seed AS "listenerSeed",
      EXISTS (SELECT 1 FROM reviews r WHERE r.order_id = s.order_id) AS reviewed,
      EXISTS (SELECT 1 FROM disputes d WHERE d.session_id = s.id) AS disputed,
      EXISTS (SELECT 1 FROM orders o WHERE o.parent_order_id = s.order_id AND o.kind = 'EXTENSION'
                AND o.status = 'PENDING_PAYMENT' AND o.pay_by > now()) AS "extensionPending"
    FROM sessions s
    LEFT JOIN conversations c ON c.subject_id = s.id
    LEFT JOIN users tu ON tu.id = s.talker_id
    LEFT JOIN users lu ON lu.id = s.listener_id
    WHERE ${where} ${tail}`;
}

export async function loadViewRow(db: Query, sessionId: string): Promise<SessionRow | undefined> {
  const [row] = await db.query<SessionRow>(viewRowsSql('s.id = $1::uuid'), [sessionId]);
  return row && normalise(row);
}

export async function loadViewRows(db: Query, where: string, tail: string, values: unknown[]): Promise<SessionRow[]> {
  return (await db.query<SessionRow>(viewRowsSql(where, tail), values)).map(normalise);
}

const DATE_FIELDS = ['startBy', 'talkerJoinedAt', 'listenerJoinedAt', 'startedAt', 'endsAt', 'endedAt', 'createdAt', 'updatedAt', 'retainUntil', 'keyDestroyedAt'] as const;

/** Both drivers return timestamps as Date; strings are tolerated so a driver change cannot break the views. */
function normalise(row: SessionRow): SessionRow {
  for (const f of DATE_FIELDS) {
    const v = row[f] as unknown;
    if (v !== null && v !== undefined && !(v instanceof Date)) (row as unknown as Record<string, unknown>)[f] = new Date(v as string);
  }
  return row;
}

const iso = (d: Date | null) => (d ? d.toISOString() : null);
const DELETED = '已注销用户';

/**
 * What a party sees: the other party by alias and avatar only. `disputable` is for the talker
 * (only the talker disputes): ended after it started, within the dispute window, no dispute yet.
 */
export function toSessionView(row: SessionRow, viewerId: string, disputeWindowHours: number, now = new Date()): SessionView {
  const mine = viewerId === row.talkerId ? 'talker' : 'listener';
  const peerAlias = (mine === 'talker' ? row.listenerAlias : row.talkerAlias) ?? DELETED;
  const peerSeed = (mine === 'talker' ? row.listenerSeed : row.talkerSeed) ?? 'deleted';
  const disputable =
    mine === 'talker' &&
    row.status === 'ENDED' &&
    row.startedAt !== null &&
    row.endedAt !== null &&
    now.getTime() - row.endedAt.getTime() < disputeWindowHours * 3600_000 &&
    !row.disputed;
  return {
    id: row.id,
    orderId: row.orderId,
    conversationId: row.conversationId ?? '',
    serviceType: row.serviceType,
    status: row.status,
    myRole: mine,
    peer: { alias: peerAlias, avatarUrl: avatarPath(peerSeed, peerAlias) },
    startBy: row.startBy.toISOString(),
    talkerPresent: row.talkerJoinedAt !== null,
    listenerPresent: row.listenerJoinedAt !== null,
    startedAt: iso(row.startedAt),
    endsAt: iso(row.endsAt),
    paidSeconds: row.paidSeconds,
    endedAt: iso(row.endedAt),
    endReason: row.endReason,
    usedSeconds: row.usedSeconds,
    chargedFen: row.chargedFen,
    extensionPending: row.status === 'ACTIVE' && row.extensionPending,
    retainUntil: row.frozen || row.keyDestroyedAt ? null : iso(row.retainUntil),
    reviewed: row.reviewed,
    disputable,
    serverTime: now.toISOString(),
  };
}

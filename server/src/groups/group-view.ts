import type { Group, GroupMembership } from '@qingting/prisma';
import { avatarPath } from '@qingting/shared';

export interface PublicPerson {
  id: string;
  alias: string;
  avatar: string;
}

export interface MembershipView {
  id: string;
  groupId: string;
  status: GroupMembership['status'];
  /** The order that created or last renewed it (pay a RESERVED one with POST /api/orders/:id/pay). */
  orderId: string;
  reservedUntil: string | null;
  joinedAt: string | null;
  endsAt: string | null;
  mutedUntil: string | null;
  /** Until when leaving refunds in full (joinedAt + GROUP_REFUND_WINDOW_HOURS); null before payment. */
  refundableUntil: string | null;
}

export interface GroupView {
  id: string;
  owner: PublicPerson;
  name: string;
  intro: string;
  topic: Group['topic'];
  price30Fen: number | null;
  price90Fen: number | null;
  price365Fen: number | null;
  capacity: number;
  seatsTaken: number;
  status: Group['status'];
  announcement: string | null;
  /** The operator's note: shown to the owner (and ops) only. */
  reviewNote: string | null;
  /** The group chat, for the owner and ACTIVE members (null otherwise or before approval). */
  conversationId: string | null;
  createdAt: string;
  myMembership: MembershipView | null;
}

/** An owner's view of one member: alias only, never identity. */
export interface MemberView {
  user: PublicPerson;
  status: GroupMembership['status'];
  joinedAt: string | null;
  endsAt: string | null;
  mutedUntil: string | null;
}

export const iso = (d: Date | null) => (d ? d.toISOString() : null);

export function person(u: { id: string; alias: string; avatarSeed: string }): PublicPerson {
  return { id: u.id, alias: u.alias, avatar: avatarPath(u.avatarSeed, u.alias) };
}

export function toMembershipView(m: GroupMembership, refundWindowHours: number): MembershipView {
  return {
    id: m.id,
    groupId: m.groupId,
    status: m.status,
    orderId: m.orderId,
    reservedUntil: iso(m.reservedUntil),
    joinedAt: iso(m.joinedAt),
    endsAt: iso(m.endsAt),
    mutedUntil: m.mutedUntil && m.mutedUntil.getTime() > Date.now() ? m.mutedUntil.toISOString() : null,
    refundableUntil: m.joinedAt ? new Date(m.joinedAt.getTime() + refundWindowHours * 3600_000).toISOString() : null,
  };
}

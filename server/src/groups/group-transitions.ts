import type { GroupStatus, MembershipStatus, Prisma } from '@qingting/prisma';
import { DomainError } from '../common/errors/domain-error';

/**
 * The allowed group transitions (PRODUCT.md §7): an operator approves or rejects a new group;
 * an open group can be closed (no new members; members keep access until their end).
 */
export const GROUP_TRANSITIONS: Readonly<Record<GroupStatus, readonly GroupStatus[]>> = {
  PENDING_REVIEW: ['OPEN', 'REJECTED'],
  OPEN: ['CLOSED'],
  CLOSED: [],
  REJECTED: [],
};

/**
 * The allowed membership transitions. RESERVED → RESERVED re-points a lapsed, not yet released
 * reservation to a new join order (the seat stays held); ACTIVE → ACTIVE is a renewal; the ended
 * states go back to RESERVED on a new join, or straight to ACTIVE when a payment arrives after
 * the reservation was released and a seat is still free.
 */
export const MEMBERSHIP_TRANSITIONS: Readonly<Record<MembershipStatus, readonly MembershipStatus[]>> = {
  RESERVED: ['RESERVED', 'ACTIVE', 'RELEASED'],
  ACTIVE: ['ACTIVE', 'EXPIRED', 'LEFT', 'REMOVED', 'REFUNDED'],
  EXPIRED: ['RESERVED', 'ACTIVE'],
  LEFT: ['RESERVED', 'ACTIVE'],
  REMOVED: ['RESERVED', 'ACTIVE'],
  REFUNDED: ['RESERVED', 'ACTIVE'],
  RELEASED: ['RESERVED', 'ACTIVE'],
};

/**
 * Moves a group from `from` to `to`: checked against the table and a conditional update from
 * the expected status (0 rows → 409 `group/state_changed`), in the caller's transaction.
 */
export async function moveGroup(tx: Prisma.TransactionClient, groupId: string, from: GroupStatus, to: GroupStatus, data: Prisma.GroupUpdateManyMutationInput = {}): Promise<void> {
  if (!GROUP_TRANSITIONS[from].includes(to)) throw new DomainError('group/state_changed');
  const { count } = await tx.group.updateMany({ where: { id: groupId, status: from }, data: { ...data, status: to } });
  if (count === 0) throw new DomainError('group/state_changed');
}

/** Moves a membership from `from` to `to` the same way (conditional on status, and on `orderId` when given). */
export async function moveMembership(
  tx: Prisma.TransactionClient,
  membershipId: string,
  from: MembershipStatus,
  to: MembershipStatus,
  data: Prisma.GroupMembershipUncheckedUpdateManyInput = {},
  options: { orderId?: string; code?: 'group/state_changed' | 'group/member_not_active' } = {},
): Promise<void> {
  const code = options.code ?? 'group/state_changed';
  if (!MEMBERSHIP_TRANSITIONS[from].includes(to)) throw new DomainError(code);
  const { count } = await tx.groupMembership.updateMany({ where: { id: membershipId, status: from, ...(options.orderId ? { orderId: options.orderId } : {}) }, data: { ...data, status: to } });
  if (count === 0) throw new DomainError(code);
}

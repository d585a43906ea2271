import type { Page, Topic } from '@qingting/shared'
import { apiGet, apiPost, apiRequest } from './api'
import type { OrderView } from './orders'

/** Paid groups (PRODUCT.md §7): REST side; the chat is the group's conversation over services/realtime.ts. */

export type GroupStatus = 'PENDING_REVIEW' | 'OPEN' | 'CLOSED' | 'REJECTED'
export type MembershipStatus = 'RESERVED' | 'ACTIVE' | 'EXPIRED' | 'LEFT' | 'REMOVED' | 'REFUNDED' | 'RELEASED'
/** The terms a group can be joined or renewed for (days). */
export const TERM_DAYS = [30, 90, 365] as const
export type TermDays = (typeof TERM_DAYS)[number]

/** Alias and avatar only: never anyone's identity. */
export interface GroupPerson {
  id: string
  alias: string
  /** Server-relative avatar path (load it through assetUrl). */
  avatar: string
}

/** My membership as the group view shows it to me (null: never joined). */
export interface MyMembership {
  id: string
  groupId: string
  status: MembershipStatus
  /** The order that created or last renewed it: a RESERVED one is paid with POST /api/orders/:id/pay. */
  orderId: string
  reservedUntil: string | null
  joinedAt: string | null
  endsAt: string | null
  /** Set while muted by the owner. */
  mutedUntil: string | null
  /** Until when leaving refunds in full (72 h after joining); null before payment. */
  refundableUntil: string | null
}

export interface GroupView {
  id: string
  name: string
  intro: string
  topic: Topic
  /** Price per term in fen; null: the term is not offered. */
  price30Fen: number | null
  price90Fen: number | null
  price365Fen: number | null
  capacity: number
  seatsTaken: number
  status: GroupStatus
  announcement: string | null
  /** The owner's user id (the listener's id), alias and avatar. */
  owner: GroupPerson
  /** The group chat (kind GROUP), for the owner and ACTIVE members; null otherwise or before approval. */
  conversationId: string | null
  myMembership: MyMembership | null
  /** The operator's note: shown to the owner and ops only. */
  reviewNote: string | null
  createdAt: string
}

/** GET /api/ops/groups/:id: the group with its memberships counted by status. */
export interface OpsGroupDetail extends GroupView {
  members: Partial<Record<MembershipStatus, number>>
}

/** A member as the owner's management page shows it (alias and avatar only). */
export interface GroupMemberView {
  user: GroupPerson
  status: MembershipStatus
  joinedAt: string | null
  endsAt: string | null
  mutedUntil: string | null
}

export interface CreateGroupInput {
  name: string
  intro: string
  topic: Topic
  price30Fen?: number
  price90Fen?: number
  price365Fen?: number
  capacity: number
}

/** What join and renew answer: the order to pay and the membership (RESERVED until paid). */
export interface JoinAnswer {
  order: OrderView
  membership: MyMembership
}

export const GROUP_PAGE_SIZE = 20
const enc = encodeURIComponent

export const createGroup = (input: CreateGroupInput) => apiPost<GroupView>('/api/groups', input)
export const fetchGroups = (q: { topic?: Topic; cursor?: string | null; limit?: number } = {}) =>
  apiGet<Page<GroupView>>('/api/groups', { topic: q.topic, cursor: q.cursor, limit: q.limit ?? GROUP_PAGE_SIZE })
export const fetchMyGroups = () => apiGet<{ owned: GroupView[]; joined: GroupView[] }>('/api/groups/mine')
export const fetchGroup = (id: string) => apiGet<GroupView>(`/api/groups/${enc(id)}`)
export const fetchListenerGroups = (listenerId: string) => apiGet<GroupView[]>(`/api/listeners/${enc(listenerId)}/groups`)
/** Reserves a seat and creates the GROUP_MEMBERSHIP order; pay it with platform/pay. */
export const joinGroup = (id: string, termDays: TermDays) => apiPost<JoinAnswer>(`/api/groups/${enc(id)}/join`, { termDays })
/** Extends an ACTIVE membership (a lapsed one is joined again); pay the order it returns. */
export const renewGroup = (id: string, termDays: TermDays) => apiPost<JoinAnswer>(`/api/groups/${enc(id)}/renew`, { termDays })
/**
 * `expectRefund`: what the person was told before confirming. If the 72-hour window closed in
 * between, the server refuses (409) and nothing changes, rather than leaving without the refund.
 */
export const leaveGroup = (id: string, expectRefund: boolean) => apiPost<MyMembership>(`/api/groups/${enc(id)}/leave`, { expectRefund })
export const fetchMembers = (id: string) => apiGet<GroupMemberView[]>(`/api/groups/${enc(id)}/members`)
export const muteMember = (id: string, userId: string, minutes: number) => apiPost<GroupMemberView>(`/api/groups/${enc(id)}/members/${enc(userId)}/mute`, { minutes })
export const unmuteMember = (id: string, userId: string) => apiPost<GroupMemberView>(`/api/groups/${enc(id)}/members/${enc(userId)}/unmute`)
export const removeMember = (id: string, userId: string) => apiPost<GroupMemberView>(`/api/groups/${enc(id)}/members/${enc(userId)}/remove`)
export const setAnnouncement = (id: string, text: string) => apiRequest<GroupView>(`/api/groups/${enc(id)}/announcement`, { method: 'PUT', data: { text } })

export const fetchOpsGroups = (status?: GroupStatus, cursor?: string | null) => apiGet<Page<GroupView>>('/api/ops/groups', { status, cursor, limit: GROUP_PAGE_SIZE })
export const fetchOpsGroup = (id: string) => apiGet<OpsGroupDetail>(`/api/ops/groups/${enc(id)}`)
export const reviewGroup = (id: string, decision: 'APPROVE' | 'REJECT', note?: string) => apiPost<GroupView>(`/api/ops/groups/${enc(id)}/review`, note ? { decision, note } : { decision })
export const closeGroup = (id: string) => apiPost<GroupView>(`/api/ops/groups/${enc(id)}/close`)

import type { GroupStatus, GroupView, MembershipStatus } from '../../services/groups'

/**
 * Group labels the 消息 tab needs too (main package); the groups subpackage re-exports them
 * from packages/groups/format.ts (tested in test/groups-format.spec.ts).
 */

export const GROUP_STATUS_LABELS: Record<GroupStatus, string> = {
  PENDING_REVIEW: '审核中',
  OPEN: '招募中',
  CLOSED: '已关闭',
  REJECTED: '未通过审核',
}

export const MEMBERSHIP_STATUS_LABELS: Record<MembershipStatus, string> = {
  RESERVED: '待支付',
  ACTIVE: '有效',
  EXPIRED: '已到期',
  LEFT: '已退出',
  REMOVED: '已被移出',
  REFUNDED: '已退款',
  RELEASED: '未支付',
}

/** `2025-01-02T03:04:05Z` → `2025-01-02 11:04` (Beijing time). */
export function dateTimeLabel(iso: string | null | undefined): string {
  if (!iso) return ''
  const t = Date.parse(iso)
  if (Number.isNaN(t)) return ''
  const d = new Date(t + 8 * 3600_000)
  const two = (n: number) => String(n).padStart(2, '0')
  return `${d.getUTCFullYear()}-${two(d.getUTCMonth() + 1)}-${two(d.getUTCDate())} ${two(d.getUTCHours())}:${two(d.getUTCMinutes())}`
}

/** The line under a group in 我的群组: my role and how long my membership runs. */
export function myGroupLine(g: Pick<GroupView, 'status' | 'myMembership'>, owned: boolean): string {
  if (owned) return `我是群主 · ${GROUP_STATUS_LABELS[g.status] ?? g.status}`
  const m = g.myMembership
  if (!m) return GROUP_STATUS_LABELS[g.status] ?? g.status
  if (m.status === 'ACTIVE') return m.endsAt ? `有效期至 ${dateTimeLabel(m.endsAt)}` : '有效'
  return MEMBERSHIP_STATUS_LABELS[m.status] ?? m.status
}

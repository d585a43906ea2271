import { formatFen, TOPIC_CODES, type MessageView, type Topic } from '@qingting/shared'
import { TERM_DAYS, type CreateGroupInput, type GroupView, type MyMembership, type TermDays } from '../../services/groups'
import type { PendingSend } from '../../services/realtime'
import { parseYuanToFen } from '../../utils/orders'
import { dateTimeLabel } from '../../pages/messages/group-format'

export { dateTimeLabel, GROUP_STATUS_LABELS, MEMBERSHIP_STATUS_LABELS, myGroupLine } from '../../pages/messages/group-format'

/** Pure helpers of the groups pages (tested in test/groups-format.spec.ts). */

/** Leaving within this many hours of joining refunds in full (PRODUCT.md §7). */
export const REFUND_WINDOW_HOURS = 72

export const TERM_LABELS: Record<TermDays, string> = { 30: '30 天', 90: '90 天', 365: '365 天' }

const PRICE_FIELD = { 30: 'price30Fen', 90: 'price90Fen', 365: 'price365Fen' } as const

export function termPrice(g: Pick<GroupView, 'price30Fen' | 'price90Fen' | 'price365Fen'>, days: TermDays): number | null {
  return g[PRICE_FIELD[days]]
}

export interface TermOption {
  termDays: TermDays
  priceFen: number
  label: string
  price: string
  /** What a day costs on this term, for comparing terms: `约 ¥0.33/天`. */
  perDay: string
}

/** The terms the group offers, shortest first (a term without a price is not offered). */
export function termOptions(g: Pick<GroupView, 'price30Fen' | 'price90Fen' | 'price365Fen'>): TermOption[] {
  const out: TermOption[] = []
  for (const days of TERM_DAYS) {
    const fen = termPrice(g, days)
    if (fen === null || fen === undefined) continue
    out.push({ termDays: days, priceFen: fen, label: TERM_LABELS[days], price: formatFen(fen), perDay: `约 ${formatFen(Math.round(fen / days))}/天` })
  }
  return out
}

/** `¥30.00/30 天起`: the cheapest term, for the list cards. */
export function priceFromLabel(g: Pick<GroupView, 'price30Fen' | 'price90Fen' | 'price365Fen'>): string {
  const opts = termOptions(g)
  if (opts.length === 0) return '暂未定价'
  const cheapest = opts.reduce((a, b) => (b.priceFen < a.priceFen ? b : a))
  return `${cheapest.price}/${cheapest.label}${opts.length > 1 ? '起' : ''}`
}

export function seatsLeft(g: Pick<GroupView, 'capacity' | 'seatsTaken'>): number {
  return Math.max(0, g.capacity - g.seatsTaken)
}

/** `12/50 人 · 剩余 38 个名额` or `50/50 人 · 已满员`. */
export function seatsLabel(g: Pick<GroupView, 'capacity' | 'seatsTaken'>): string {
  const left = seatsLeft(g)
  return `${Math.min(g.seatsTaken, g.capacity)}/${g.capacity} 人 · ${left > 0 ? `剩余 ${left} 个名额` : '已满员'}`
}

/** Where the viewer stands with the group: what the detail page offers follows from it. */
export type MemberState = 'owner' | 'active' | 'reserved' | 'none'

export function memberState(g: Pick<GroupView, 'owner' | 'myMembership'>, meId: string | null, nowMs: number): MemberState {
  if (meId !== null && g.owner.id === meId) return 'owner'
  const m = g.myMembership
  if (!m) return 'none'
  if (m.status === 'ACTIVE' && (!m.endsAt || Date.parse(m.endsAt) > nowMs)) return 'active'
  if (m.status === 'RESERVED') return 'reserved'
  return 'none'
}

/** Why joining is not possible now, or null when it is (the server checks again). */
export function joinBlocker(g: Pick<GroupView, 'status' | 'capacity' | 'seatsTaken' | 'price30Fen' | 'price90Fen' | 'price365Fen'>): string | null {
  if (g.status === 'PENDING_REVIEW') return '群组审核中，暂不能加入'
  if (g.status === 'REJECTED') return '群组未通过审核'
  if (g.status === 'CLOSED') return '群组已关闭，不再接受新成员'
  if (seatsLeft(g) === 0) return '群组已满员'
  if (termOptions(g).length === 0) return '群组暂未定价'
  return null
}

/** `2 小时 5 分`, `3 天 2 小时`: a coarse span for the refund window. */
export function spanLabel(ms: number): string {
  const minutes = Math.max(0, Math.floor(ms / 60_000))
  const d = Math.floor(minutes / 1440)
  const h = Math.floor((minutes % 1440) / 60)
  const m = minutes % 60
  if (d > 0) return `${d} 天${h > 0 ? ` ${h} 小时` : ''}`
  if (h > 0) return `${h} 小时${m > 0 ? ` ${m} 分` : ''}`
  return `${Math.max(1, m)} 分钟`
}

/** Whether leaving now refunds in full. */
export function refundable(m: Pick<MyMembership, 'refundableUntil'> | null, nowMs: number): boolean {
  return !!m?.refundableUntil && Date.parse(m.refundableUntil) > nowMs
}

/** The refund rule, stated plainly for this membership now (shown before joining and before leaving). */
export function refundWindowText(m: Pick<MyMembership, 'refundableUntil'> | null, nowMs: number): string {
  if (!m) return `加入后 ${REFUND_WINDOW_HOURS} 小时内退出可全额退款，超过 ${REFUND_WINDOW_HOURS} 小时退出不退款。`
  if (refundable(m, nowMs)) {
    return `现在退出可全额退款（退款截止 ${dateTimeLabel(m.refundableUntil)}，还剩 ${spanLabel(Date.parse(m.refundableUntil!) - nowMs)}）。`
  }
  return `已超过加入后 ${REFUND_WINDOW_HOURS} 小时，现在退出不退款，剩余时长也将作废。`
}

/** The leave confirmation: the refund outcome first, then what leaving does. */
export function leaveConfirmText(m: Pick<MyMembership, 'refundableUntil'> | null, nowMs: number): string {
  return `${refundWindowText(m, nowMs)}退出后将无法查看群聊，如需再加入需重新付费。确定退出吗？`
}

/** `禁言中，至 2025-01-02 11:04` or null when not muted. */
export function mutedLabel(mutedUntil: string | null | undefined, nowMs: number): string | null {
  if (!mutedUntil) return null
  const t = Date.parse(mutedUntil)
  if (Number.isNaN(t) || t <= nowMs) return null
  return `禁言中，至 ${dateTimeLabel(mutedUntil)}`
}

/** What renewing adds: the new end from the later of now and the current end. */
export function renewedEnd(endsAt: string | null, termDays: TermDays, nowMs: number): string {
  const base = Math.max(nowMs, endsAt ? Date.parse(endsAt) || nowMs : nowMs)
  return new Date(base + termDays * 86_400_000).toISOString()
}

/** Mute lengths the owner can pick. */
export const MUTE_CHOICES = [
  { minutes: 10, label: '10 分钟' },
  { minutes: 60, label: '1 小时' },
  { minutes: 1440, label: '1 天' },
  { minutes: 10080, label: '7 天' },
] as const

/** One line of the group chat: others' messages carry their alias; the owner is marked 群主. */
export interface GroupChatLine {
  key: string
  side: 'me' | 'peer' | 'system'
  alias: string | null
  owner: boolean
  text: string
  masked: boolean
  sending: boolean
  seq: number | null
}

export function groupChatLines(messages: readonly MessageView[], pending: readonly PendingSend[]): GroupChatLine[] {
  const lines: GroupChatLine[] = messages.map((m) => ({
    key: `m-${m.seq}`,
    side: m.from,
    alias: m.from === 'peer' ? m.alias ?? '成员' : null,
    owner: m.senderRole === 'OWNER',
    text: m.text,
    masked: m.masked,
    sending: false,
    seq: m.seq,
  }))
  const stored = new Set(messages.map((m) => m.clientId).filter(Boolean))
  for (const p of pending) {
    if (!stored.has(p.clientId)) lines.push({ key: `p-${p.clientId}`, side: 'me', alias: null, owner: false, text: p.text, masked: false, sending: true, seq: null })
  }
  return lines
}

/** Limits of the create form (the server checks them again). */
export const GROUP_NAME_MAX = 30
export const GROUP_INTRO_MAX = 500
export const GROUP_CAPACITY_MIN = 2
export const GROUP_CAPACITY_MAX = 2000

export interface CreateGroupForm {
  name: string
  intro: string
  topic: Topic | ''
  price30: string
  price90: string
  price365: string
  capacity: string
}

/** The create form → the request body, or the first problem in Chinese. */
export function createGroupInput(f: CreateGroupForm): { ok: true; input: CreateGroupInput } | { ok: false; error: string } {
  const name = f.name.trim()
  const intro = f.intro.trim()
  if (name.length < 2 || name.length > GROUP_NAME_MAX) return { ok: false, error: `群名称需为 2–${GROUP_NAME_MAX} 个字` }
  if (intro.length < 10 || intro.length > GROUP_INTRO_MAX) return { ok: false, error: `群介绍需为 10–${GROUP_INTRO_MAX} 个字` }
  if (!f.topic || !TOPIC_CODES.includes(f.topic)) return { ok: false, error: '请选择话题' }
  const input: CreateGroupInput = { name, intro, topic: f.topic, capacity: 0 }
  const prices: [string, 'price30Fen' | 'price90Fen' | 'price365Fen', TermDays][] = [
    [f.price30, 'price30Fen', 30],
    [f.price90, 'price90Fen', 90],
    [f.price365, 'price365Fen', 365],
  ]
  for (const [text, field, days] of prices) {
    if (text.trim() === '') continue
    const fen = parseYuanToFen(text)
    if (fen === null) return { ok: false, error: `${TERM_LABELS[days]}价格格式不对（如 29.9）` }
    input[field] = fen
  }
  if (input.price30Fen === undefined && input.price90Fen === undefined && input.price365Fen === undefined) return { ok: false, error: '请至少设置一个期限的价格' }
  const cap = Number(f.capacity.trim())
  if (!Number.isInteger(cap) || cap < GROUP_CAPACITY_MIN || cap > GROUP_CAPACITY_MAX) return { ok: false, error: `人数上限需为 ${GROUP_CAPACITY_MIN}–${GROUP_CAPACITY_MAX} 的整数` }
  input.capacity = cap
  return { ok: true, input }
}

/** The group chat's privacy line: who sees the history and for how long. */
export function groupRetentionText(hours: number): string {
  return `群聊内容加密存储，仅群成员可见，消息 ${hours} 小时后永久销毁；请勿在群内透露联系方式等个人信息。`
}

/** The server posts a new pinned announcement as a system line `【群公告】…`: its text, else null. */
export function announcementFrom(m: Pick<MessageView, 'kind' | 'text'>): string | null {
  const prefix = '【群公告】'
  return m.kind === 'SYSTEM' && m.text.startsWith(prefix) ? m.text.slice(prefix.length) : null
}

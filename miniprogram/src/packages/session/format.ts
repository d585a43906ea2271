import { formatFen, MESSAGE_MAX_CHARS, type MessageView, type SessionView } from '@qingting/shared'
import type { PendingSend } from '../../services/realtime'
import { durationLabel } from '../../pages/messages/session-format'
import { msLeft } from '../../utils/orders'

export { countdownTarget, durationLabel, END_REASON_LABELS, sessionLine } from '../../pages/messages/session-format'

/**
 * Pure helpers of the session room and the review page (tested in test/session-format.spec.ts).
 * The ones the 消息 tab needs too live in the main package (pages/messages/session-format.ts).
 */

export type SessionPhase = 'waiting' | 'active' | 'ended' | 'cancelled'

export function sessionPhase(s: Pick<SessionView, 'status'>): SessionPhase {
  switch (s.status) {
    case 'WAITING':
      return 'waiting'
    case 'ACTIVE':
      return 'active'
    case 'CANCELLED':
      return 'cancelled'
    default:
      return 'ended'
  }
}

/** Minutes before the end when the reminder shows (SESSION_REMINDER_MINUTES on the server; it also sends a `reminder` frame). */
export const REMINDER_MINUTES = 5

/** The T−5 banner: active, time left, and at most REMINDER_MINUTES of it. */
export function reminderDue(s: Pick<SessionView, 'status' | 'endsAt'>, serverNowMs: number, minutes = REMINDER_MINUTES): boolean {
  if (s.status !== 'ACTIVE' || !s.endsAt) return false
  const left = msLeft(s.endsAt, serverNowMs)
  return left > 0 && left <= minutes * 60_000
}

/** Length as the server counts it: Unicode code points, so an emoji counts once. */
function charCount(text: string): number {
  return [...text].length
}

/** `12/1000`, and whether the text can be sent (not blank, not too long). */
export function composeState(text: string, max = MESSAGE_MAX_CHARS): { count: number; counter: string; over: boolean; sendable: boolean } {
  const count = charCount(text)
  const over = count > max
  return { count, counter: `${count}/${max}`, over, sendable: !over && text.trim().length > 0 }
}

/** Inserts messages into a list kept in seq order, each seq once (a repeat replaces nothing). */
export function mergeMessages(list: readonly MessageView[], incoming: readonly MessageView[]): MessageView[] {
  if (incoming.length === 0) return list as MessageView[]
  const bySeq = new Map(list.map((m) => [`${m.conversationId}:${m.seq}`, m]))
  for (const m of incoming) {
    const key = `${m.conversationId}:${m.seq}`
    if (!bySeq.has(key)) bySeq.set(key, m)
  }
  return [...bySeq.values()].sort((a, b) => a.seq - b.seq)
}

/** One line of the chat as the room shows it: stored messages, then my sends still waiting for the ack. */
export interface ChatLine {
  key: string
  side: 'me' | 'peer' | 'system'
  text: string
  masked: boolean
  /** My messages: 发送中 (not acked), 已读 (the peer read up to it), 未读. */
  mark: '发送中' | '已读' | '未读' | null
  seq: number | null
}

export function chatLines(messages: readonly MessageView[], pending: readonly PendingSend[], peerReadSeq: number): ChatLine[] {
  const lines: ChatLine[] = messages.map((m) => ({
    key: `m-${m.seq}`,
    side: m.from,
    text: m.text,
    masked: m.masked,
    mark: m.from === 'me' ? (m.seq <= peerReadSeq ? '已读' : '未读') : null,
    seq: m.seq,
  }))
  // A pending send whose ack raced ahead of the pending event is already a stored message.
  const stored = new Set(messages.map((m) => m.clientId).filter(Boolean))
  for (const p of pending) {
    if (!stored.has(p.clientId)) lines.push({ key: `p-${p.clientId}`, side: 'me', text: p.text, masked: false, mark: '发送中', seq: null })
  }
  return lines
}

/** The highest seq of a message from the peer: what my `read` frame reports. */
export function lastPeerSeq(messages: readonly MessageView[]): number {
  let seq = 0
  for (const m of messages) if (m.from === 'peer' && m.seq > seq) seq = m.seq
  return seq
}

/** The part of the order the summary needs. */
export type SummaryOrder = { totalFen: number; refundedFen: number; minutes: number }

/**
 * What the talker gets back after the end: the session order's price less what the session
 * charged, when the session is exactly that order (no paid extension; with one the extension's
 * price is not in view, so only what was already refunded is known). null: not known yet.
 */
export function expectedRefundFen(s: Pick<SessionView, 'chargedFen' | 'paidSeconds'>, order: SummaryOrder | null): number | null {
  if (!order || s.chargedFen === null || s.paidSeconds !== order.minutes * 60) return null
  return Math.max(0, order.totalFen - s.chargedFen)
}

/** The ended-session summary: time used, charged, refund (and whether WeChat Pay has returned it yet). */
export function summaryLines(s: Pick<SessionView, 'usedSeconds' | 'chargedFen' | 'paidSeconds'>, order: SummaryOrder | null): { label: string; value: string; key: string }[] {
  const lines = [{ key: 'used', label: '通话时长', value: durationLabel(s.usedSeconds) }]
  if (s.chargedFen !== null) lines.push({ key: 'charged', label: '实际计费', value: formatFen(s.chargedFen) })
  if (!order) return lines
  const expected = expectedRefundFen(s, order)
  let value: string
  if (expected === null) value = order.refundedFen > 0 ? `${formatFen(order.refundedFen)}（已原路退回）` : '多付部分将原路退回'
  else if (expected === 0) value = formatFen(0)
  else value = `${formatFen(expected)}（${order.refundedFen >= expected ? '已原路退回' : '退款处理中，将原路退回'}）`
  lines.push({ key: 'refund', label: '退款', value })
  return lines
}

/** Plain Unicode emoji for the picker (no images in the package). */
export const EMOJIS = ['😊', '😂', '🥲', '😭', '😢', '😔', '😟', '😡', '😌', '🤗', '🙏', '👍', '👌', '💪', '❤️', '💔', '🌹', '☀️', '🌙', '🍵', '🤔', '😴', '😳', '🥰'] as const

/**
 * Reasons offered on the report sheet: exactly the server's list (server/src/feedback/dto.ts,
 * not in the shared contract), which refuses anything else.
 */
export const REPORT_REASONS = ['骚扰/辱骂', '索要联系方式', '违法违规', '危机风险', '其他'] as const

/** What the listener's crisis guidance "上报" preselects: the server also raises a crisis alert for it. */
export const CRISIS_REPORT_REASON: (typeof REPORT_REASONS)[number] = '危机风险'

/** Review limits the server enforces (ReviewBody). */
export const REVIEW_MAX_TAGS = 5
export const REVIEW_TEXT_MAX = 300

/** The units an extension can buy (15 minutes each). */
export const EXTEND_UNIT_CHOICES = [1, 2, 3, 4] as const

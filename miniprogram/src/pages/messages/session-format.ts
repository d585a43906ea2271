import type { SessionEndReason, SessionView } from '@qingting/shared'

/**
 * Session labels shared by the 消息 tab (main package) and the room (subpackage `packages/session`,
 * which may import from the main package but not the other way round).
 */

export const SESSION_STATUS_LABELS: Record<SessionView['status'], string> = {
  WAITING: '等待开始',
  ACTIVE: '进行中',
  ENDED: '已结束',
  CANCELLED: '已取消',
}

export const END_REASON_LABELS: Record<SessionEndReason, string> = {
  TIME_UP: '时间到，会话已结束',
  TALKER_ENDED: '倾诉者提前结束了会话',
  LISTENER_ENDED: '倾听者提前结束了会话',
  LISTENER_NO_SHOW: '倾听者未按时进入，已全额退款',
  TALKER_NO_SHOW: '倾诉者未在时限内开始，会话已取消',
}

/** 0 → `0秒`, 65 → `1分05秒`, 900 → `15分00秒`, 3725 → `1小时2分05秒`. */
export function durationLabel(seconds: number | null | undefined): string {
  const total = Math.max(0, Math.round(seconds ?? 0))
  const h = Math.floor(total / 3600)
  const m = Math.floor((total % 3600) / 60)
  const s = total % 60
  const two = (n: number) => String(n).padStart(2, '0')
  if (h > 0) return `${h}小时${m}分${two(s)}秒`
  if (m > 0) return `${m}分${two(s)}秒`
  return `${s}秒`
}

/** How the 消息 tab describes a session in one line. */
export function sessionLine(s: Pick<SessionView, 'status' | 'endReason' | 'usedSeconds' | 'talkerPresent' | 'listenerPresent' | 'myRole'>): string {
  if (s.status === 'WAITING') {
    const peerHere = s.myRole === 'talker' ? s.listenerPresent : s.talkerPresent
    return peerHere ? '对方已进入，等你开始' : '等待双方进入'
  }
  if (s.status === 'ACTIVE') return '会话进行中'
  if (s.endReason) return END_REASON_LABELS[s.endReason]
  return s.status === 'CANCELLED' ? '已取消' : `已结束 · ${durationLabel(s.usedSeconds)}`
}

/** The deadline the room counts down to: the paid end while active, the start-by while waiting. */
export function countdownTarget(s: Pick<SessionView, 'status' | 'endsAt' | 'startBy'>): { label: string; deadline: string } | null {
  if (s.status === 'ACTIVE' && s.endsAt) return { label: '剩余时间', deadline: s.endsAt }
  if (s.status === 'WAITING') return { label: '开始截止', deadline: s.startBy }
  return null
}

import type { WorkingHoursEntry } from '@qingting/shared'

const DAYS = ['周一', '周二', '周三', '周四', '周五', '周六', '周日']

export function dayLabel(day: number): string {
  return DAYS[day - 1] ?? `第${day}天`
}

/** `周一 19:00–23:00`, `周五 22:00–次日02:00`. */
export function hoursLabel(h: WorkingHoursEntry): string {
  return `${dayLabel(h.day)} ${h.start}–${h.end < h.start ? '次日' : ''}${h.end}`
}

/** Sorted by day then start; empty → 不限时间 (the listener is available whenever online). */
export function workingHoursLabels(hours: readonly WorkingHoursEntry[]): string[] {
  if (hours.length === 0) return ['不限时间']
  return [...hours].sort((a, b) => a.day - b.day || (a.start < b.start ? -1 : 1)).map(hoursLabel)
}

/** 0.67 → `67%`; null → `暂无`. */
export function percentLabel(rate: number | null): string {
  return rate === null ? '暂无' : `${Math.round(rate * 100)}%`
}

/** 45 → `45秒`, 150 → `2.5分钟`, 7200 → `2小时`; null → `暂无`. */
export function secondsLabel(seconds: number | null): string {
  if (seconds === null) return '暂无'
  if (seconds < 60) return `${seconds}秒`
  if (seconds < 3600) return `${Math.round(seconds / 6) / 10}分钟`
  return `${Math.round(seconds / 360) / 10}小时`
}

/** 90 → `90分钟`, 12000 → `200小时`. */
export function minutesLabel(minutes: number): string {
  return minutes < 600 ? `${minutes}分钟` : `${Math.round(minutes / 60)}小时`
}

export function starsLabel(stars: number): string {
  return '★'.repeat(Math.max(0, Math.min(5, stars))) + '☆'.repeat(Math.max(0, 5 - stars))
}

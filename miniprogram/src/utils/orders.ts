import { formatFen, type ServiceType } from '@qingting/shared'
import type { OrderStatus, OrderView } from '../services/orders'

/** Pure helpers for the order pages (tested in test/orders-format.spec.ts). */

export const MIN_UNITS = 1
export const MAX_UNITS = 8
export const UNIT_MINUTES = 15

export const ORDER_STATUS_LABELS: Record<OrderStatus, string> = {
  PENDING_PAYMENT: '待支付',
  PAID: '已支付/待接单',
  ACCEPTED: '已接单',
  IN_SESSION: '倾诉中',
  COMPLETED: '已完成',
  SETTLED: '已结算',
  CLOSED: '已关闭',
  REFUNDING: '退款中',
  REFUNDED: '已退款',
  PARTIALLY_REFUNDED: '部分退款',
  DISPUTED: '申诉中',
}

/** Chinese label of a status; an unknown one (a newer server) shows as is. */
export function orderStatusLabel(status: string): string {
  return (ORDER_STATUS_LABELS as Record<string, string>)[status] ?? status
}

/** A visual tone per status for the badge colour. */
export function orderStatusTone(status: string): 'wait' | 'active' | 'done' | 'closed' | 'refund' {
  switch (status) {
    case 'PENDING_PAYMENT':
    case 'PAID':
      return 'wait'
    case 'ACCEPTED':
    case 'IN_SESSION':
      return 'active'
    case 'COMPLETED':
    case 'SETTLED':
      return 'done'
    case 'REFUNDING':
    case 'REFUNDED':
    case 'PARTIALLY_REFUNDED':
    case 'DISPUTED':
      return 'refund'
    default:
      return 'closed'
  }
}

export const SERVICE_TYPE_LABELS: Record<ServiceType, string> = { TEXT: '文字倾诉', VOICE: '语音倾诉' }

/** What an order bought, in a line: `文字倾诉 · 30分钟`, `文字倾诉 · 30分钟（套餐时长）`, `主题套餐 · 60分钟`, `付费群组 · 30天` … */
export function orderSummary(order: Pick<OrderView, 'kind' | 'serviceType' | 'minutes' | 'termDays' | 'paidWithPackage'>): string {
  switch (order.kind) {
    case 'PACKAGE':
      return `主题套餐 · ${order.minutes}分钟`
    case 'EXTENSION':
      return `续时 · ${order.minutes}分钟`
    case 'GIFT':
      return '礼物'
    case 'GROUP_MEMBERSHIP':
      return `付费群组 · ${order.termDays ?? 0}天`
    default:
      return `${SERVICE_TYPE_LABELS[order.serviceType]} · ${order.minutes}分钟${order.paidWithPackage ? '（套餐时长）' : ''}`
  }
}

/** The talker may cancel before the listener accepts (unpaid: close; paid: full refund). */
export function canCancel(order: Pick<OrderView, 'status' | 'myRole'>): boolean {
  return order.myRole === 'talker' && (order.status === 'PENDING_PAYMENT' || order.status === 'PAID')
}

export function clampUnits(units: number): number {
  if (!Number.isFinite(units)) return MIN_UNITS
  return Math.min(MAX_UNITS, Math.max(MIN_UNITS, Math.round(units)))
}

export interface PriceBreakdown {
  unitPriceFen: number
  units: number
  minutes: number
  subtotalFen: number
  /** `¥30.00 × 2 = ¥60.00` */
  line: string
}

/**
 * The estimate shown before creating the order: unit price × units. Only an estimate: the amount
 * to pay is the `totalFen` the server returns (it may apply points or a changed price).
 */
export function priceBreakdown(unitPriceFen: number, units: number): PriceBreakdown {
  const u = clampUnits(units)
  const subtotalFen = unitPriceFen * u
  return { unitPriceFen, units: u, minutes: u * UNIT_MINUTES, subtotalFen, line: `${formatFen(unitPriceFen)} × ${u} = ${formatFen(subtotalFen)}` }
}

/** Service types the listener offers, text first. */
export function offeredServiceTypes(prices: Partial<Record<ServiceType, number | null>>): ServiceType[] {
  return (['TEXT', 'VOICE'] as const).filter((t) => typeof prices[t] === 'number')
}

/**
 * Milliseconds left until `deadlineIso`, on the server's clock: `skewMs` is server time minus
 * local time (estimated when the order was fetched), so a wrong phone clock does not matter.
 */
export function msLeft(deadlineIso: string, nowMs: number, skewMs = 0): number {
  const t = Date.parse(deadlineIso)
  if (Number.isNaN(t)) return 0
  return Math.max(0, t - (nowMs + skewMs))
}

/** 905000 → `15:05`, 3_725_000 → `1:02:05`, 0 or less → `00:00`. */
export function formatCountdown(ms: number): string {
  const total = Math.max(0, Math.ceil(ms / 1000))
  const h = Math.floor(total / 3600)
  const m = Math.floor((total % 3600) / 60)
  const s = total % 60
  const two = (n: number) => String(n).padStart(2, '0')
  return h > 0 ? `${h}:${two(m)}:${two(s)}` : `${two(m)}:${two(s)}`
}

/** The deadline the detail page counts down to, if any. */
export function activeCountdown(order: Pick<OrderView, 'status' | 'payBy' | 'acceptBy'>): { label: string; deadline: string } | null {
  if (order.status === 'PENDING_PAYMENT') return { label: '请在此时间内完成支付', deadline: order.payBy }
  if (order.status === 'PAID' && order.acceptBy) return { label: '倾听者接单剩余时间', deadline: order.acceptBy }
  return null
}

/** `2025-01-02T03:04:05Z` → `01-02 11:04` (Beijing time, which is what users and listeners live by). */
export function shortTime(iso: string | null | undefined): string {
  if (!iso) return ''
  const t = Date.parse(iso)
  if (Number.isNaN(t)) return ''
  const d = new Date(t + 8 * 3600_000)
  const two = (n: number) => String(n).padStart(2, '0')
  return `${two(d.getUTCMonth() + 1)}-${two(d.getUTCDate())} ${two(d.getUTCHours())}:${two(d.getUTCMinutes())}`
}

/**
 * Amount typed in yuan → integer fen: "25" → 2500, "25.5" → 2550, "0.01" → 1. Anything else
 * (empty, negative, 3 decimals, letters, zero) → null.
 */
export function parseYuanToFen(input: string): number | null {
  const s = input.trim()
  if (!/^\d{1,7}(\.\d{1,2})?$/.test(s)) return null
  const [whole, frac = ''] = s.split('.')
  const fen = Number(whole) * 100 + Number(frac.padEnd(2, '0'))
  return fen > 0 ? fen : null
}

/** Merges a new page into a list, dropping items already shown (an order may move between pages). */
export function appendUnique<T extends { id: string }>(prev: readonly T[], next: readonly T[]): T[] {
  const seen = new Set(prev.map((o) => o.id))
  return [...prev, ...next.filter((o) => !seen.has(o.id))]
}

/** Ids in `current` that were not in `known` (new incoming orders → play the chime). */
export function newIds(known: ReadonlySet<string>, current: readonly { id: string }[]): string[] {
  return current.map((o) => o.id).filter((id) => !known.has(id))
}

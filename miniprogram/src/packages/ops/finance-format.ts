import { formatFen } from '@qingting/shared'
import type { DailyFigures, ReconciliationRun, ReconciliationSummary } from './finance-api'

/** The server's item categories, in its drill-down order, with what finance calls them. */
export const CATEGORY_LABELS = {
  AMOUNT_MISMATCH: '金额不符',
  MISSING_AT_WECHAT: '微信缺失',
  MISSING_LOCAL: '本地缺失',
  STATUS_MISMATCH: '状态不符',
} as const
export type Category = keyof typeof CATEGORY_LABELS
export const CATEGORIES = Object.keys(CATEGORY_LABELS) as Category[]

export const KIND_LABELS: Record<string, string> = { TRADE: '支付', REFUND: '退款', TRANSFER: '转账' }
export const RUN_STATUS_LABELS: Record<string, string> = { RUNNING: '对账中', DONE: '已完成', FAILED: '失败' }
const PHASE_LABELS: Record<string, string> = { download: '下载账单', local: '读取本地记录', trade: '核对交易账单', fundflow: '核对资金账单', repair: '自动修复', ledger: '核对账本', report: '生成报表' }

const DAY_MS = 86_400_000
const CST_MS = 8 * 3_600_000

/** The China calendar date `offsetDays` from `now` (WeChat's bill days), `YYYY-MM-DD`. */
export function chinaDate(now: Date, offsetDays = 0): string {
  return new Date(now.getTime() + CST_MS + offsetDays * DAY_MS).toISOString().slice(0, 10)
}

export function isDate(value: string): boolean {
  return /^\d{4}-\d{2}-\d{2}$/.test(value) && !Number.isNaN(Date.parse(`${value}T00:00:00Z`)) && new Date(`${value}T00:00:00Z`).toISOString().startsWith(value)
}

/** Who started a run: `schedule`, `cli` or `ops:<userId>`. */
export function triggerLabel(trigger: string): string {
  if (trigger === 'schedule') return '每日定时'
  if (trigger === 'cli') return '命令行'
  return trigger.startsWith('ops:') ? '运营手动' : trigger
}

/** One line about a run for the list. */
export function runHeadline(run: ReconciliationRun): string {
  if (run.status === 'RUNNING') return run.progress ? `${PHASE_LABELS[run.progress.phase] ?? run.progress.phase}…${run.progress.lines ? `（${run.progress.lines} 行）` : ''}` : '已开始…'
  // The list shows what happened; the technical part stays for the run's page.
  if (run.status === 'FAILED') return run.error ? run.error.message.split('（技术信息')[0] : '失败'
  const s = run.summary!
  const diff = CATEGORIES.reduce((n, c) => n + s.categories[c], 0)
  const matched = s.matched.trade + s.matched.refund + s.matched.transfer
  return `已匹配 ${matched} 笔；差异 ${diff} 项${s.repaired ? `（已自动修复 ${s.repaired}）` : ''}；账本${s.ledger.ok ? '一致' : '不一致'}`
}

/** A finished run a person should look at: failed, any difference, totals off. */
export function needsAttention(run: ReconciliationRun): boolean {
  if (run.status === 'FAILED') return true
  if (run.status !== 'DONE' || !run.summary) return false
  const s = run.summary
  return CATEGORIES.some((c) => s.categories[c] > 0) || !s.ledger.ok || !s.fees.ok
}

/** The summary as labelled figures for the detail panel. */
export function summaryFields(s: ReconciliationSummary): { label: string; value: string; warn?: boolean }[] {
  const count = (c: { count: number; fen: number }) => `${formatFen(c.fen)}（${c.count} 笔）`
  return [
    { label: '交易账单', value: s.trade.present ? `${s.trade.lines} 行` : '当日无账单' },
    { label: '资金账单', value: s.fundFlow.present ? `${s.fundFlow.lines} 行` : '当日无账单' },
    { label: '已匹配', value: `支付 ${s.matched.trade} · 退款 ${s.matched.refund} · 转账 ${s.matched.transfer}` },
    { label: '微信支付', value: count(s.trade.payments) },
    { label: '微信退款', value: count(s.trade.refunds) },
    { label: '本地支付', value: count(s.local.payments) },
    { label: '商家转账', value: count(s.fundFlow.transfers) },
    { label: '手续费', value: `交易账单 ${formatFen(s.fees.tradeBillFen)} / 资金账单 ${formatFen(s.fees.fundFlowFen)}`, warn: !s.fees.ok },
    { label: '账本（支付）', value: `账单 ${formatFen(s.ledger.billPaymentsFen)} / 账本 ${formatFen(s.ledger.paymentsFen)}，差 ${formatFen(s.ledger.paymentsDiffFen)}`, warn: s.ledger.paymentsDiffFen !== 0 },
    { label: '账本（退款）', value: `账单 ${formatFen(s.ledger.billRefundsFen)} / 账本 ${formatFen(s.ledger.refundsFen)}，差 ${formatFen(s.ledger.refundsDiffFen)}`, warn: s.ledger.refundsDiffFen !== 0 },
    { label: '自动修复', value: `${s.repaired} 项` },
    { label: '耗时', value: `${(s.durationMs / 1000).toFixed(1)} 秒` },
  ]
}

export interface Bar {
  date: string
  /** `MM-DD` under the column. */
  label: string
  /** 0–100, of the tallest value of the series. */
  heightPct: number
  title: string
}

type SeriesKey = 'gmvFen' | 'commissionFen' | 'netFen'

/** The tallest value of several series, so that they share one scale. */
export function chartMax(days: DailyFigures[], keys: SeriesKey[]): number {
  return Math.max(0, ...days.flatMap((d) => keys.map((k) => d[k])))
}

/** One chart series as bar heights (CSS percentages of `max`, by default its own tallest day): no chart library, just sized boxes. */
export function chartBars(days: DailyFigures[], key: SeriesKey, max = chartMax(days, [key])): Bar[] {
  return days.map((d) => ({
    date: d.date,
    label: d.date.slice(5),
    heightPct: max > 0 ? Math.min(100, Math.max(0, Math.round((d[key] / max) * 1000) / 10)) : 0,
    title: `${d.date} ${formatFen(d[key])}`,
  }))
}

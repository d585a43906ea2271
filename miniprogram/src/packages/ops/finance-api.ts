import Taro from '@tarojs/taro'
import { API_BASE, apiGet, apiPost } from '../../services/api'
import { sessionToken } from '../../services/session'
import type { Page } from './ops-api'

// Reconciliation and finance figures (PRODUCT.md §11), as `server/src/reconciliation` answers them.

export interface CountFen {
  count: number
  fen: number
}

export interface ReconciliationSummary {
  billDate: string
  matched: { trade: number; refund: number; transfer: number }
  categories: Record<'MISSING_LOCAL' | 'MISSING_AT_WECHAT' | 'AMOUNT_MISMATCH' | 'STATUS_MISMATCH', number>
  repaired: number
  trade: { present: boolean; lines: number; payments: CountFen; refunds: CountFen; feeFen: number }
  fundFlow: { present: boolean; lines: number; incomeFen: number; expenseFen: number; transfers: CountFen; feeFen: number }
  fees: { tradeBillFen: number; fundFlowFen: number; ok: boolean }
  local: { payments: CountFen; refunds: CountFen; transfers: CountFen }
  ledger: { paymentsFen: number; refundsFen: number; billPaymentsFen: number; billRefundsFen: number; paymentsDiffFen: number; refundsDiffFen: number; ok: boolean }
  durationMs: number
}

export interface ReconciliationRun {
  id: string
  billDate: string
  status: 'RUNNING' | 'DONE' | 'FAILED'
  trigger: string
  startedAt: string
  finishedAt: string | null
  error: { code: string; message: string } | null
  summary: ReconciliationSummary | null
  progress: { phase: string; lines: number; at: string } | null
}

export interface ReconciliationItem {
  id: string
  category: string
  kind: 'TRADE' | 'REFUND' | 'TRANSFER'
  reference: string
  localFen: number | null
  wechatFen: number | null
  localState: string | null
  wechatState: string | null
  repaired: boolean
  detail: string
}

export interface RunDetail {
  run: ReconciliationRun
  items: ReconciliationItem[]
  nextCursor: string | null
}

export interface DailyFigures {
  date: string
  orders: number
  gmvFen: number
  refundsFen: number
  netFen: number
  commissionFen: number
}

export interface DailyReport {
  days: DailyFigures[]
  totals: Omit<DailyFigures, 'date'>
}

export const fetchRuns = (q: { date?: string; cursor?: string }) => apiGet<Page<ReconciliationRun>>('/api/ops/reconciliation', { ...q, limit: 20 })
/** Answers with the finished run, or with it still RUNNING (then poll fetchRun). */
export const startReconciliation = (date: string) => apiPost<ReconciliationRun>('/api/ops/reconciliation', { date })
export const fetchRun = (id: string, q: { category?: string; cursor?: string }) => apiGet<RunDetail>(`/api/ops/reconciliation/${encodeURIComponent(id)}`, { ...q, limit: 50 })
export const fetchDaily = (from: string, to: string) => apiGet<DailyReport>('/api/ops/finance/daily', { from, to })

/**
 * Saves the run's CSV in the browser: the route needs the session header, so no plain link;
 * the file is fetched and handed to the browser's download (the ops console is H5).
 */
export async function downloadCsv(run: Pick<ReconciliationRun, 'id' | 'billDate'>): Promise<void> {
  if (typeof document === 'undefined') throw new Error('请在电脑浏览器中打开运营后台下载')
  const token = sessionToken()
  const res = await Taro.request<ArrayBuffer>({
    url: `${API_BASE}/api/ops/reconciliation/${encodeURIComponent(run.id)}/csv`,
    method: 'GET',
    header: token ? { authorization: `Bearer ${token}` } : {},
    responseType: 'arraybuffer',
    dataType: '其他',
  })
  if (res.statusCode !== 200) throw new Error('对账报表下载失败')
  const url = URL.createObjectURL(new Blob([res.data], { type: 'text/csv;charset=utf-8' }))
  const a = document.createElement('a')
  a.href = url
  a.download = `对账-${run.billDate}-${run.id.slice(0, 8)}.csv`
  document.body.appendChild(a)
  a.click()
  a.remove()
  setTimeout(() => URL.revokeObjectURL(url), 10_000)
}

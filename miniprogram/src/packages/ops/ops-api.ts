import Taro from '@tarojs/taro'
import { API_BASE, apiGet, apiPost } from '../../services/api'
import { sessionToken } from '../../services/session'
import type { OrderView } from '../../services/orders'

export interface QueueItem {
  id: string
  status: string
  alias: string
  gender: string
  ageRange: string
  topics: string[]
  identityVerified: boolean
  certificateClaim: boolean
  firstReviewerId: string | null
  submittedAt: string
}

export interface ApplicationDetail extends QueueItem {
  userId: string
  intro: string
  tags: string[]
  experience: string
  scenarioAnswer: string
  certificates: { id: string; mimeType: string; sizeBytes: number }[]
  voiceIntro: { id: string; mimeType: string; sizeBytes: number } | null
  identityCheckRef: string | null
  trainingPassed: boolean
  decidedById: string | null
  decisionReason: string | null
  decidedAt: string | null
  realName: string
  idNumber: string
}

export interface AuditEntry {
  id: string
  actorId: string | null
  action: string
  subjectType: string
  subjectId: string
  detail: unknown
  createdAt: string
}

export interface Page<T> {
  items: T[]
  nextCursor: string | null
}

export const fetchMe = () => apiGet<{ id: string; alias: string; roles: string[] }>('/api/me')
export const fetchQueue = (status?: string, cursor?: string) => apiGet<Page<QueueItem>>('/api/ops/vetting/applications', { status, cursor, limit: 20 })
export const fetchDetail = (id: string) => apiGet<ApplicationDetail>(`/api/ops/vetting/applications/${id}`)
export const approve = (id: string) => apiPost<ApplicationDetail>(`/api/ops/vetting/applications/${id}/approve`)
export const reject = (id: string, reason: string) => apiPost<ApplicationDetail>(`/api/ops/vetting/applications/${id}/reject`, { reason })
export const requestChanges = (id: string, reason: string) => apiPost<ApplicationDetail>(`/api/ops/vetting/applications/${id}/request-changes`, { reason })
export const reveal = (id: string, field: 'realName' | 'idNumber') => apiPost<{ field: string; value: string }>(`/api/ops/vetting/applications/${id}/sensitive`, { field })
export const fetchAudit = (q: { subjectType?: string; subjectId?: string; cursor?: string }) => apiGet<Page<AuditEntry>>('/api/ops/audit', { ...q, limit: 50 })

/** A stored file as a data URL (the upload route needs the session header, so no plain <img src>). */
export async function fileDataUrl(fileId: string, mimeType: string): Promise<string> {
  const token = sessionToken()
  const res = await Taro.request<ArrayBuffer>({
    url: `${API_BASE}/api/uploads/${fileId}`,
    method: 'GET',
    header: token ? { authorization: `Bearer ${token}` } : {},
    responseType: 'arraybuffer',
    dataType: '其他',
  })
  if (res.statusCode !== 200) throw new Error('文件读取失败')
  const bytes = new Uint8Array(res.data)
  let binary = ''
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000))
  return `data:${mimeType};base64,${btoa(binary)}`
}

// Orders (PRODUCT.md §3, §11): search, detail with refunds and ledger lines, manual refund, ledger check.
export type OpsOrder = OrderView
/** Refunds and ledger postings are shown as the server sends them (amounts in `…Fen` fields). */
export type OpsRecord = Record<string, unknown>
export interface OpsOrderDetail extends OrderView {
  refunds: OpsRecord[]
  ledger: OpsRecord[]
}
export interface LedgerCheck {
  ok: boolean
  [key: string]: unknown
}

export const fetchOrders = (q: { q?: string; status?: string; cursor?: string }) => apiGet<Page<OpsOrder>>('/api/ops/orders', { ...q, limit: 20 })
export const fetchOrder = (id: string) => apiGet<OpsOrderDetail>(`/api/ops/orders/${encodeURIComponent(id)}`)
export const refundOrder = (id: string, amountFen: number, reason: string) => apiPost<unknown>(`/api/ops/orders/${encodeURIComponent(id)}/refund`, { amountFen, reason })
export const checkLedger = () => apiGet<LedgerCheck>('/api/ops/ledger/check')

// Safety and feedback queues (PRODUCT.md §4, §10): crisis alerts, reports, disputes.
export interface OpsPerson {
  id: string
  alias: string
  avatarUrl: string
}

/** A crisis-lexicon hit: minimal facts (the matched term, never the message). */
export interface CrisisAlert {
  id: string
  status: 'OPEN' | 'HANDLED' | 'FALSE_POSITIVE'
  category: string
  term: string
  hits: number
  person: OpsPerson
  conversationId: string
  sessionId: string | null
  createdAt: string
  handledBy: OpsPerson | null
  handledAt: string | null
  note: string | null
}

export interface OpsReport {
  id: string
  sessionId: string
  status: 'OPEN' | 'ACTIONED' | 'DISMISSED'
  reason: string
  detail: string
  reporter: OpsPerson & { role: 'talker' | 'listener' }
  reported: OpsPerson
  createdAt: string
  resolution: string | null
  resolvedBy: OpsPerson | null
  resolvedAt: string | null
}

export interface OpsDispute {
  id: string
  sessionId: string
  status: 'OPEN' | 'DECIDED'
  decision: 'NONE' | 'PARTIAL' | 'FULL' | null
  refundFen: number | null
  createdAt: string
  reason: string
  note: string | null
  decidedBy: OpsPerson | null
  decidedAt: string | null
  talker: OpsPerson
  listener: OpsPerson
  order: { id: string; outTradeNo: string; status: string; totalFen: number; refundedFen: number; refundableFen: number }
  session: { serviceType: string; paidSeconds: number; usedSeconds: number | null; chargedFen: number | null; startedAt: string | null; endedAt: string | null; endReason: string | null }
}

export const fetchCrisisAlerts = (q: { status?: string; cursor?: string }) => apiGet<Page<CrisisAlert>>('/api/ops/crisis-alerts', { ...q, limit: 20 })
export const resolveCrisisAlert = (id: string, status: 'HANDLED' | 'FALSE_POSITIVE', note?: string) =>
  apiPost<CrisisAlert>(`/api/ops/crisis-alerts/${encodeURIComponent(id)}/resolve`, note ? { status, note } : { status })
export const fetchReports = (q: { status?: string; cursor?: string }) => apiGet<Page<OpsReport>>('/api/ops/reports', { ...q, limit: 20 })
export const resolveReport = (id: string, status: 'ACTIONED' | 'DISMISSED', resolution: string) =>
  apiPost<OpsReport>(`/api/ops/reports/${encodeURIComponent(id)}/resolve`, { status, resolution })
export const fetchDisputes = (q: { status?: string; cursor?: string }) => apiGet<Page<OpsDispute>>('/api/ops/disputes', { ...q, limit: 20 })
export const decideDispute = (id: string, body: { decision: 'NONE' | 'PARTIAL' | 'FULL'; refundFen?: number; note: string }) =>
  apiPost<OpsDispute>(`/api/ops/disputes/${encodeURIComponent(id)}/decide`, body)

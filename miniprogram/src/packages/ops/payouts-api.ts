import type { Page } from '@qingting/shared'
import { apiGet } from '../../services/api'
import type { PayoutStatus } from '../../services/earnings'
import type { OpsRecord } from './ops-api'

/** A withdrawal as finance sees it: the listener by id and alias, WeChat's bill numbers, never an openid. */
export interface OpsPayout {
  id: string
  listener: { id: string; alias: string; avatarUrl: string }
  amountFen: number
  status: PayoutStatus
  outBillNo: string
  transferBillNo: string | null
  failReason: string | null
  createdAt: string
  updatedAt: string
  finishedAt: string | null
}

export interface OpsPayoutDetail extends OpsPayout {
  ledger: OpsRecord[]
}

export const fetchPayouts = (q: { status?: string; listenerId?: string; cursor?: string }) => apiGet<Page<OpsPayout>>('/api/ops/payouts', { ...q, limit: 20 })
export const fetchPayout = (id: string) => apiGet<OpsPayoutDetail>(`/api/ops/payouts/${encodeURIComponent(id)}`)

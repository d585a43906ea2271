import type { Page } from '@qingting/shared'
import { apiGet, apiPost } from './api'

/** The listener's balances (fen), as `GET /api/earnings` reports them. */
export interface EarningsSummary {
  /** Inside the dispute window. */
  heldFen: number
  /** May be withdrawn now; negative when a refund after release is still to be taken back. */
  withdrawableFen: number
  /** Reserved for a withdrawal in flight. */
  pendingPayoutFen: number
  paidOutFen: number
  lifetimeFen: number
  /** The withdrawal rules: smallest withdrawal, most per day (China time). */
  payoutMinFen: number
  payoutDailyLimitFen: number
}

export type MovementKind = 'EARNING' | 'REFUND' | 'RELEASE' | 'PAYOUT' | 'PAYOUT_PAID' | 'PAYOUT_RETURNED'

/** One line of the earnings history: what one posting did to each balance (+ is more for the listener). */
export interface EarningMovement {
  id: string
  kind: MovementKind
  order: { id: string; kind: string } | null
  payoutId: string | null
  heldFen: number
  withdrawableFen: number
  pendingPayoutFen: number
  at: string
}

export type PayoutStatus = 'PENDING' | 'WAIT_USER_CONFIRM' | 'PROCESSING' | 'SUCCESS' | 'FAILED' | 'CANCELLED'

/** What `wx.requestMerchantTransfer` needs; with the WeChat simulator also where its confirmation lives. */
export interface TransferConfirm {
  mchId: string
  appId: string
  package: string
  simulatorUrl: string | null
}

export interface Payout {
  id: string
  amountFen: number
  status: PayoutStatus
  failReason: string | null
  createdAt: string
  finishedAt: string | null
  /** Present while the transfer waits for the listener to confirm it. */
  confirm: TransferConfirm | null
}

/** How a payout's state reads, for the listener and in the ops console. */
export const PAYOUT_STATUS_LABELS: Record<PayoutStatus, string> = {
  PENDING: '提交中',
  WAIT_USER_CONFIRM: '待确认收款',
  PROCESSING: '到账处理中',
  SUCCESS: '已到账',
  FAILED: '提现失败，已退回',
  CANCELLED: '已取消，已退回',
}

export const HISTORY_PAGE_SIZE = 20
const enc = encodeURIComponent

export const fetchEarnings = () => apiGet<EarningsSummary>('/api/earnings')
export const fetchEarningHistory = (cursor?: string | null) =>
  apiGet<Page<EarningMovement>>('/api/earnings/history', { limit: HISTORY_PAGE_SIZE, ...(cursor ? { cursor } : {}) })
export const fetchPayouts = (limit = 5) => apiGet<Page<Payout>>('/api/payouts', { limit })
export const requestPayout = (amountFen: number) => apiPost<Payout>('/api/payouts', { amountFen })
export const syncPayout = (id: string) => apiPost<Payout>(`/api/payouts/${enc(id)}/sync`)

/** The first payout still open (at most one exists), if any. */
export function openPayout(payouts: readonly Payout[]): Payout | null {
  return payouts.find((p) => p.status === 'PENDING' || p.status === 'WAIT_USER_CONFIRM' || p.status === 'PROCESSING') ?? null
}

import type { Page, ServiceType } from '@qingting/shared'
import { apiGet, apiPost, apiRequest } from './api'

/** Order states (PRODUCT.md §3). */
export type OrderStatus =
  | 'PENDING_PAYMENT'
  | 'PAID'
  | 'ACCEPTED'
  | 'IN_SESSION'
  | 'COMPLETED'
  | 'SETTLED'
  | 'CLOSED'
  | 'REFUNDING'
  | 'REFUNDED'
  | 'PARTIALLY_REFUNDED'
  | 'DISPUTED'

export interface OrderTransition {
  from: OrderStatus | null
  to: OrderStatus
  reason: string | null
  at: string
}

/** An order as the server shows it to the talker or the listener (amounts in fen, computed on the server). */
export interface OrderView {
  id: string
  outTradeNo?: string
  kind: 'SESSION' | 'PACKAGE' | 'EXTENSION' | 'GIFT' | 'GROUP_MEMBERSHIP'
  /** A SESSION order paid with minutes of a topic package (nothing paid at WeChat Pay). */
  paidWithPackage?: boolean
  /** GROUP_MEMBERSHIP orders: the days bought. */
  termDays?: number | null
  status: OrderStatus
  serviceType: ServiceType
  topic: string | null
  units: number
  minutes: number
  unitPriceFen: number
  subtotalFen: number
  pointsDiscountFen: number
  totalFen: number
  refundedFen: number
  payBy: string
  acceptBy: string | null
  paidAt: string | null
  acceptedAt: string | null
  createdAt: string
  listener: { id: string; alias: string; avatarUrl: string }
  talker: { alias: string; avatarUrl: string }
  myRole: 'talker' | 'listener'
  transitions?: OrderTransition[]
}

export interface TopicPackage {
  id: string
  topic: string
  serviceType: ServiceType
  minutes: number
  priceFen: number
}

/** My minutes balance from a topic package bought from one listener. */
export interface PackageBalance {
  id: string
  /** The PACKAGE order that bought it. */
  orderId: string
  listenerId: string
  serviceType: ServiceType
  topic: string | null
  minutesTotal: number
  minutesLeft: number
  expiresAt: string
  /** Spendable now: the listener accepted it, it has not expired, minutes are left. */
  usable: boolean
}

/**
 * What "去支付" creates: a session (service type × units), a topic package, or a session paid
 * with minutes of a package bought earlier (`balanceId`). Never a price.
 */
export type CreateOrderInput =
  | { listenerId: string; serviceType: ServiceType; units: number; topic?: string; balanceId?: string }
  | { listenerId: string; serviceType: ServiceType; packageId: string; topic?: string }

/** What the server hands the client to pay with. */
export interface PayParams {
  requestPayment: { timeStamp: string; nonceStr: string; package: string; signType: 'RSA' | 'MD5' | 'HMAC-SHA256'; paySign: string }
  cashierUrl: string | null
}

export const ORDER_PAGE_SIZE = 20
const enc = encodeURIComponent

/**
 * Create and prepay in one call; `returnUrl` (h5) may hold ORDER_ID_PLACEHOLDER for the new id.
 * `payment` is null for an order paid with package minutes.
 */
export const checkoutOrder = (input: CreateOrderInput, returnUrl?: string) =>
  apiPost<{ order: OrderView; payment: PayParams | null }>('/api/orders/checkout', returnUrl ? { ...input, returnUrl } : input)
export const fetchPayParams = (id: string, returnUrl?: string) => apiPost<PayParams>(`/api/orders/${enc(id)}/pay`, returnUrl ? { returnUrl } : {})
export const syncOrder = (id: string) => apiPost<OrderView>(`/api/orders/${enc(id)}/sync`)
export const cancelOrder = (id: string, reason?: string) => apiPost<OrderView>(`/api/orders/${enc(id)}/cancel`, reason ? { reason } : {})
export const acceptOrder = (id: string) => apiPost<OrderView>(`/api/orders/${enc(id)}/accept`)
export const declineOrder = (id: string, reason: string) => apiPost<OrderView>(`/api/orders/${enc(id)}/decline`, { reason })
export const fetchOrder = (id: string) => apiGet<OrderView>(`/api/orders/${enc(id)}`)
export const fetchOrders = (q: { role: 'talker' | 'listener'; status?: OrderStatus; cursor?: string | null; limit?: number }) =>
  apiGet<Page<OrderView>>('/api/orders', { role: q.role, status: q.status, cursor: q.cursor, limit: q.limit ?? ORDER_PAGE_SIZE })
export const fetchPackages = (listenerId: string) => apiGet<TopicPackage[]>(`/api/listeners/${enc(listenerId)}/packages`)
export const fetchPackageBalances = (listenerId?: string) => apiGet<PackageBalance[]>('/api/orders/packages', { listenerId })

/** The listener's own topic packages on sale (workbench). */
export const fetchMyPackages = () => apiGet<TopicPackage[]>('/api/workbench/packages')
export const offerPackage = (body: { topic: string; serviceType: ServiceType; minutes: number; priceFen: number }) => apiPost<TopicPackage>('/api/workbench/packages', body)
export const takePackageOffSale = (id: string) => apiRequest<void>(`/api/workbench/packages/${enc(id)}`, { method: 'DELETE' })

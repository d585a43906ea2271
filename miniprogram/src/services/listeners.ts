import type {
  Gender,
  ListenerCard,
  ListenerProfileView,
  ListenerSort,
  Page,
  PriceUpdate,
  ReviewItem,
  ServiceType,
  Topic,
  WorkbenchView,
  WorkingHoursEntry,
} from '@qingting/shared'
import { apiGet, apiRequest } from './api'
import { toQueryString, type QueryValue } from './url'

export const LISTENER_PAGE_SIZE = 20
export const REVIEW_PAGE_SIZE = 10

/** What the home list is filtered by: `topic: null` means 全部; absent fields are not filtered. */
export interface ListenerFilter {
  topic: Topic | null
  sort?: ListenerSort
  q?: string
  serviceType?: ServiceType
  priceMin?: number
  priceMax?: number
  gender?: Gender
  onlineNow?: boolean
  certified?: boolean
  ratingMin?: number
}

/**
 * Query parameters for GET /api/listeners, in a stable order: limit, topic, the other filters,
 * cursor last. The default sort, an empty keyword and "off" switches are left out.
 */
export function listenerQuery(filter: ListenerFilter, cursor: string | null = null, limit = LISTENER_PAGE_SIZE): Record<string, QueryValue> {
  const q = filter.q?.trim()
  return {
    limit,
    topic: filter.topic,
    sort: filter.sort && filter.sort !== 'recommended' ? filter.sort : undefined,
    q: q ? q.slice(0, 30) : undefined,
    serviceType: filter.serviceType,
    priceMin: filter.priceMin,
    priceMax: filter.priceMax,
    gender: filter.gender,
    onlineNow: filter.onlineNow ? true : undefined,
    certified: filter.certified ? true : undefined,
    ratingMin: filter.ratingMin,
    cursor,
  }
}

/** e.g. `limit=20&topic=CAREER&cursor=abc` */
export function listenerQueryString(filter: ListenerFilter, cursor: string | null = null, limit = LISTENER_PAGE_SIZE): string {
  return toQueryString(listenerQuery(filter, cursor, limit))
}

export function fetchListenerPage(filter: ListenerFilter, cursor: string | null = null): Promise<Page<ListenerCard>> {
  return apiGet<Page<ListenerCard>>('/api/listeners', listenerQuery(filter, cursor))
}

export function fetchListenerProfile(id: string): Promise<ListenerProfileView> {
  return apiGet<ListenerProfileView>(`/api/listeners/${encodeURIComponent(id)}`)
}

export function fetchReviews(id: string, cursor: string | null = null): Promise<Page<ReviewItem>> {
  return apiGet<Page<ReviewItem>>(`/api/listeners/${encodeURIComponent(id)}/reviews`, { limit: REVIEW_PAGE_SIZE, cursor })
}

// Workbench (listeners only)
export function fetchWorkbench(): Promise<WorkbenchView> {
  return apiGet<WorkbenchView>('/api/workbench')
}

export function setOnline(online: boolean): Promise<WorkbenchView> {
  return apiRequest<WorkbenchView>('/api/workbench/online', { method: 'PUT', data: { online } })
}

export function sendHeartbeat(): Promise<{ online: boolean; present: boolean; ttlSeconds: number; nextInSeconds: number }> {
  return apiRequest('/api/workbench/heartbeat', { method: 'POST', data: {} })
}

export function saveWorkingHours(hours: WorkingHoursEntry[]): Promise<WorkbenchView> {
  return apiRequest<WorkbenchView>('/api/workbench/hours', { method: 'PUT', data: { hours } })
}

export function savePrices(prices: PriceUpdate): Promise<WorkbenchView> {
  return apiRequest<WorkbenchView>('/api/workbench/prices', { method: 'PUT', data: prices })
}

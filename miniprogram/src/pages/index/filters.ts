import type { Gender, ListenerSort, ServiceType } from '@qingting/shared'
import type { ListenerFilter } from '../../services/listeners'

/** The home page's filter panel and sort selector, as plain data (tested without Taro). */
export const SORT_OPTIONS: { value: ListenerSort; label: string }[] = [
  { value: 'recommended', label: '推荐' },
  { value: 'price', label: '价格' },
  { value: 'rating', label: '评分' },
  { value: 'minutes', label: '服务时长' },
]

export const SERVICE_OPTIONS: { value: ServiceType | null; label: string }[] = [
  { value: null, label: '不限' },
  { value: 'TEXT', label: '文字' },
  { value: 'VOICE', label: '语音' },
]

export const GENDER_OPTIONS: { value: Gender | null; label: string }[] = [
  { value: null, label: '不限' },
  { value: 'FEMALE', label: '女' },
  { value: 'MALE', label: '男' },
]

/** Price per 15 minutes, in fen. */
export const PRICE_RANGES: { key: string; label: string; min?: number; max?: number }[] = [
  { key: 'any', label: '不限' },
  { key: 'lt20', label: '¥20 以下', max: 1999 },
  { key: '20to40', label: '¥20–40', min: 2000, max: 4000 },
  { key: 'gt40', label: '¥40 以上', min: 4001 },
]

/** Everything in the panel except topic, sort and keyword. */
export interface PanelFilter {
  serviceType: ServiceType | null
  priceRange: string
  gender: Gender | null
  onlineNow: boolean
  certified: boolean
  highRating: boolean
}

export const EMPTY_PANEL: PanelFilter = { serviceType: null, priceRange: 'any', gender: null, onlineNow: false, certified: false, highRating: false }

export const HIGH_RATING = 4.5

/** Panel + sort + keyword → the fields of ListenerFilter (topic is set by the chips). */
export function toListenerFilter(panel: PanelFilter, sort: ListenerSort, q: string): Omit<ListenerFilter, 'topic'> {
  const range = PRICE_RANGES.find((r) => r.key === panel.priceRange)
  const keyword = q.trim()
  return {
    sort,
    q: keyword ? keyword : undefined,
    serviceType: panel.serviceType ?? undefined,
    priceMin: range?.min,
    priceMax: range?.max,
    gender: panel.gender ?? undefined,
    onlineNow: panel.onlineNow || undefined,
    certified: panel.certified || undefined,
    ratingMin: panel.highRating ? HIGH_RATING : undefined,
  }
}

/** How many panel filters are on (shown as 筛选(2)). */
export function activeFilterCount(panel: PanelFilter): number {
  return [panel.serviceType !== null, panel.priceRange !== 'any', panel.gender !== null, panel.onlineNow, panel.certified, panel.highRating].filter(Boolean).length
}

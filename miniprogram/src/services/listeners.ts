import type { ListenerCard, Page, Topic } from '@qingting/shared'
import { apiGet } from './api'
import { toQueryString, type QueryValue } from './url'

export const LISTENER_PAGE_SIZE = 20

/** What the home list is filtered by: `topic: null` means 全部. */
export interface ListenerFilter {
  topic: Topic | null
}

/** Query parameters for GET /api/listeners, in a stable order: limit, topic, cursor. */
export function listenerQuery(filter: ListenerFilter, cursor: string | null = null, limit = LISTENER_PAGE_SIZE): Record<string, QueryValue> {
  return { limit, topic: filter.topic, cursor }
}

/** e.g. `limit=20&topic=CAREER&cursor=abc` */
export function listenerQueryString(filter: ListenerFilter, cursor: string | null = null, limit = LISTENER_PAGE_SIZE): string {
  return toQueryString(listenerQuery(filter, cursor, limit))
}

export function fetchListenerPage(filter: ListenerFilter, cursor: string | null = null): Promise<Page<ListenerCard>> {
  return apiGet<Page<ListenerCard>>('/api/listeners', listenerQuery(filter, cursor))
}

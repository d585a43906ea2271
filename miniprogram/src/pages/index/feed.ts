import type { ListenerCard, Page, Topic } from '@qingting/shared'
import type { ListenerFilter } from '../../services/listeners'

/** Everything the list is filtered and sorted by besides the topic chip. */
export type FeedOptions = Omit<ListenerFilter, 'topic'>

/**
 * The home list as a pure state machine, so paging, topic switches and stale responses are testable
 * without Taro. A response is applied only if it answers the latest request (`requestSeq`).
 */
export type FeedStatus =
  | 'loading' // first page in flight, list empty
  | 'ready' // idle, list shown (possibly empty)
  | 'loadingMore' // next page in flight
  | 'error' // first page failed
  | 'errorMore' // a next page failed; the loaded items stay

export interface FeedState {
  topic: Topic | null
  options: FeedOptions
  items: ListenerCard[]
  nextCursor: string | null
  status: FeedStatus
  requestSeq: number
  errorMessage: string | null
}

export type FeedAction =
  /** `options` absent: keep the current sort, keyword and filters. */
  | { type: 'reload'; topic: Topic | null; seq: number; options?: FeedOptions }
  | { type: 'loadMore'; seq: number }
  | { type: 'loaded'; seq: number; page: Page<ListenerCard> }
  | { type: 'failed'; seq: number; message: string }

export const initialFeed: FeedState = {
  topic: null,
  options: {},
  items: [],
  nextCursor: null,
  status: 'loading',
  requestSeq: 0,
  errorMessage: null,
}

export function feedReducer(state: FeedState, action: FeedAction): FeedState {
  switch (action.type) {
    case 'reload':
      return { ...state, topic: action.topic, options: action.options ?? state.options, items: [], nextCursor: null, status: 'loading', requestSeq: action.seq, errorMessage: null }
    case 'loadMore':
      if (!canLoadMore(state)) return state
      return { ...state, status: 'loadingMore', requestSeq: action.seq, errorMessage: null }
    case 'loaded': {
      if (action.seq !== state.requestSeq) return state
      const seen = new Set(state.items.map((l) => l.id))
      const fresh = action.page.items.filter((l) => !seen.has(l.id))
      return { ...state, items: [...state.items, ...fresh], nextCursor: action.page.nextCursor, status: 'ready', errorMessage: null }
    }
    case 'failed':
      if (action.seq !== state.requestSeq) return state
      return { ...state, status: state.status === 'loadingMore' ? 'errorMore' : 'error', errorMessage: action.message }
    default:
      return state
  }
}

/** More pages exist and nothing is in flight (a failed next page may be retried). */
export function canLoadMore(state: FeedState): boolean {
  return state.nextCursor !== null && (state.status === 'ready' || state.status === 'errorMore')
}

/** The cursor to send with the request that `state` is waiting for. */
export function cursorFor(state: FeedState): string | null {
  return state.status === 'loadingMore' ? state.nextCursor : null
}

/** The filter of the request `state` is waiting for. */
export function filterFor(state: FeedState): ListenerFilter {
  return { topic: state.topic, ...state.options }
}

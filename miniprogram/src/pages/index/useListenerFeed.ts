import { useCallback, useEffect, useReducer, useRef } from 'react'
import type { Topic } from '@qingting/shared'
import { fetchListenerPage } from '../../services/listeners'
import { canLoadMore, cursorFor, feedReducer, filterFor, initialFeed, type FeedOptions } from './feed'

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err)
}

/** Drives the home list: first page, topic/filter/sort/keyword switches, next pages, retries. */
export function useListenerFeed() {
  const [state, dispatch] = useReducer(feedReducer, initialFeed)
  const seq = useRef(0)
  // Page events (onReachBottom) may keep the first callback they were given: read state via a ref.
  const latest = useRef(state)
  latest.current = state

  // One fetch per started request: `requestSeq` changes exactly when reload/loadMore starts one.
  useEffect(() => {
    if (state.status !== 'loading' && state.status !== 'loadingMore') return
    const mySeq = state.requestSeq
    fetchListenerPage(filterFor(state), cursorFor(state)).then(
      (page) => dispatch({ type: 'loaded', seq: mySeq, page }),
      (err) => dispatch({ type: 'failed', seq: mySeq, message: errorMessage(err) }),
    )
  }, [state.requestSeq])

  /** New topic, and optionally new sort/keyword/filters (absent: keep them). */
  const reload = useCallback((topic: Topic | null, options?: FeedOptions) => {
    seq.current += 1
    dispatch({ type: 'reload', topic, seq: seq.current, options })
  }, [])

  const loadMore = useCallback(() => {
    if (!canLoadMore(latest.current)) return
    seq.current += 1
    dispatch({ type: 'loadMore', seq: seq.current })
  }, [])

  return { state, reload, loadMore }
}

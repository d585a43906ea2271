import { useCallback, useRef, useState } from 'react'
import { errorMessage } from '../../services/api'
import { fetchOrders, type OrderStatus, type OrderView } from '../../services/orders'
import { appendUnique } from '../../utils/orders'
import type { OrderListState } from './OrderList'

/** Cursor pages of GET /api/orders for one role: `reload()` from the top, `more()` on reach-bottom. */
export function useOrderPages(role: 'talker' | 'listener', status?: OrderStatus) {
  const [items, setItems] = useState<OrderView[]>([])
  const [state, setState] = useState<OrderListState>('loading')
  const [error, setError] = useState<string | undefined>(undefined)
  const cursor = useRef<string | null>(null)
  const busy = useRef(false)
  const generation = useRef(0)

  const load = useCallback(
    async (fromTop: boolean) => {
      if (busy.current && !fromTop) return
      if (!fromTop && !cursor.current) return
      const gen = fromTop ? ++generation.current : generation.current
      busy.current = true
      setState('loading')
      try {
        const page = await fetchOrders({ role, status, cursor: fromTop ? null : cursor.current })
        if (gen !== generation.current) return
        cursor.current = page.nextCursor
        setItems((prev) => (fromTop ? page.items : appendUnique(prev, page.items)))
        setState('ready')
      } catch (err) {
        if (gen !== generation.current) return
        setError(errorMessage(err))
        setState('error')
      } finally {
        if (gen === generation.current) busy.current = false
      }
    },
    [role, status],
  )

  return {
    items,
    state,
    error,
    hasMore: cursor.current !== null,
    reload: () => load(true),
    more: () => load(false),
    retry: () => load(items.length === 0),
  }
}

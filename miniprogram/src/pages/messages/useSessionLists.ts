import { useRef, useState } from 'react'
import type { SessionView } from '@qingting/shared'
import { errorMessage } from '../../services/api'
import { fetchSessions } from '../../services/sessions'
import { appendUnique } from '../../utils/orders'

/**
 * My sessions for the 消息 tab: every active one (waiting or in progress), and past ones by
 * cursor page. `skewMs` is the server's clock minus this device's, from the views' `serverTime`,
 * so the countdowns do not trust the phone's clock.
 */
export function useSessionLists() {
  const [active, setActive] = useState<SessionView[]>([])
  const [past, setPast] = useState<SessionView[]>([])
  const [pastCursor, setPastCursor] = useState<string | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [skewMs, setSkewMs] = useState(0)
  const generation = useRef(0)

  const noteSkew = (items: SessionView[]) => {
    const t = items.length > 0 ? Date.parse(items[0].serverTime) : NaN
    if (Number.isFinite(t)) setSkewMs(t - Date.now())
  }

  async function reload() {
    const gen = ++generation.current
    try {
      const [a, p] = await Promise.all([fetchSessions('active', null, 50), fetchSessions('past')])
      if (gen !== generation.current) return
      noteSkew(a.items)
      setActive(a.items)
      setPast(p.items)
      setPastCursor(p.nextCursor)
      setError(null)
    } catch (err) {
      if (gen === generation.current) setError(errorMessage(err))
    }
  }

  async function morePast() {
    if (!pastCursor) return
    const gen = generation.current
    try {
      const p = await fetchSessions('past', pastCursor)
      if (gen !== generation.current) return
      setPast((prev) => appendUnique(prev, p.items))
      setPastCursor(p.nextCursor)
    } catch (err) {
      setError(errorMessage(err))
    }
  }

  return { active, past, hasMorePast: pastCursor !== null, error, skewMs, reload, morePast }
}

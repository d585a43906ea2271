import { useEffect, useState } from 'react'
import { errorMessage } from '../../services/api'

/** What the console shows for a failed call. */
/**
 * A cursor-paged console list: `load()` reads the first page again (with the filters `fetchPage`
 * closes over now), `load(true)` appends the next one; read again whenever `deps` change. A throw
 * from `fetchPage` (a refused filter, a failed call) is shown as the list's error.
 */
export function usePagedList<T extends { id: string }>(fetchPage: (cursor: string | undefined) => Promise<{ items: T[]; nextCursor: string | null }>, deps: unknown[]) {
  const [items, setItems] = useState<T[] | null>(null)
  const [cursor, setCursor] = useState<string | null>(null)
  const [error, setError] = useState<string | null>(null)

  async function load(more = false) {
    try {
      if (!more) setItems(null)
      const page = await fetchPage(more ? cursor ?? undefined : undefined)
      setItems((prev) => (more && prev ? [...prev, ...page.items] : page.items))
      setCursor(page.nextCursor)
      setError(null)
    } catch (err) {
      setError(errorMessage(err))
    }
  }
  // eslint-disable-next-line react-hooks/exhaustive-deps
  useEffect(() => void load(), deps)
  /** An item changed by a decision, replaced where it stands. */
  const replace = (item: T) => setItems((prev) => prev?.map((x) => (x.id === item.id ? item : x)) ?? null)
  return { items, cursor, error, load, replace }
}

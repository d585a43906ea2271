export type QueryValue = string | number | boolean | null | undefined

/** Encodes a query object in key order, skipping null, undefined and empty-string values. */
export function toQueryString(query: Record<string, QueryValue>): string {
  const parts: string[] = []
  for (const [key, value] of Object.entries(query)) {
    if (value === null || value === undefined || value === '') continue
    parts.push(`${encodeURIComponent(key)}=${encodeURIComponent(String(value))}`)
  }
  return parts.join('&')
}

/** Joins a base URL and an absolute path without doubling or dropping the slash. */
export function joinUrl(base: string, path: string, query?: Record<string, QueryValue>): string {
  const url = `${base.replace(/\/+$/, '')}/${path.replace(/^\/+/, '')}`
  const qs = query ? toQueryString(query) : ''
  if (!qs) return url
  return `${url}${url.includes('?') ? '&' : '?'}${qs}`
}

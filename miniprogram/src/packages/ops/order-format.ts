import { formatFen } from '@qingting/shared'
import type { OpsRecord } from './ops-api'

/** `2025-01-02T03:04:05.000Z` → `2025-01-02 03:04:05` (the console shows UTC as stored). */
export const when = (iso: string | null | undefined) => (iso ? iso.replace('T', ' ').slice(0, 19) : '')

/** One refund or ledger record, whatever its fields: `…Fen` as money, ISO times shortened. */
export function recordCells(r: OpsRecord): { key: string; text: string }[] {
  return Object.entries(r)
    .filter(([, v]) => v !== null && v !== undefined && typeof v !== 'object')
    .map(([key, v]) => ({
      key,
      text: /Fen$/.test(key) && typeof v === 'number' && Number.isInteger(v) ? formatFen(v) : typeof v === 'string' && /^\d{4}-\d\d-\d\dT/.test(v) ? when(v) : String(v),
    }))
}

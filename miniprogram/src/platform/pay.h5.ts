import { fetchPayParams, type PayParams } from '../services/orders'
import type { PayOutcome } from './pay'

/**
 * H5 (browser, end-to-end tests): there is no `wx.requestPayment`. The server's prepay comes with
 * the WeChat simulator's cashier URL; the browser goes there, the person clicks 确认支付 or 取消,
 * and the cashier redirects back to `returnUrl` with `result=success|cancel|fail` appended. The
 * detail page then calls `POST /api/orders/:id/sync` (see takePayReturn).
 */
export const DETAIL_PATH = '/packages/order/detail/index'

type Loc = { origin: string; pathname: string; search: string; hash: string; href: string }
const win = () => (globalThis as { window?: { location: Loc; history?: { replaceState(data: unknown, unused: string, url?: string): void } } }).window

export async function pay(orderId: string, returnUrl: string): Promise<PayOutcome> {
  return payWith(orderId, await fetchPayParams(orderId, returnUrl))
}

export async function payWith(_orderId: string, { cashierUrl }: PayParams): Promise<PayOutcome> {
  if (!cashierUrl) throw new Error('当前环境无法发起支付')
  const w = win()
  if (!w) throw new Error('当前环境无法发起支付')
  w.location.href = cashierUrl
  return 'redirected'
}

/** This app's detail page for the order, as an absolute URL (hash routing). */
export function payReturnUrl(orderId: string): string {
  const loc = win()?.location
  const base = loc ? `${loc.origin}${loc.pathname}` : ''
  return `${base}#${DETAIL_PATH}?id=${encodeURIComponent(orderId)}`
}

const RESULTS = ['success', 'cancel', 'fail'] as const
type Result = (typeof RESULTS)[number]

/**
 * The simulator appends `result` with URL.searchParams, so with hash routing it lands in the
 * real query string (before `#`), which Taro's router does not read: look there first, then in
 * the page params, and strip it from the address so a reload does not sync again.
 */
export function takePayReturn(params: Record<string, string | undefined>): { result: Result; message?: string } | null {
  const w = win()
  let result: string | undefined
  let message: string | undefined
  if (w && w.location.search) {
    const q = new URLSearchParams(w.location.search)
    if (q.has('result')) {
      result = q.get('result') ?? undefined
      message = q.get('message') ?? undefined
      q.delete('result')
      q.delete('message')
      const rest = q.toString()
      w.history?.replaceState(null, '', `${w.location.pathname}${rest ? `?${rest}` : ''}${w.location.hash}`)
    }
  }
  if (!result && params.result) {
    result = params.result
    message = params.message ? decodeURIComponent(params.message) : undefined
  }
  if (!result || !(RESULTS as readonly string[]).includes(result)) return null
  return { result: result as Result, message }
}

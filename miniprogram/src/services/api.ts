import Taro from '@tarojs/taro'
import { ApiError, isSuccessStatus, networkError, toApiError } from './api-error'
import { joinUrl, type QueryValue } from './url'
import { saveSessionToken, sessionToken } from './session'
import { getLoginCode } from '../platform/login'

export { ApiError, errorMessage } from './api-error'

/** Baked in at build time from TARO_APP_API_BASE (see config/index.ts); '' means this page's own origin. */
export const API_BASE: string = process.env.TARO_APP_API_BASE ?? 'http://localhost:3000'

/** A server-relative asset path (e.g. an avatar `/api/avatars/…`) as a URL the platform can load. */
export function assetUrl(pathOrUrl: string): string {
  return pathOrUrl.startsWith('/') ? `${API_BASE.replace(/\/+$/, '')}${pathOrUrl}` : pathOrUrl
}

/** What Taro.request can hand back as a body. */
type RawBody = string | Record<string, unknown> | ArrayBuffer

export interface ApiRequestOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'
  query?: Record<string, QueryValue>
  data?: unknown
  headers?: Record<string, string>
  /** Milliseconds; Taro's default is 60 s, which is too long to leave a user waiting. */
  timeout?: number
  /** Do not log in and retry on 401 (the login call itself). */
  noLoginRetry?: boolean
}

/**
 * The one way the app talks to the server. Resolves with the parsed JSON body of a 2xx response;
 * rejects with ApiError carrying the server's `{ code, message }` otherwise.
 */
export async function apiRequest<T>(path: string, options: ApiRequestOptions = {}): Promise<T> {
  try {
    return await send<T>(path, options)
  } catch (err) {
    // An expired or missing session on a route that needs one: log in once, then retry.
    if (err instanceof ApiError && (err.code === 'auth/session_expired' || err.code === 'auth/login_required') && !options.noLoginRetry) {
      await login()
      return send<T>(path, options)
    }
    throw err
  }
}

let loginInFlight: Promise<void> | null = null

/**
 * wx.login (or the h5 dev code) → POST /api/auth/login → the session token kept in storage.
 * Single-flight: a page's parallel requests that all meet a 401 share one login, because a login
 * code is good for one login only (the second would fail and, say, hide a role's buttons).
 */
export function login(): Promise<void> {
  loginInFlight ??= (async () => {
    saveSessionToken(null)
    const code = await getLoginCode()
    const session = await send<{ token: string }>('/api/auth/login', { method: 'POST', data: { code }, noLoginRetry: true })
    saveSessionToken(session.token)
  })().finally(() => {
    loginInFlight = null
  })
  return loginInFlight
}

async function send<T>(path: string, options: ApiRequestOptions): Promise<T> {
  const { method = 'GET', query, data, headers, timeout = 15000 } = options
  const token = sessionToken()
  const auth: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {}
  let res: Taro.request.SuccessCallbackResult<RawBody>
  try {
    res = await Taro.request<RawBody>({
      url: joinUrl(API_BASE, path, query),
      method,
      data: data as Taro.request.Option['data'],
      // No content-type on body-less requests: keeps h5 GETs "simple" (no CORS preflight).
      header: data === undefined ? { ...auth, ...headers } : { 'content-type': 'application/json', ...auth, ...headers },
      dataType: 'json',
      timeout,
    })
  } catch (err) {
    if (err instanceof ApiError) throw err
    const errMsg = typeof err === 'object' && err !== null && 'errMsg' in err ? String((err as { errMsg: unknown }).errMsg) : undefined
    throw networkError(errMsg ?? (err instanceof Error ? err.message : undefined))
  }
  if (!isSuccessStatus(res.statusCode)) {
    throw toApiError(res.statusCode, res.data)
  }
  return res.data as T
}

export function apiGet<T>(path: string, query?: Record<string, QueryValue>): Promise<T> {
  return apiRequest<T>(path, { method: 'GET', query })
}

export function apiPost<T>(path: string, data: unknown = {}): Promise<T> {
  return apiRequest<T>(path, { method: 'POST', data })
}

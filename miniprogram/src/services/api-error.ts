import type { ErrorBody } from '@qingting/shared'

/** Codes the client produces itself, when there is no server error body to read. */
export const CLIENT_ERROR_CODES = {
  /** The request never got an HTTP response (offline, DNS, refused, timeout). */
  network: 'client/network_error',
  /** A non-2xx response whose body is not the standard `{ code, message }` shape. */
  badResponse: 'client/bad_response',
} as const

/** Any failed API call: `code` is the server's namespaced code (or a client/* code), `message` is for people. */
export class ApiError extends Error {
  readonly code: string
  readonly status: number | null
  readonly details?: ErrorBody['details']
  readonly requestId?: string

  constructor(code: string, message: string, status: number | null, extra: Pick<ErrorBody, 'details' | 'requestId'> = {}) {
    super(message)
    this.name = 'ApiError'
    this.code = code
    this.status = status
    this.details = extra.details
    this.requestId = extra.requestId
    Object.setPrototypeOf(this, ApiError.prototype)
  }
}

export function isErrorBody(data: unknown): data is ErrorBody {
  if (typeof data !== 'object' || data === null) return false
  const d = data as Record<string, unknown>
  return typeof d.code === 'string' && typeof d.message === 'string'
}

/** Turns a non-2xx response into an ApiError, keeping the server's code and message when it sent them. */
export function toApiError(status: number, data: unknown): ApiError {
  let body: unknown = data
  if (typeof body === 'string') {
    try {
      body = JSON.parse(body)
    } catch {
      // not JSON: fall through to the generic error
    }
  }
  if (isErrorBody(body)) {
    return new ApiError(body.code, body.message, status, { details: body.details, requestId: body.requestId })
  }
  return new ApiError(CLIENT_ERROR_CODES.badResponse, `服务器错误（${status}）`, status)
}

/** The request failed before any HTTP status arrived. */
export function networkError(errMsg?: string): ApiError {
  return new ApiError(CLIENT_ERROR_CODES.network, errMsg ? `网络连接失败：${errMsg}` : '网络连接失败', null)
}

export function isSuccessStatus(status: number): boolean {
  return status >= 200 && status < 300
}

/** What a page shows for a failed call: the server's message (or ours), or a generic one for anything else thrown. */
export function errorMessage(err: unknown): string {
  return err instanceof ApiError || err instanceof Error ? err.message : '网络异常，请稍后再试'
}

import fakeTaro, { fakeStorage } from './fakes/taro'
import { API_BASE, ApiError, apiGet, apiRequest, assetUrl } from '../src/services/api'
import { CLIENT_ERROR_CODES, toApiError } from '../src/services/api-error'
import { fetchListenerPage } from '../src/services/listeners'

describe('toApiError', () => {
  it('keeps the server code, message, details and request id', () => {
    const err = toApiError(422, {
      code: 'order/price_out_of_bounds',
      message: '价格超出范围',
      details: [{ field: 'price', problem: 'too high' }],
      requestId: 'req-1',
    })
    expect(err).toBeInstanceOf(ApiError)
    expect(err).toBeInstanceOf(Error)
    expect(err.code).toBe('order/price_out_of_bounds')
    expect(err.message).toBe('价格超出范围')
    expect(err.status).toBe(422)
    expect(err.details).toEqual([{ field: 'price', problem: 'too high' }])
    expect(err.requestId).toBe('req-1')
  })

  it('parses a JSON string body (some platforms hand back text)', () => {
    const err = toApiError(404, '{"code":"listener/not_found","message":"倾听者不存在"}')
    expect(err.code).toBe('listener/not_found')
    expect(err.message).toBe('倾听者不存在')
  })

  it('falls back to a client code when the body is not {code,message}', () => {
    for (const body of ['<html>Bad Gateway</html>', null, { error: 'x' }, { code: 1, message: 'x' }]) {
      const err = toApiError(502, body)
      expect(err.code).toBe(CLIENT_ERROR_CODES.badResponse)
      expect(err.status).toBe(502)
      expect(err.message).toBe('服务器错误（502）')
    }
  })
})

describe('apiRequest (Taro.request wrapper)', () => {
  it('resolves with the body of a 2xx response and builds the URL from base, path and query', async () => {
    fakeTaro.request.mockResolvedValueOnce({ statusCode: 200, data: { items: [], nextCursor: null } })
    await expect(apiGet('/api/listeners', { limit: 20, topic: null })).resolves.toEqual({ items: [], nextCursor: null })
    expect(fakeTaro.request).toHaveBeenCalledTimes(1)
    const opt = fakeTaro.request.mock.calls[0][0]
    expect(opt.url).toBe(`${API_BASE}/api/listeners?limit=20`)
    expect(opt.method).toBe('GET')
    expect(opt.header).toEqual({}) // no content-type on GET: no CORS preflight on h5
  })

  it('sends JSON bodies with a content-type', async () => {
    fakeTaro.request.mockResolvedValueOnce({ statusCode: 201, data: { id: 'o1' } })
    await expect(apiRequest('/api/orders', { method: 'POST', data: { listenerId: 'l1' } })).resolves.toEqual({ id: 'o1' })
    const opt = fakeTaro.request.mock.calls[0][0]
    expect(opt.header).toEqual({ 'content-type': 'application/json' })
    expect(opt.data).toEqual({ listenerId: 'l1' })
  })

  it('throws ApiError with the server code and message on a non-2xx response', async () => {
    fakeTaro.request.mockResolvedValueOnce({ statusCode: 404, data: { code: 'listener/not_found', message: '找不到这位倾听者' } })
    const err = await apiGet('/api/listeners/x').catch((e: unknown) => e)
    expect(err).toBeInstanceOf(ApiError)
    expect(err).toMatchObject({ code: 'listener/not_found', message: '找不到这位倾听者', status: 404 })
  })

  it('on an expired session logs in once (dev code on h5), keeps the token and retries with it', async () => {
    fakeStorage.clear()
    fakeTaro.request
      .mockResolvedValueOnce({ statusCode: 401, data: { code: 'auth/session_expired', message: '登录已过期' } })
      .mockResolvedValueOnce({ statusCode: 200, data: { token: 'tok-123456789012345678901234', expiresAt: 'x' } })
      .mockResolvedValueOnce({ statusCode: 200, data: { id: 'u1' } })
    await expect(apiGet('/api/me')).resolves.toEqual({ id: 'u1' })
    const [, loginCall, retry] = fakeTaro.request.mock.calls.map((c) => c[0])
    expect(loginCall.url).toMatch(/\/api\/auth\/login$/)
    expect((loginCall.data as { code: string }).code).toMatch(/^dev:h5-/)
    expect(retry.header?.authorization).toBe('Bearer tok-123456789012345678901234')
  })

  it('logs in once for parallel requests that all meet a 401 (a login code is single-use)', async () => {
    fakeStorage.clear()
    const expired = { statusCode: 401, data: { code: 'auth/login_required', message: '请先登录' } }
    fakeTaro.request.mockImplementation(async (opt: { url: string; header?: Record<string, string> }) => {
      if (opt.url.endsWith('/api/auth/login')) return { statusCode: 200, data: { token: 'tok-shared-0000000000000000000', expiresAt: 'x' } }
      return opt.header?.authorization ? { statusCode: 200, data: { url: opt.url } } : expired
    })
    try {
      const results = await Promise.all([apiGet('/api/me'), apiGet('/api/groups'), apiGet('/api/orders')])
      expect(results.map((r) => (r as { url: string }).url.replace(API_BASE, ''))).toEqual(['/api/me', '/api/groups', '/api/orders'])
      const logins = fakeTaro.request.mock.calls.filter((c) => (c[0] as { url: string }).url.endsWith('/api/auth/login'))
      expect(logins).toHaveLength(1)
    } finally {
      fakeTaro.request.mockReset()
    }
  })

  it('does not loop when the login itself fails', async () => {
    fakeStorage.clear()
    fakeTaro.request
      .mockResolvedValueOnce({ statusCode: 401, data: { code: 'auth/login_required', message: '请先登录' } })
      .mockResolvedValueOnce({ statusCode: 400, data: { code: 'auth/login_failed', message: '微信登录失败，请重试' } })
    await expect(apiGet('/api/me')).rejects.toMatchObject({ code: 'auth/login_failed' })
    expect(fakeTaro.request).toHaveBeenCalledTimes(2)
  })

  it('treats 3xx as an error too (only 2xx is success)', async () => {
    fakeTaro.request.mockResolvedValueOnce({ statusCode: 304, data: '' })
    await expect(apiGet('/api/x')).rejects.toMatchObject({ code: CLIENT_ERROR_CODES.badResponse, status: 304 })
  })

  it('maps a transport failure (Taro rejects with errMsg) to a network ApiError', async () => {
    fakeTaro.request.mockRejectedValueOnce({ errMsg: 'request:fail timeout' })
    const err = await apiGet('/api/x').catch((e: unknown) => e)
    expect(err).toBeInstanceOf(ApiError)
    expect(err).toMatchObject({ code: CLIENT_ERROR_CODES.network, status: null, message: '网络连接失败：request:fail timeout' })
  })

  it('fetchListenerPage asks for the filtered page with the cursor', async () => {
    fakeTaro.request.mockResolvedValueOnce({ statusCode: 200, data: { items: [], nextCursor: null } })
    await fetchListenerPage({ topic: 'FAMILY' }, 'c2')
    expect(fakeTaro.request.mock.calls[0][0].url).toBe(`${API_BASE}/api/listeners?limit=20&topic=FAMILY&cursor=c2`)
  })
})

describe('assetUrl', () => {
  it('resolves a server-relative path against the API base, leaves absolute URLs alone', () => {
    expect(assetUrl('/api/avatars/s.svg?g=a')).toBe(`${API_BASE.replace(/\/+$/, '')}/api/avatars/s.svg?g=a`)
    expect(assetUrl('https://cdn.example/a.png')).toBe('https://cdn.example/a.png')
  })
})

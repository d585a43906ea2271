/**
 * A minimal stand-in for `@tarojs/taro` in logic tests (mapped in jest.config.js). Only what the
 * modules under test call; each test sets the behaviour with `fakeTaro.request.mockImplementation`.
 */
export interface FakeRequestOption {
  url: string
  method?: string
  data?: unknown
  header?: Record<string, string>
  dataType?: string
  timeout?: number
}

export interface FakeResponse {
  statusCode: number
  data: unknown
  header?: Record<string, string>
  errMsg?: string
}

/** Taro's synchronous storage, kept in memory; `fakeStorage.clear()` between tests. */
export const fakeStorage = new Map<string, unknown>()

const fakeTaro = {
  request: jest.fn<Promise<FakeResponse>, [FakeRequestOption]>(),
  login: jest.fn<Promise<{ code: string; errMsg: string }>, []>(),
  requestPayment: jest.fn<Promise<{ errMsg: string }>, [Record<string, unknown>]>(),
  connectSocket: jest.fn<Promise<unknown>, [{ url: string }]>(),
  getStorageSync: (key: string) => fakeStorage.get(key) ?? '',
  setStorageSync: (key: string, value: unknown) => void fakeStorage.set(key, value),
  removeStorageSync: (key: string) => void fakeStorage.delete(key),
}

export default fakeTaro
export const request = fakeTaro.request
export const login = fakeTaro.login
export const requestPayment = fakeTaro.requestPayment
export const connectSocket = fakeTaro.connectSocket

import fakeTaro from './fakes/taro'
import type * as LoginApi from '../src/platform/login'
import * as h5 from '../src/platform/login.h5'
import * as weapp from '../src/platform/login.weapp'

// Compile-time: both platform files implement the one declared interface (src/platform/login.d.ts).
const implementations: Record<'h5' | 'weapp', typeof LoginApi> = { h5, weapp }

class MemoryStorage {
  private map = new Map<string, string>()
  getItem(k: string) { return this.map.get(k) ?? null }
  setItem(k: string, v: string) { this.map.set(k, String(v)) }
  removeItem(k: string) { this.map.delete(k) }
}

describe('platform/login', () => {
  afterEach(() => {
    delete (globalThis as { localStorage?: unknown }).localStorage
  })

  it('exists for both platforms', () => {
    expect(typeof implementations.h5.getLoginCode).toBe('function')
    expect(typeof implementations.weapp.getLoginCode).toBe('function')
  })

  it('h5 returns a dev: code (the simulator maps it to a stable openid) persisted in localStorage', async () => {
    const storage = new MemoryStorage()
    ;(globalThis as { localStorage?: unknown }).localStorage = storage
    const first = await h5.getLoginCode()
    expect(first).toMatch(/^dev:h5-[0-9a-z]{12,}$/)
    expect(storage.getItem(h5.H5_DEV_CODE_KEY)).toBe(first)
    await expect(h5.getLoginCode()).resolves.toBe(first)
  })

  it('h5 gives different browsers (storages) different codes', async () => {
    ;(globalThis as { localStorage?: unknown }).localStorage = new MemoryStorage()
    const a = await h5.getLoginCode()
    ;(globalThis as { localStorage?: unknown }).localStorage = new MemoryStorage()
    const b = await h5.getLoginCode()
    expect(a).not.toBe(b)
  })

  it('weapp returns the wx.login code', async () => {
    fakeTaro.login.mockResolvedValueOnce({ code: '0a3Xyz', errMsg: 'login:ok' })
    await expect(weapp.getLoginCode()).resolves.toBe('0a3Xyz')
  })

  it('weapp fails loudly when WeChat gives no code', async () => {
    fakeTaro.login.mockResolvedValueOnce({ code: '', errMsg: 'login:fail' })
    await expect(weapp.getLoginCode()).rejects.toThrow('微信登录失败：login:fail')
  })
})

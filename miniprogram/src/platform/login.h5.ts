/**
 * H5 (browser / ops console / end-to-end tests): there is no WeChat, and Taro's h5 `login` stub
 * always fails. Return a stable dev code `h5-dev-<random>` persisted in localStorage, which the
 * server's WeChat simulator accepts; each browser profile is one user.
 */
export const H5_DEV_CODE_KEY = 'qingting.h5DevCode'

function randomId(): string {
  const c = (globalThis as { crypto?: { randomUUID?: () => string } }).crypto
  if (c?.randomUUID) return c.randomUUID().replace(/-/g, '')
  return `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 12)}`
}

export async function getLoginCode(): Promise<string> {
  const storage = (globalThis as { localStorage?: Storage }).localStorage
  const existing = storage?.getItem(H5_DEV_CODE_KEY)
  if (existing) return existing
  const code = `h5-dev-${randomId()}`
  storage?.setItem(H5_DEV_CODE_KEY, code)
  return code
}

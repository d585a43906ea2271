/**
 * H5 (browser / ops console / end-to-end tests): there is no WeChat, and Taro's h5 `login` stub
 * always fails. Return a stable dev code `dev:h5-<random>` persisted in localStorage, which the
 * WeChat simulator maps to a stable openid (real WeChat refuses it); each browser profile is one
 * user. `setDevLoginName('operator')` picks a named account instead (the seeded operator).
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
  const code = `dev:h5-${randomId()}`
  storage?.setItem(H5_DEV_CODE_KEY, code)
  return code
}

/** Log in as a named simulator account next time (e.g. `operator`, the seeded operator). */
export function setDevLoginName(name: string): void {
  ;(globalThis as { localStorage?: Storage }).localStorage?.setItem(H5_DEV_CODE_KEY, `dev:${name}`)
}

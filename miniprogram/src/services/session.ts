import Taro from '@tarojs/taro'

/** The signed-in account as the server describes it (GET /api/me). */
export interface Me {
  id: string
  alias: string
  avatarUrl: string
  roles: string[]
  hasPhone: boolean
  listener: { tier: string; status: string } | null
}

const TOKEN_KEY = 'qingting.sessionToken'

export function sessionToken(): string | null {
  return (Taro.getStorageSync(TOKEN_KEY) as string) || null
}

export function saveSessionToken(token: string | null): void {
  if (token) Taro.setStorageSync(TOKEN_KEY, token)
  else Taro.removeStorageSync(TOKEN_KEY)
}

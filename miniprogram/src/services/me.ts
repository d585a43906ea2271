import { apiGet, apiRequest, apiPost, login } from './api'
import { saveSessionToken, type Me } from './session'

export type { Me } from './session'

export function fetchMe(): Promise<Me> {
  return apiGet<Me>('/api/me')
}

export function changeAlias(alias: string): Promise<Me> {
  return apiRequest<Me>('/api/me', { method: 'PATCH', data: { alias } })
}

export function shuffleAvatar(): Promise<Me> {
  return apiPost<Me>('/api/me/avatar')
}

export async function logout(): Promise<void> {
  await apiPost('/api/auth/logout').catch(() => undefined)
  saveSessionToken(null)
}

export async function deleteAccount(): Promise<void> {
  await apiRequest('/api/me', { method: 'DELETE' })
  saveSessionToken(null)
}

/** Logs in again (e.g. after logging out) and returns the account. */
export async function loginAgain(): Promise<Me> {
  await login()
  return fetchMe()
}

/** Which entries the 我的 tab offers, from the account's roles. */
export function meEntries(me: Pick<Me, 'roles' | 'listener'>): { key: string; label: string; url: string }[] {
  const entries = [] as { key: string; label: string; url: string }[]
  if (me.listener) entries.push({ key: 'workbench', label: '倾听者工作台', url: '/packages/workbench/index' }, { key: 'earnings', label: '我的收益', url: '/packages/earnings/index' })
  else entries.push({ key: 'apply', label: '成为倾听者', url: '/packages/apply/index' })
  if (me.roles.some((r) => ['REVIEWER', 'MODERATOR', 'AGENT', 'FINANCE', 'ADMIN'].includes(r))) {
    entries.push({ key: 'ops', label: '运营后台', url: '/packages/ops/index' })
  }
  return entries
}

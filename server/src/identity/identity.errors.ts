import type { ErrorSpec } from '../common/errors/error-codes';

/** Error codes of the identity module (login, sessions, profile, roles). */
export const IDENTITY_ERRORS = {
  'auth/login_required': { status: 401, message: '请先登录' },
  'auth/session_expired': { status: 401, message: '登录已过期，请重新登录' },
  'auth/forbidden': { status: 403, message: '没有权限进行此操作' },
  'auth/login_failed': { status: 400, message: '微信登录失败，请重试' },
  'auth/wechat_unavailable': { status: 503, message: '微信服务暂时不可用，请稍后再试' },
  'identity/alias_rejected': { status: 400, message: '昵称包含不当内容，请换一个' },
  'identity/alias_not_accepted': { status: 422, message: '昵称暂时无法通过审核，请换一个' },
} as const satisfies Record<string, ErrorSpec>;

import type { ErrorSpec } from '../common/errors/error-codes';

/** Error codes of the listeners module (discovery, profiles, workbench). */
export const LISTENER_ERRORS = {
  'listener/not_found': { status: 404, message: '找不到这位倾听者' },
  /** The caller's listener account is suspended: the workbench is closed to it. */
  'listener/suspended': { status: 403, message: '你的倾听者账号已被暂停，暂时无法使用工作台' },
  /** A price outside the listener's tier bounds; the message names the bounds. */
  'listener/price_out_of_bounds': { status: 400, message: '价格超出你所在等级允许的范围' },
  /** A price change would leave the listener offering no service at all. */
  'listener/no_service': { status: 400, message: '至少需要开通一种服务（文字或语音）' },
} as const satisfies Record<string, ErrorSpec>;

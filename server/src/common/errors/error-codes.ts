import { CHAT_ERRORS } from '../../chat/chat.errors';
import { IDENTITY_ERRORS } from '../../identity/identity.errors';
import { LISTENER_ERRORS } from '../../listeners/listeners.errors';
import { ORDER_ERRORS } from '../../orders/orders.errors';
import { REALTIME_ERRORS } from '../../realtime/realtime.errors';
import { RECONCILIATION_ERRORS } from '../../reconciliation/reconciliation.errors';
import { FEEDBACK_ERRORS } from '../../feedback/feedback.errors';
import { GROUP_ERRORS } from '../../groups/groups.errors';
import { SAFETY_ERRORS } from '../../safety/safety.errors';
import { SESSION_ERRORS } from '../../sessions/sessions.errors';
import { SETTLEMENT_ERRORS } from '../../settlement/settlement.errors';
import { VETTING_ERRORS } from '../../vetting/vetting.errors';

export interface ErrorSpec {
  status: number;
  message: string;
}

/** Codes that belong to no feature module. */
const COMMON_ERRORS = {
  /** A body, query or path parameter failed validation; `details` names each field. */
  'request/invalid': { status: 400, message: '请求参数有误' },
  /** The body is not parseable (broken JSON, wrong content length). */
  'request/malformed': { status: 400, message: '请求格式有误，无法解析' },
  'request/too_large': { status: 413, message: '请求内容过大' },
  'request/unsupported_media_type': { status: 415, message: '不支持的请求内容类型' },
  /** No route matches the method and path. */
  'route/not_found': { status: 404, message: '请求的接口不存在' },
  'route/method_not_allowed': { status: 405, message: '接口不支持该请求方法' },
  /** A unique constraint was hit: the thing already exists. */
  'db/conflict': { status: 409, message: '数据已存在或已被修改，请刷新后重试' },
  /** A row the request relies on does not exist (any more). */
  'db/not_found': { status: 404, message: '要操作的数据不存在' },
  'health/not_ready': { status: 503, message: '服务暂未就绪' },
  /** Too many requests of one kind from one person or address; retry later. */
  'rate/limited': { status: 429, message: '操作太频繁，请稍后再试' },
  /** A WeChat Pay notification whose signature, timestamp or serial does not verify (forged, replayed or probing). */
  'wechat/notify_signature_invalid': { status: 401, message: '通知签名验证失败' },
  /** A verified notification that cannot be decrypted or is not of the expected kind or merchant. */
  'wechat/notify_invalid': { status: 400, message: '通知内容无效' },
  /** Anything unexpected; logged with its stack, never shown in detail. */
  'internal/error': { status: 500, message: '服务器开小差了，请稍后再试' },
} as const satisfies Record<string, ErrorSpec>;

/**
 * Every error code the API returns, with its HTTP status and the default message shown to the
 * person. Codes are namespaced `<area>/<problem>` and never change once published; clients
 * branch on the code, never on the message. Each feature module owns its table
 * (`<module>/<module>.errors.ts`); this merge is the only place codes meet HTTP.
 */
export const ERROR_CODES = { ...COMMON_ERRORS, ...IDENTITY_ERRORS, ...LISTENER_ERRORS, ...VETTING_ERRORS, ...ORDER_ERRORS, ...FEEDBACK_ERRORS, ...SAFETY_ERRORS, ...REALTIME_ERRORS, ...CHAT_ERRORS, ...SESSION_ERRORS, ...SETTLEMENT_ERRORS, ...RECONCILIATION_ERRORS, ...GROUP_ERRORS };

export type ErrorCode = keyof typeof ERROR_CODES;

import type { ErrorSpec } from '../common/errors/error-codes';

/** Error codes of the sessions module (timed sessions, extensions, gifts, voice; PRODUCT.md §4). */
export const SESSION_ERRORS = {
  /** Unknown session, or the caller is not a party to it (nothing is revealed). */
  'session/not_found': { status: 404, message: '找不到这个会话' },
  /** A party acting in the wrong role (the listener extending or sending a gift). */
  'session/forbidden': { status: 403, message: '你不能对这个会话执行该操作' },
  /** A conditional update lost a race: someone (or a timer) changed the session first. */
  'session/state_changed': { status: 409, message: '会话状态已变化，请刷新后重试' },
  /** End, extend or call on a session that is not running (not started yet, or already over). */
  'session/not_active': { status: 409, message: '会话当前未在进行中' },
  /** Join of a session that has ended or was cancelled. */
  'session/closed': { status: 409, message: '会话已结束' },
  /** Both parties had to be present by `startBy`; the window has passed. */
  'session/start_window_passed': { status: 409, message: '已超过会话开始的时限，订单将自动退款' },
  /** An unpaid extension of different length exists: pay or cancel it first. */
  'session/extension_pending': { status: 409, message: '已有一笔待支付的续时订单，请先支付或取消' },
  'session/gift_not_found': { status: 404, message: '这个礼物不存在或已下架' },
  /** Gifts are sent during a session or within the dispute window after it. */
  'session/gift_window_closed': { status: 409, message: '会话结束太久，已不能再送礼物' },
  'session/not_voice': { status: 400, message: '这不是语音会话' },
  /** The voice provider could not bind a call; nothing changed. */
  'session/voice_unavailable': { status: 502, message: '语音通话暂时不可用，请稍后再试' },
  /** A dispute decision on an order that is not under dispute. */
  'session/not_disputed': { status: 409, message: '这笔订单不在争议中' },
} as const satisfies Record<string, ErrorSpec>;

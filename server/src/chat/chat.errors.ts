import type { ErrorSpec } from '../common/errors/error-codes';

/** Error codes of the chat module (conversations and messages). */
export const CHAT_ERRORS = {
  /** No such conversation, or the caller is not (or no longer) a member: the two are not told apart. */
  'chat/not_found': { status: 404, message: '找不到这个对话' },
  'chat/empty': { status: 400, message: '消息不能为空' },
  'chat/too_long': { status: 400, message: '消息太长了，请分几条发送' },
  /** The conversation's policy refuses messages now (the session has not started or has ended). */
  'chat/closed': { status: 409, message: '对话未开始或已结束，暂时不能发送消息' },
  /** The member is muted (groups) until `mutedUntil`. */
  'chat/muted': { status: 403, message: '你已被禁言，暂时不能发言' },
  /** The retention window ended and the conversation's key was destroyed: nothing can be read or sent. */
  'chat/destroyed': { status: 410, message: '聊天记录已按隐私规则永久销毁' },
} as const satisfies Record<string, ErrorSpec>;

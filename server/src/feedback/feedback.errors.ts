import type { ErrorSpec } from '../common/errors/error-codes';

/** Error codes of the feedback module: reviews, reports and disputes after a session (PRODUCT.md §4). */
export const FEEDBACK_ERRORS = {
  // --- reviews ---
  /** Only the talker of the session rates it. */
  'review/forbidden': { status: 403, message: '只有倾诉者可以评价这次倾诉' },
  /** The session has not ended, or never started (nothing to rate). */
  'review/not_ended': { status: 409, message: '倾诉结束后才能评价' },
  'review/already_reviewed': { status: 409, message: '你已经评价过这次倾诉' },
  /** WeChat content security judged the text risky; nothing was saved. */
  'review/text_rejected': { status: 400, message: '评价文字包含不当内容，请修改后再提交' },
  /** The text could not be cleared now (held for review, or the check is unavailable); nothing was saved. */
  'review/text_not_accepted': { status: 422, message: '评价文字暂时无法通过审核，请修改文字或只提交星级和标签' },
  // --- reports ---
  /** A session that never started has no conversation to report. */
  'report/not_started': { status: 409, message: '倾诉开始后才能举报' },
  'report/already_reported': { status: 409, message: '你已经举报过这次倾诉，平台正在处理' },
  'report/not_found': { status: 404, message: '找不到这条举报' },
  'report/already_resolved': { status: 409, message: '这条举报已被处理' },
  // --- disputes ---
  /** Only the talker disputes what they paid. */
  'dispute/forbidden': { status: 403, message: '只有倾诉者可以对这次倾诉提出争议' },
  'dispute/not_ended': { status: 409, message: '倾诉结束后才能提出争议' },
  'dispute/window_closed': { status: 409, message: '已超过可提出争议的期限' },
  'dispute/already_exists': { status: 409, message: '这次倾诉已经提出过争议' },
  /** The order cannot be disputed now (e.g. refunded in full, settled, or a refund still in flight). */
  'dispute/not_disputable': { status: 409, message: '这笔订单当前不能提出争议' },
  'dispute/not_found': { status: 404, message: '找不到这条争议' },
  'dispute/already_decided': { status: 409, message: '这条争议已被裁定' },
  /** PARTIAL needs `refundFen`; NONE and FULL must not send one. */
  'dispute/refund_amount_invalid': { status: 400, message: '部分退款需要填写退款金额，不退款或全额退款不需要填写' },
  /**
   * A session paid with package minutes has no money of its own to refund, and minutes it
   * charged are not given back by a decision: NONE is the only decision; finance can refund the
   * package order itself.
   */
  'dispute/package_funded': { status: 409, message: '这次倾诉以套餐时长支付，没有可退的金额，只能裁定不退款；如需补偿，请财务对套餐订单退款' },
  /** More than what can still be refunded, or less than 1 fen. */
  'dispute/refund_out_of_range': { status: 400, message: '退款金额超出可退范围' },
} as const satisfies Record<string, ErrorSpec>;

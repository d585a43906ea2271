import type { ErrorSpec } from '../common/errors/error-codes';

/** Error codes of the settlement module (earnings and payouts). */
export const SETTLEMENT_ERRORS = {
  'payout/not_found': { status: 404, message: '找不到这笔提现' },
  /** Below PAYOUT_MIN_FEN. */
  'payout/below_minimum': { status: 400, message: '提现金额低于最低提现额' },
  /** More than the withdrawable balance (which may be negative after a refund clawed back released earnings). */
  'payout/insufficient_balance': { status: 400, message: '提现金额超过可提现余额' },
  /** Today's (China time) payouts that did not fail, plus this one, exceed PAYOUT_DAILY_LIMIT_FEN. */
  'payout/daily_limit': { status: 400, message: '超过今日提现额度' },
  /** Another payout is still pending, waiting for confirmation or processing: one at a time. */
  'payout/in_progress': { status: 409, message: '你有一笔提现正在处理中，完成后才能再次提现' },
  /** WeChat Pay could not be asked about the transfer right now (sync); nothing changed. */
  'payout/wechat_unavailable': { status: 502, message: '暂时无法查询微信转账结果，请稍后再试' },
} as const satisfies Record<string, ErrorSpec>;

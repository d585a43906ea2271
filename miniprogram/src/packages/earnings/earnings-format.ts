import { formatFen } from '@qingting/shared'
import type { EarningMovement, EarningsSummary, PayoutStatus } from '../../services/earnings'
import { parseYuanToFen } from '../../utils/orders'

/** How one history line reads: what happened, and the amount that matters to the listener. */
export function describeMovement(m: EarningMovement): { label: string; amountFen: number; note: string } {
  const total = m.heldFen + m.withdrawableFen
  switch (m.kind) {
    case 'EARNING':
      return { label: m.order?.kind === 'GIFT' ? '礼物收益' : '倾诉收益', amountFen: total, note: '争议期内，待结算' }
    case 'REFUND':
      return { label: '订单退款', amountFen: total, note: m.withdrawableFen < 0 ? '从可提现余额扣回' : '从待结算中扣除' }
    case 'RELEASE':
      return { label: '收益结算', amountFen: m.withdrawableFen, note: '待结算 → 可提现' }
    case 'PAYOUT':
      return { label: '申请提现', amountFen: m.withdrawableFen, note: '可提现 → 提现中' }
    case 'PAYOUT_PAID':
      // The money left withdrawable when the payout was requested; this line only reports its arrival.
      return { label: '提现到账', amountFen: 0, note: `${formatFen(-m.pendingPayoutFen)} 已转入微信零钱` }
    case 'PAYOUT_RETURNED':
      return { label: '提现退回', amountFen: m.withdrawableFen, note: '转账未完成，已退回可提现' }
    default:
      return { label: '收益变动', amountFen: total + m.pendingPayoutFen, note: '' }
  }
}

/** `+¥12.00` / `-¥3.50`; '' for a line that moves nothing the listener holds. */
export function signedFen(fen: number): string {
  if (fen === 0) return ''
  return fen > 0 ? `+${formatFen(fen)}` : formatFen(fen)
}

/** What to tell the listener once a confirmed payout has been synced. */
export function payoutNotice(status: PayoutStatus | undefined): string {
  if (status === 'SUCCESS') return '提现成功，已转入微信零钱'
  if (status === 'FAILED' || status === 'CANCELLED') return '转账未完成，金额已退回可提现余额'
  return '已确认收款，微信支付处理中，稍后查看结果'
}

/**
 * What is wrong with the amount typed into the withdrawal form (null: it may be sent). The
 * server checks again (and the daily limit, and one withdrawal at a time).
 */
export function withdrawProblem(input: string, s: Pick<EarningsSummary, 'withdrawableFen' | 'payoutMinFen' | 'payoutDailyLimitFen'>): string | null {
  if (s.withdrawableFen < 0) return `有 ${formatFen(-s.withdrawableFen)} 退款需从后续收益中扣回，暂时无法提现`
  if (s.withdrawableFen < s.payoutMinFen) return `可提现金额满 ${formatFen(s.payoutMinFen)} 才能提现`
  const fen = parseYuanToFen(input)
  if (fen === null) return '请输入提现金额（元），如 50 或 12.5'
  if (fen < s.payoutMinFen) return `每次至少提现 ${formatFen(s.payoutMinFen)}`
  if (fen > s.withdrawableFen) return `最多可提现 ${formatFen(s.withdrawableFen)}`
  if (fen > s.payoutDailyLimitFen) return `每日最多提现 ${formatFen(s.payoutDailyLimitFen)}`
  return null
}

/** The "全部" button: everything withdrawable, up to the daily limit, as yuan text for the input. */
export function allInput(s: Pick<EarningsSummary, 'withdrawableFen' | 'payoutDailyLimitFen'>): string {
  const fen = Math.max(0, Math.min(s.withdrawableFen, s.payoutDailyLimitFen))
  return (fen / 100).toFixed(2)
}

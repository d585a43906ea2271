import Taro from '@tarojs/taro'
import { formatFen } from '@qingting/shared'
import { syncPayout, type Payout } from '../services/earnings'
import type { TransferOutcome } from './transfer'

/**
 * H5 (browser, end-to-end tests): there is no `wx.requestMerchantTransfer`. A sheet stands in for
 * WeChat's confirm-receipt page; 确认收款 is the listener's answer, given to the WeChat simulator
 * (`POST <simulatorUrl>/confirm`, the control `server/src/wechat-sim/transfers.ts` offers for it),
 * which then notifies the server as WeChat would. The simulator is another origin without CORS,
 * so the answer is sent as a simple request whose response is not read; the sync that follows
 * reads the outcome from the server.
 */
export async function confirmTransfer(payout: Payout): Promise<TransferOutcome> {
  const c = payout.confirm
  if (!c) throw new Error('这笔提现当前无需确认收款')
  if (!c.simulatorUrl) throw new Error('当前环境无法确认收款，请在微信中打开')
  const { confirm } = await Taro.showModal({
    title: '确认收款（模拟）',
    content: `${formatFen(payout.amountFen)} 将转入你的微信零钱`,
    confirmText: '确认收款',
    cancelText: '暂不收款',
  })
  if (!confirm) return 'cancelled'
  try {
    await fetch(`${c.simulatorUrl}/confirm`, { method: 'POST', mode: 'no-cors' })
  } catch {
    throw new Error('确认收款失败，请稍后再试')
  }
  await syncPayout(payout.id).catch(() => undefined)
  return 'confirmed'
}

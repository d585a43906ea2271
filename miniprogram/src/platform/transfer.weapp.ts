import { syncPayout, type Payout } from '../services/earnings'
import type { TransferOutcome } from './transfer'

interface MerchantTransferOption {
  mchId: string
  appId: string
  package: string
  success: () => void
  fail: (err: { errMsg?: string }) => void
}

/** Taro 4.2 does not wrap `wx.requestMerchantTransfer` (base library ≥ 3.3.0): call WeChat's own. */
const wechat = () => (globalThis as { wx?: { requestMerchantTransfer?: (option: MerchantTransferOption) => void } }).wx

/** WeChat: its confirm-receipt page with the server's package; closing it is not an error. */
export async function confirmTransfer(payout: Payout): Promise<TransferOutcome> {
  const c = payout.confirm
  if (!c) throw new Error('这笔提现当前无需确认收款')
  const requestMerchantTransfer = wechat()?.requestMerchantTransfer
  if (!requestMerchantTransfer) throw new Error('请升级微信到最新版本后再确认收款')
  try {
    await new Promise<void>((resolve, reject) => requestMerchantTransfer({ mchId: c.mchId, appId: c.appId, package: c.package, success: resolve, fail: reject }))
  } catch (err) {
    const errMsg = typeof err === 'object' && err !== null && 'errMsg' in err ? String((err as { errMsg: unknown }).errMsg) : ''
    if (/cancel/i.test(errMsg)) return 'cancelled'
    throw new Error(errMsg ? `确认收款失败：${errMsg}` : '确认收款失败')
  }
  // Ask the server to look now rather than wait for the notification; the notification settles it anyway.
  await syncPayout(payout.id).catch(() => undefined)
  return 'confirmed'
}

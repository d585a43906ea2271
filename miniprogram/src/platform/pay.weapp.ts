import Taro from '@tarojs/taro'
import { fetchPayParams, syncOrder, type PayParams } from '../services/orders'
import type { PayOutcome } from './pay'

/** WeChat: `wx.requestPayment` with the server's signed JSAPI parameters; a cancel is not an error. */
export async function pay(orderId: string, _returnUrl: string): Promise<PayOutcome> {
  return payWith(orderId, await fetchPayParams(orderId))
}

export async function payWith(orderId: string, { requestPayment }: PayParams): Promise<PayOutcome> {
  try {
    await Taro.requestPayment({ ...requestPayment })
  } catch (err) {
    const errMsg = typeof err === 'object' && err !== null && 'errMsg' in err ? String((err as { errMsg: unknown }).errMsg) : ''
    if (/cancel/i.test(errMsg)) return 'cancelled'
    throw new Error(errMsg ? `支付失败：${errMsg}` : '支付失败')
  }
  // The client thinks it paid: ask the server to confirm with WeChat Pay now rather than wait
  // for the notification. A failure here is not fatal: the notification settles it.
  await syncOrder(orderId).catch(() => undefined)
  return 'paid'
}

export function payReturnUrl(_orderId: string): string {
  return ''
}

export function takePayReturn(params: Record<string, string | undefined>): { result: 'success' | 'cancel' | 'fail'; message?: string } | null {
  const result = params.result
  if (result !== 'success' && result !== 'cancel' && result !== 'fail') return null
  return { result, message: params.message ? decodeURIComponent(params.message) : undefined }
}

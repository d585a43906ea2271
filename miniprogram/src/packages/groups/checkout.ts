import Taro from '@tarojs/taro'
import { pay, takePayReturn, type PayOutcome } from '../../platform/pay'
import { syncOrder } from '../../services/orders'

const DETAIL_PATH = '/packages/groups/detail/index'

/**
 * Where the H5 cashier sends the browser back to after a join or renewal: the group's detail page,
 * with the order so it can be confirmed there (hash routing). WeChat pays in a sheet over the
 * page, so on weapp there is no location and the adapter ignores it.
 */
export function groupReturnUrl(groupId: string, orderId: string): string {
  const loc = (globalThis as { location?: { origin: string; pathname: string } }).location
  const base = loc ? `${loc.origin}${loc.pathname}` : ''
  return `${base}#${DETAIL_PATH}?id=${encodeURIComponent(groupId)}&orderId=${encodeURIComponent(orderId)}`
}

/** Pays a join or renewal order with the ordinary pay adapter (h5: leaves for the cashier → 'redirected'). */
export function payGroupOrder(groupId: string, orderId: string): Promise<PayOutcome> {
  return pay(orderId, groupReturnUrl(groupId, orderId))
}

/**
 * Back on the detail page from the cashier: confirm the payment with the server (sync) and say
 * how it went; null when the page was not opened by the cashier.
 */
export async function settlePayReturn(params: Record<string, string | undefined>): Promise<string | null> {
  const ret = takePayReturn(params)
  const orderId = params.orderId ? decodeURIComponent(params.orderId) : null
  if (!ret || !orderId) return null
  if (ret.result === 'cancel') return '已取消支付，名额将在支付期限后释放'
  if (ret.result === 'fail') return `支付失败${ret.message ? `：${ret.message}` : ''}`
  await syncOrder(orderId).catch(() => undefined)
  return '支付成功'
}

export const openGroup = (id: string) => Taro.navigateTo({ url: `${DETAIL_PATH}?id=${encodeURIComponent(id)}` })
export const openGroupRoom = (id: string) => Taro.navigateTo({ url: `/packages/groups/room/index?id=${encodeURIComponent(id)}` })

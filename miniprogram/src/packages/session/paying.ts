import Taro from '@tarojs/taro'
import { pay, type PayOutcome } from '../../platform/pay'
import { roomReturnUrl } from './pay-return'

/**
 * The order being paid from the room (an extension or a gift). On H5 the page is left for the
 * cashier and comes back fresh, so what was being paid is remembered in storage until the return.
 */
export interface PayingOrder {
  sessionId: string
  orderId: string
  kind: 'EXTENSION' | 'GIFT'
  label: string
}

const KEY = 'qingting.sessionPaying'

export function rememberPaying(p: PayingOrder): void {
  Taro.setStorageSync(KEY, JSON.stringify(p))
}

/** The remembered order for this session, removed as it is read (a reload must not repeat it). */
export function takePaying(sessionId: string): PayingOrder | null {
  const raw = Taro.getStorageSync(KEY) as string
  if (!raw) return null
  try {
    const p = JSON.parse(raw) as PayingOrder
    if (p.sessionId !== sessionId) return null
    Taro.removeStorageSync(KEY)
    return p
  } catch {
    Taro.removeStorageSync(KEY)
    return null
  }
}

/**
 * Pays an extension or gift order from the room with the ordinary pay adapter. weapp: the sheet
 * over the page → 'paid' | 'cancelled'; h5: the browser leaves for the cashier → 'redirected',
 * and the room finishes the job when it comes back (useRoom → afterPayReturn).
 */
export async function payInRoom(p: PayingOrder): Promise<PayOutcome> {
  rememberPaying(p)
  try {
    const outcome = await pay(p.orderId, roomReturnUrl(p.sessionId))
    if (outcome !== 'redirected') takePaying(p.sessionId)
    return outcome
  } catch (err) {
    takePaying(p.sessionId)
    throw err
  }
}

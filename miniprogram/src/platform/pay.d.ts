/**
 * Platform adapter for paying an order (Taro multi-platform files): the build resolves
 * `platform/pay` to `pay.weapp.ts` or `pay.h5.ts`; this declaration is what TypeScript sees.
 * Both implementations are checked against it in test/pay.spec.ts.
 */

import type { PayParams } from '../services/orders'

export type PayOutcome = 'paid' | 'cancelled' | 'redirected'

/**
 * Pays an existing order (the server made the prepay). weapp: the WeChat payment sheet, then
 * `POST /api/orders/:id/sync` on success → 'paid' | 'cancelled'. h5: the browser goes to the
 * simulator's cashier, which comes back to `returnUrl` with `result=…` → 'redirected'.
 */
export declare function pay(orderId: string, returnUrl: string): Promise<PayOutcome>

/** Like `pay`, with the prepay already in hand (from `POST /api/orders/checkout`). */
export declare function payWith(orderId: string, params: PayParams): Promise<PayOutcome>

/** Where the cashier should send the browser back to: the order's detail page (h5; '' on weapp). */
export declare function payReturnUrl(orderId: string): string

/**
 * The cashier's verdict after coming back to the detail page (h5: read from the address, where
 * the simulator appends `result` and maybe `message`, then removed so a reload does not repeat
 * it; weapp: only from the page params). null when the page was not opened by the cashier.
 */
export declare function takePayReturn(params: Record<string, string | undefined>): { result: 'success' | 'cancel' | 'fail'; message?: string } | null

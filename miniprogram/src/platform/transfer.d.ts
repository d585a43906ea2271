/**
 * Platform adapter for confirming a payout's WeChat Pay merchant transfer (Taro multi-platform
 * files): the build resolves `platform/transfer` to `transfer.weapp.ts` or `transfer.h5.ts`; this
 * declaration is what TypeScript sees. Both implementations are checked in test/transfer.spec.ts.
 */
import type { Payout } from '../services/earnings'

/** 'confirmed': the listener accepted the money (the server was asked to sync); 'cancelled': they closed the page, the payout stays open. */
export type TransferOutcome = 'confirmed' | 'cancelled'

/**
 * Asks the listener to confirm the transfer of a payout waiting for confirmation. weapp:
 * `wx.requestMerchantTransfer`. h5: a confirmation sheet standing in for WeChat's, whose answer
 * goes to the WeChat simulator. Then `POST /api/payouts/:id/sync`.
 */
export declare function confirmTransfer(payout: Payout): Promise<TransferOutcome>

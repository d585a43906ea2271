/**
 * Shapes of the WeChat Pay APIv3 bodies this project uses, as WeChat spells them (snake_case,
 * amounts in fen, times RFC3339 with +08:00). Shared by the simulator and the server clients.
 */

export interface PayErrorBody {
  code: string;
  message: string;
  detail?: { field?: string; value?: unknown; issue?: string; location?: string };
}

export interface JsapiPrepayRequest {
  appid: string;
  mchid: string;
  description: string;
  out_trade_no: string;
  time_expire?: string;
  attach?: string;
  notify_url: string;
  amount: { total: number; currency?: 'CNY' };
  payer: { openid: string };
}

export interface JsapiPrepayResponse {
  prepay_id: string;
}

export type TradeState = 'SUCCESS' | 'REFUND' | 'NOTPAY' | 'CLOSED' | 'REVOKED' | 'USERPAYING' | 'PAYERROR';

/** The query response and the decrypted `TRANSACTION.SUCCESS` resource. */
export interface Transaction {
  appid: string;
  mchid: string;
  out_trade_no: string;
  transaction_id?: string;
  trade_type?: 'JSAPI';
  trade_state: TradeState;
  trade_state_desc: string;
  bank_type?: string;
  attach?: string;
  success_time?: string;
  payer?: { openid: string };
  amount: { total: number; payer_total?: number; currency: string; payer_currency: string };
}

export interface CloseRequest {
  mchid: string;
}

export interface RefundRequest {
  transaction_id?: string;
  out_trade_no?: string;
  out_refund_no: string;
  reason?: string;
  notify_url?: string;
  funds_account?: 'AVAILABLE';
  amount: { refund: number; total: number; currency: 'CNY' };
}

export type RefundStatus = 'SUCCESS' | 'CLOSED' | 'PROCESSING' | 'ABNORMAL';

export interface Refund {
  refund_id: string;
  out_refund_no: string;
  transaction_id: string;
  out_trade_no: string;
  channel: 'ORIGINAL' | 'BALANCE' | 'OTHER_BALANCE' | 'OTHER_BANKCARD';
  user_received_account: string;
  success_time?: string;
  create_time: string;
  status: RefundStatus;
  funds_account?: string;
  amount: {
    total: number;
    refund: number;
    payer_total: number;
    payer_refund: number;
    settlement_total: number;
    settlement_refund: number;
    discount_refund: number;
    currency: string;
  };
}

/** The decrypted `REFUND.*` resource. */
export interface RefundNotificationResource {
  mchid: string;
  transaction_id: string;
  out_trade_no: string;
  refund_id: string;
  out_refund_no: string;
  refund_status: RefundStatus;
  success_time?: string;
  user_received_account: string;
  amount: { total: number; refund: number; payer_total: number; payer_refund: number };
}

export type BillType = 'ALL' | 'SUCCESS' | 'REFUND';

export interface BillResponse {
  hash_type: 'SHA1';
  hash_value: string;
  download_url: string;
}

export interface TransferBillRequest {
  appid: string;
  out_bill_no: string;
  transfer_scene_id: string;
  openid: string;
  user_name?: string;
  transfer_amount: number;
  transfer_remark: string;
  notify_url?: string;
  user_recv_perception?: string;
  transfer_scene_report_infos: { info_type: string; info_content: string }[];
}

export type TransferState =
  | 'ACCEPTED'
  | 'PROCESSING'
  | 'WAIT_USER_CONFIRM'
  | 'TRANSFERING'
  | 'SUCCESS'
  | 'FAIL'
  | 'CANCELING'
  | 'CANCELLED';

export interface TransferBillResponse {
  out_bill_no: string;
  transfer_bill_no: string;
  create_time: string;
  state: TransferState;
  package_info?: string;
}

/** The query response of a transfer bill. */
export interface TransferBill {
  mch_id: string;
  out_bill_no: string;
  transfer_bill_no: string;
  appid: string;
  state: TransferState;
  transfer_amount: number;
  transfer_remark: string;
  fail_reason?: string;
  openid: string;
  create_time: string;
  update_time: string;
}

/** The decrypted `MCHTRANSFER.BILL.FINISHED` resource. */
export interface TransferNotificationResource {
  out_bill_no: string;
  transfer_bill_no: string;
  state: TransferState;
  mch_id: string;
  transfer_amount: number;
  openid: string;
  fail_reason?: string;
  create_time: string;
  update_time: string;
}

export type NotificationEventType =
  | 'TRANSACTION.SUCCESS'
  | 'REFUND.SUCCESS'
  | 'REFUND.ABNORMAL'
  | 'REFUND.CLOSED'
  | 'MCHTRANSFER.BILL.FINISHED';

/** `original_type` (and the AAD WeChat uses) for each kind of resource. */
export type OriginalType = 'transaction' | 'refund' | 'mch_payment';

export interface EncryptedResource {
  original_type: OriginalType;
  algorithm: 'AEAD_AES_256_GCM';
  ciphertext: string;
  associated_data?: string;
  nonce: string;
}

export interface NotificationEnvelope {
  id: string;
  create_time: string;
  resource_type: 'encrypt-resource';
  event_type: NotificationEventType;
  summary: string;
  resource: EncryptedResource;
}

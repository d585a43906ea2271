import fs from 'node:fs';
import path from 'node:path';
import type { JsapiPrepayRequest, NotificationEventType, RefundStatus, TradeState, TransferState } from '../wechat/protocol/types';

/** Times are stored as ISO strings (UTC) so the state is plain JSON; responses format them as +08:00. */
export interface OrderRecord extends Omit<JsapiPrepayRequest, 'amount' | 'payer'> {
  total: number;
  openid: string;
  prepay_id: string;
  prepay_expires_at: string;
  created_at: string;
  state: TradeState;
  transaction_id?: string;
  success_time?: string;
  /** The canonical request body, to tell a retry (same body) from a conflicting reuse of the number. */
  fingerprint: string;
}

export interface RefundRecord {
  out_refund_no: string;
  refund_id: string;
  out_trade_no: string;
  transaction_id: string;
  reason?: string;
  notify_url?: string;
  refund: number;
  total: number;
  status: RefundStatus;
  create_time: string;
  success_time?: string;
  fingerprint: string;
}

export interface TransferRecord {
  appid: string;
  out_bill_no: string;
  transfer_bill_no: string;
  transfer_scene_id: string;
  openid: string;
  transfer_amount: number;
  transfer_remark: string;
  notify_url?: string;
  package_info: string;
  state: TransferState;
  fail_reason?: string;
  create_time: string;
  update_time: string;
  fingerprint: string;
}

export interface DeliveryAttempt {
  at: string;
  status?: number;
  error?: string;
  ok: boolean;
}

export interface NotificationRecord {
  id: string;
  event_type: NotificationEventType;
  /** The business number the event is about (out_trade_no, out_refund_no or out_bill_no). */
  subject: string;
  url: string;
  body: string;
  deliveries: DeliveryAttempt[];
  state: 'pending' | 'delivered' | 'gave_up';
}

export interface BillFaults {
  dropLine?: string;
  alterAmount?: { out_trade_no: string; deltaFen: number };
  unknownOrder?: boolean;
}

export interface ContentRules {
  risky: string[];
  review: string[];
  /** Verdict for content that matches no keyword. */
  verdict: 'pass' | 'review' | 'risky';
  /** Simulates the check being down (errcode -1), to exercise the caller's fallback. */
  unavailable: boolean;
}

export interface SimState {
  seq: number;
  orders: Record<string, OrderRecord>;
  refunds: Record<string, RefundRecord>;
  transfers: Record<string, TransferRecord>;
  loginCodes: Record<string, { openid: string; unionid?: string; issued_at: string; used_at?: string }>;
  accessToken?: { token: string; expires_at: string };
  contentRules: ContentRules;
  subscribeMessages: { at: string; body: unknown }[];
  notifications: NotificationRecord[];
  billFaults: BillFaults;
}

function emptyState(): SimState {
  return {
    seq: 0,
    orders: {},
    refunds: {},
    transfers: {},
    loginCodes: {},
    contentRules: { risky: [], review: [], verdict: 'pass', unavailable: false },
    subscribeMessages: [],
    notifications: [],
    billFaults: {},
  };
}

/**
 * The simulator's whole state, in memory, optionally snapshotted to a JSON file: written
 * (debounced) after each change and read back at start, so a restarted `pnpm sim` still knows
 * the orders the API created.
 */
export class SimStore {
  state: SimState;
  private timer?: NodeJS.Timeout;

  constructor(private readonly file?: string, private readonly debounceMs = 200) {
    this.state = file && fs.existsSync(file) ? { ...emptyState(), ...JSON.parse(fs.readFileSync(file, 'utf8')) } : emptyState();
  }

  /** A number unique within this state, for ids that must never repeat. */
  next(): number {
    return ++this.state.seq;
  }

  changed(): void {
    if (!this.file || this.timer) return;
    this.timer = setTimeout(() => this.flush(), this.debounceMs);
  }

  flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (!this.file) return;
    fs.mkdirSync(path.dirname(this.file), { recursive: true });
    const tmp = `${this.file}.tmp`;
    fs.writeFileSync(tmp, JSON.stringify(this.state));
    fs.renameSync(tmp, this.file); // atomic: a crash never leaves half a snapshot
  }

  reset(): void {
    this.state = emptyState();
    this.changed();
  }
}

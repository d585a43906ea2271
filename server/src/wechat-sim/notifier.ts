import { randomUUID } from 'node:crypto';
import { request } from 'undici';
import { aeadEncrypt, AEAD_ALGORITHM } from '../wechat/protocol/aead';
import { nonceStr, PlatformSigner, signResponse } from '../wechat/protocol/signing';
import { formatWechatTime } from '../wechat/protocol/time';
import type { NotificationEnvelope, NotificationEventType, OriginalType } from '../wechat/protocol/types';
import type { NotificationRecord, SimStore } from './store';

/** WeChat's retry schedule after a failed delivery (15s, 15s, 30s, 3m, 10m, 20m, 30m ×3, 60m, 3h ×3, 6h ×2). */
export const WECHAT_RETRY_DELAYS_MS = [15, 15, 30, 180, 600, 1200, 1800, 1800, 1800, 3600, 10800, 10800, 10800, 21600, 21600].map((s) => s * 1000);

/** WeChat gives the merchant 5 seconds to answer before counting a delivery as failed. */
const DELIVERY_TIMEOUT_MS = 5000;

export interface NotifierDeps {
  store: SimStore;
  platform: PlatformSigner;
  apiV3Key: string;
  now: () => Date;
  retryDelaysMs: number[];
}

/**
 * Sends signed, encrypted notifications to merchants' notify_url and retries failed ones on
 * WeChat's schedule. Every attempt is recorded in the store; pending ones resume after a restart.
 */
export class Notifier {
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly aborter = new AbortController();

  constructor(private readonly deps: NotifierDeps) {}

  notify(eventType: NotificationEventType, originalType: OriginalType, summary: string, url: string, subject: string, resource: object): NotificationRecord {
    const nonce = nonceStr(12);
    const envelope: NotificationEnvelope = {
      id: randomUUID(),
      create_time: formatWechatTime(this.deps.now()),
      resource_type: 'encrypt-resource',
      event_type: eventType,
      summary,
      resource: {
        original_type: originalType,
        algorithm: AEAD_ALGORITHM,
        ciphertext: aeadEncrypt(JSON.stringify(resource), this.deps.apiV3Key, nonce, originalType),
        associated_data: originalType,
        nonce,
      },
    };
    const record: NotificationRecord = { id: envelope.id, event_type: eventType, subject, url, body: JSON.stringify(envelope), deliveries: [], state: 'pending' };
    this.deps.store.state.notifications.push(record);
    this.deps.store.changed();
    this.schedule(record, 0);
    return record;
  }

  /** Picks up deliveries that were pending when the snapshot was written. */
  resumePending(): void {
    for (const record of this.deps.store.state.notifications) if (record.state === 'pending') this.schedule(record, 0);
  }

  /** Drops scheduled retries (used by reset); deliveries in flight finish on their own. */
  cancelScheduled(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }

  close(): void {
    this.aborter.abort();
    this.cancelScheduled();
  }

  private schedule(record: NotificationRecord, delayMs: number): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      void this.deliver(record);
    }, delayMs);
    this.timers.add(timer);
  }

  private async deliver(record: NotificationRecord): Promise<void> {
    // Signed afresh for each attempt: a retry hours later must still pass the 5-minute window.
    const headers = { 'Content-Type': 'application/json', ...signResponse(this.deps.platform, record.body) };
    const at = this.deps.now().toISOString();
    try {
      // undici's `request`, not `fetch`: the checkout benchmark sends 200 of these a second on the
      // machine it measures, and fetch's WHATWG layers cost several times the CPU.
      const res = await request(record.url, {
        method: 'POST',
        headers,
        body: record.body,
        headersTimeout: DELIVERY_TIMEOUT_MS,
        bodyTimeout: DELIVERY_TIMEOUT_MS,
        signal: this.aborter.signal,
      });
      await res.body.dump();
      record.deliveries.push({ at, status: res.statusCode, ok: res.statusCode === 200 || res.statusCode === 204 });
    } catch (err) {
      if (this.aborter.signal.aborted) return; // shutting down: leave it pending for the next start
      record.deliveries.push({ at, error: (err as Error).message, ok: false });
    }
    const retryIndex = record.deliveries.length - 1;
    if (record.deliveries[retryIndex].ok) record.state = 'delivered';
    else if (retryIndex >= this.deps.retryDelaysMs.length) record.state = 'gave_up';
    else this.schedule(record, this.deps.retryDelaysMs[retryIndex]);
    this.deps.store.changed();
  }
}

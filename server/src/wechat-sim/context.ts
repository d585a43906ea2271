import type { KeyObject } from 'node:crypto';
import type { KeyMaterial } from '../wechat/protocol/dev-keys';
import type { PlatformSigner } from '../wechat/protocol/signing';
import type { Notifier } from './notifier';
import type { SimStore } from './store';

/** What every part of the simulator shares. */
export interface SimContext {
  keys: KeyMaterial;
  store: SimStore;
  notifier: Notifier;
  /** Business time (order, refund and bill times, code and link expiry); signatures use the real clock. */
  now: () => Date;
  platform: PlatformSigner;
  merchantPublicKey: KeyObject;
  /** Delay before a PROCESSING refund succeeds by itself; null leaves it to `/__sim/refunds/…`. */
  refundAutoCompleteMs: number | null;
  loginRateLimitPerMinute: number;
  /** Timers owned by the simulator (refund auto-completion), cleared on close. */
  timers: Set<NodeJS.Timeout>;
}

/** The canonical JSON of a request body, compared to tell an idempotent retry from a conflicting reuse. */
export function fingerprint(body: unknown): string {
  const sort = (v: unknown): unknown =>
    Array.isArray(v) ? v.map(sort) : v && typeof v === 'object' ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, sort((v as Record<string, unknown>)[k])])) : v;
  return JSON.stringify(sort(body));
}

/** A WeChat-looking id: prefix, Beijing date digits, then digits from the store's sequence and randomness. */
export function wechatId(ctx: SimContext, prefix: string, length: number): string {
  const date = new Date(ctx.now().getTime() + 8 * 3600 * 1000).toISOString().slice(0, 10).replace(/-/g, '');
  const seq = String(ctx.store.next()).padStart(6, '0');
  const head = `${prefix}${date}${seq}`;
  let tail = '';
  while (head.length + tail.length < length) tail += Math.floor(Math.random() * 10);
  return (head + tail).slice(0, Math.max(length, head.length));
}

/**
 * The local side of one bill date, keyed by the merchant's number (out_trade_no, out_refund_no,
 * out_bill_no), built to hold a million entries cheaply: the Map holds only key → slot, and the
 * per-entry facts live in typed arrays, so an entry costs its key string plus ~40 bytes instead
 * of a JS object per row (measured by `pnpm bench`, reconcile).
 */
export class KeyIndex {
  private readonly slots = new Map<string, number>();
  private amounts = new Int32Array(1024);
  private tags = new Int32Array(1024);
  private seen = new Uint8Array(1024);
  private count = 0;
  private sum = 0;

  get size(): number {
    return this.count;
  }

  /** Σ amounts of every entry. */
  get totalFen(): number {
    return this.sum;
  }

  /** `tag` is a 32-bit fingerprint of a secondary fact (the WeChat transaction id), 0 for none. */
  add(key: string, amountFen: number, tag = 0): void {
    if (this.slots.has(key)) return;
    if (this.count === this.amounts.length) this.grow();
    const slot = this.count++;
    this.slots.set(key, slot);
    this.amounts[slot] = amountFen;
    this.tags[slot] = tag;
    this.sum += amountFen;
  }

  /** The slot of `key`, or -1. */
  find(key: string): number {
    return this.slots.get(key) ?? -1;
  }

  amountAt(slot: number): number {
    return this.amounts[slot];
  }

  tagAt(slot: number): number {
    return this.tags[slot];
  }

  /** Marks the entry as met in the bill; false when it was met already (a duplicate bill line). */
  markSeen(slot: number): boolean {
    if (this.seen[slot]) return false;
    this.seen[slot] = 1;
    return true;
  }

  /** Entries the bill never mentioned: what WeChat does not know about. */
  *unseen(): Generator<{ key: string; amountFen: number }> {
    for (const [key, slot] of this.slots) if (!this.seen[slot]) yield { key, amountFen: this.amounts[slot] };
  }

  private grow(): void {
    const size = this.amounts.length * 2;
    const amounts = new Int32Array(size);
    amounts.set(this.amounts);
    const tags = new Int32Array(size);
    tags.set(this.tags);
    const seen = new Uint8Array(size);
    seen.set(this.seen);
    this.amounts = amounts;
    this.tags = tags;
    this.seen = seen;
  }
}

/** FNV-1a, 32 bits, never 0: a fingerprint that lets a million transaction ids be compared without keeping the strings. */
export function fingerprint(value: string | null | undefined): number {
  if (!value) return 0;
  let h = 0x811c9dc5;
  for (let i = 0; i < value.length; i++) {
    h ^= value.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h === 0 ? 1 : h;
}

/**
 * A bounded least-recently-used cache whose entries expire: hot conversations stay in memory,
 * idle ones fall out, and a stale entry lives at most `ttlMs`. Concurrent misses of one key share
 * one load.
 */
export class TtlCache<V> {
  private readonly entries = new Map<string, { value: V; expires: number }>();
  private readonly loading = new Map<string, Promise<V>>();

  constructor(
    private readonly maxEntries: number,
    private readonly ttlMs: number,
  ) {}

  async get(key: string, load: () => Promise<V>): Promise<V> {
    const hit = this.entries.get(key);
    if (hit && hit.expires > Date.now()) {
      // Re-inserted: Map order is the recency order.
      this.entries.delete(key);
      this.entries.set(key, hit);
      return hit.value;
    }
    const pending = this.loading.get(key);
    if (pending) return pending;
    const started = load().then(
      (value) => {
        if (this.loading.get(key) === started) {
          this.entries.delete(key);
          this.entries.set(key, { value, expires: Date.now() + this.ttlMs });
          if (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
        }
        return value;
      },
    ).finally(() => {
      if (this.loading.get(key) === started) this.loading.delete(key);
    });
    this.loading.set(key, started);
    return started;
  }

  /** Drops the entry, and any load under way is not kept (it may have read the old state). */
  delete(key: string): void {
    this.entries.delete(key);
    this.loading.delete(key);
  }
}

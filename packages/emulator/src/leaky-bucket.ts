interface BucketLevel {
  level: number;
  at: number;
}

/**
 * The portal's request-rate limit: a counter per source that grows by one per HTTP request
 * and drains `drainPerSecond`; a request that would push it above `bucketSize` is refused
 * (and, like on the real portal, does not fill the bucket further).
 *
 * @example
 * ```ts
 * const bucket = new LeakyBucket(2, 50);
 * bucket.take("127.0.0.1", Date.now()); // true until 50 requests are in the bucket
 * ```
 */
export class LeakyBucket {
  readonly #levels = new Map<string, BucketLevel>();

  constructor(
    readonly drainPerSecond: number,
    readonly bucketSize: number,
  ) {}

  /** Counts one request from `source` at `nowMs`; false when the bucket is full. */
  take(source: string, nowMs: number): boolean {
    let entry = this.#levels.get(source);
    if (entry === undefined) {
      entry = { level: 0, at: nowMs };
      this.#levels.set(source, entry);
    }
    const drained = Math.max(0, entry.level - ((nowMs - entry.at) / 1000) * this.drainPerSecond);
    entry.at = nowMs;
    entry.level = drained;
    if (drained + 1 > this.bucketSize) return false;
    entry.level = drained + 1;
    return true;
  }

  /** Empties every bucket. */
  clear(): void {
    this.#levels.clear();
  }
}

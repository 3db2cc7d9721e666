/**
 * How urgent a request is, for a {@link RateLimiter}'s queue: `"high"` for one that is worth
 * nothing late (a typing refresh, which has a deadline), `"normal"` for everything else.
 *
 * @example
 * ```ts
 * await limiter.acquire(signal, "high");
 * ```
 */
export type RequestPriority = "normal" | "high";

/**
 * The line of requests waiting for a rate limiter: two first-in-first-out lines, one per
 * {@link RequestPriority}. A high-priority waiter goes before normal ones, but never twice in
 * a row while a normal one waits, so that neither kind can starve the other: under
 * contention they alternate.
 *
 * @example
 * ```ts
 * const line = new WaitQueue<Waiter>();
 * line.push(userCall);
 * line.push(typingRefresh, "high");
 * line.shift(); // typingRefresh
 * line.shift(); // userCall
 * ```
 */
export class WaitQueue<T> {
  readonly #high: T[] = [];
  readonly #normal: T[] = [];
  // Set when a high-priority waiter went while a normal one waited: a normal one goes next.
  #owed = false;

  /** How many wait, in both lines. */
  get size(): number {
    return this.#high.length + this.#normal.length;
  }

  /** Joins the end of the line of `priority`. */
  push(waiter: T, priority: RequestPriority = "normal"): void {
    (priority === "high" ? this.#high : this.#normal).push(waiter);
  }

  /** Takes the waiter whose turn it is. */
  shift(): T | undefined {
    if (this.#normal.length > 0 && (this.#high.length === 0 || this.#owed)) {
      this.#owed = false;
      return this.#normal.shift();
    }
    this.#owed = this.#normal.length > 0;
    return this.#high.shift();
  }

  /** Takes a waiter out wherever it stands (an aborted wait). */
  remove(waiter: T): void {
    for (const line of [this.#high, this.#normal]) {
      const index = line.indexOf(waiter);
      if (index >= 0) line.splice(index, 1);
    }
  }
}

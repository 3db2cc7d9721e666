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
 * How long a normal request may be overtaken freely: once the first one has waited this long,
 * normal and high-priority requests take turns, so typing can delay the caller's calls but
 * never starve them.
 *
 * @example
 * ```ts
 * const aged = now - since >= NORMAL_MAX_WAIT_MS;
 * ```
 */
export const NORMAL_MAX_WAIT_MS = 5_000;

interface Waiting<T> {
  readonly waiter: T;
  readonly since: number;
}

/**
 * The line of requests waiting for a rate limiter: two first-in-first-out lines, one per
 * {@link RequestPriority}. A high-priority waiter goes before normal ones — a typing refresh
 * has a deadline, a caller's call usually has none — until the first normal one has waited
 * {@link NORMAL_MAX_WAIT_MS}; from then on the two lines take turns, so neither starves.
 *
 * @example
 * ```ts
 * const line = new WaitQueue<Waiter>(() => performance.now());
 * line.push(userCall);
 * line.push(typingRefresh, "high");
 * line.shift(); // typingRefresh
 * line.shift(); // userCall
 * ```
 */
export class WaitQueue<T> {
  readonly #high: Waiting<T>[] = [];
  readonly #normal: Waiting<T>[] = [];
  // Whether the last one served was a normal waiter that had waited too long.
  #agedWent = false;

  /** `now` reads the time waits are measured on (a stopwatch, in ms). */
  constructor(private readonly now: () => number) {}

  /** How many wait, in both lines. */
  get size(): number {
    return this.#high.length + this.#normal.length;
  }

  /** Joins the end of the line of `priority`. */
  push(waiter: T, priority: RequestPriority = "normal"): void {
    const line = priority === "high" ? this.#high : this.#normal;
    line.push({ waiter, since: this.now() });
  }

  /** Takes the waiter whose turn it is. */
  shift(): T | undefined {
    const first = this.#normal[0];
    const aged = first !== undefined && this.now() - first.since >= NORMAL_MAX_WAIT_MS;
    const normalsTurn = this.#high.length === 0 || (aged && !this.#agedWent);
    this.#agedWent = normalsTurn && aged;
    return (normalsTurn ? this.#normal : this.#high).shift()?.waiter;
  }

  /** Takes a waiter out wherever it stands (an aborted wait). */
  remove(waiter: T): void {
    for (const line of [this.#high, this.#normal]) {
      const index = line.findIndex((waiting) => waiting.waiter === waiter);
      if (index >= 0) line.splice(index, 1);
    }
  }
}

/**
 * An opaque timer handle, as returned by {@link Clock.setTimeout}.
 *
 * @example
 * ```ts
 * const handle: TimerHandle = clock.setTimeout(refresh, 4_000);
 * clock.clearTimeout(handle); // the lease ended before the refresh was due
 * ```
 */
export type TimerHandle = unknown;

/**
 * Where core reads time and schedules work. Injected so that every policy (rate limiter,
 * backoff, typing schedule) can be tested on a fake clock without waiting.
 *
 * Two readings, for two jobs. `now()` is the wall clock: core compares it only with what the
 * portal's timestamps mean (`operating_reset_at`, `RateLimitError.retryAt`, an OAuth token's
 * expiry), and it may step — NTP, a resumed VM, a user changing the time. `monotonic()` is a
 * stopwatch that never steps: every interval (rate-limit drain, typing refreshes, lease
 * deadlines, durations) is measured on it, so a step of the wall clock changes none of them.
 * Timers (`setTimeout`) count elapsed time, like the platform's. A clock without `monotonic`
 * (one written before it existed) still works: core then measures intervals on `now()`.
 *
 * @example
 * ```ts
 * import { createClient, systemClock } from "@b24im/core";
 *
 * const client = createClient({ webhook, transport, clock: systemClock });
 * ```
 */
export interface Clock {
  /** Wall-clock time, milliseconds since the epoch. May step back or forth. */
  now(): number;
  /**
   * Milliseconds from an arbitrary origin on a clock that never steps, e.g.
   * `performance.now()`. Optional: without it, intervals are measured on `now()`.
   */
  monotonic?(): number;
  /** Runs `callback` after `ms` of elapsed time. */
  setTimeout(callback: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
}

/**
 * The real clock: `Date.now` for the wall clock, `performance.now` (available in browsers,
 * Node, Deno, Bun and workers) for intervals, and the global timers.
 *
 * @example
 * ```ts
 * import { systemClock } from "@b24im/core";
 *
 * const handle = systemClock.setTimeout(() => console.log("tick"), 1000);
 * systemClock.clearTimeout(handle);
 * ```
 */
export const systemClock: Clock = {
  now: () => Date.now(),
  monotonic: () => performance.now(),
  setTimeout: (callback, ms) => globalThis.setTimeout(callback, ms),
  clearTimeout: (handle) => globalThis.clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/**
 * The stopwatch of a clock: its `monotonic()` reading, or `now()` for a clock without one.
 * Everything core measures an interval with reads this.
 *
 * @example
 * ```ts
 * const elapsed = stopwatchOf(clock);
 * const started = elapsed();
 * await work();
 * const durationMs = elapsed() - started;
 * ```
 */
export function stopwatchOf(clock: Clock): () => number {
  const monotonic = clock.monotonic;
  return typeof monotonic === "function" ? () => monotonic.call(clock) : () => clock.now();
}

/** An opaque timer handle, as returned by {@link Clock.setTimeout}. */
export type TimerHandle = unknown;

/**
 * Where core reads time and schedules work. Injected so that every policy (rate limiter,
 * backoff, typing schedule) can be tested on a fake clock without waiting.
 *
 * @example
 * ```ts
 * import { createClient, systemClock } from "@b24im/core";
 *
 * const client = createClient({ webhook, transport, clock: systemClock });
 * ```
 */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  setTimeout(callback: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
}

/**
 * The real clock: `Date.now` and the global timers.
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
  setTimeout: (callback, ms) => globalThis.setTimeout(callback, ms),
  clearTimeout: (handle) => globalThis.clearTimeout(handle as ReturnType<typeof setTimeout>),
};

import type { Clock } from "@b24im/core";

/**
 * The clock this package counts waits and Redis's time budget on: `performance.now()`, which
 * never steps, so a step of the wall clock cannot cut or stretch them. (Redis's own clock
 * decides the schedules; this one only counts down.)
 *
 * @example
 * ```ts
 * await callRedis(run, { clock: monotonicClock, secrets: [] });
 * ```
 */
export const monotonicClock: Clock = {
  now: () => performance.now(),
  setTimeout: (callback, ms) => globalThis.setTimeout(callback, ms),
  clearTimeout: (handle) => globalThis.clearTimeout(handle as ReturnType<typeof setTimeout>),
};

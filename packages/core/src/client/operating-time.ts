import { sleep } from "../async/abort.js";
import { type Clock, stopwatchOf } from "../async/clock.js";

/**
 * The part of an answer's `time` this policy reads (Bitrix24 units: seconds).
 *
 * @example
 * ```ts
 * const time: OperatingTimeReport = { operating: 401.2, operating_reset_at: 1_767_225_600 };
 * operating.record("im.dialog.writing", time); // past 80 % of the budget: one call a second
 * ```
 */
export interface OperatingTimeReport {
  /** Server seconds this method used in the last ten minutes. */
  operating?: number;
  /** Unix seconds when the oldest of those minutes drops out. */
  operating_reset_at?: number;
}

/**
 * Per-method pacing from the portal's operating-time accounting.
 *
 * @example
 * ```ts
 * const operating: OperatingTime = createOperatingTime(systemClock);
 * if (operating.busy("im.dialog.writing")) await operating.wait("im.dialog.writing", signal);
 * // after OPERATION_TIME_LIMIT:
 * if (error.retryAt) operating.hold("im.dialog.writing", error.retryAt);
 * ```
 */
export interface OperatingTime {
  /** Resolves when a call of `method` may go; rejects with `signal.reason` on abort. */
  wait(method: string, signal?: AbortSignal): Promise<void>;
  /** Whether `method` is held or paced now, i.e. whether `wait` could wait at all. */
  busy(method: string): boolean;
  /** Reads an answer's `time` for `method`. */
  record(method: string, time: OperatingTimeReport | undefined): void;
  /**
   * Holds `method`, and no other, until `until` (epoch ms, the portal's `operating_reset_at`):
   * after `OPERATION_TIME_LIMIT`. A time in the past holds nothing; one beyond the ten-minute
   * window (plus a minute of clock skew) holds until the end of that window.
   */
  hold(method: string, until: number): void;
}

// The documented budget is 480 s per method in ten minutes (now "set by configuration").
// From 80 % of it the method is paced to one call a second until the oldest minute drops.
const SLOW_FROM_SECONDS = 384;
const SLOW_SPACING_MS = 1000;
const UNKNOWN_RESET_MS = 60_000;
// The budget is counted over ten rolling minutes, so a reset never lies further ahead; a
// minute more allows for the portal's clock running ahead of ours.
const LATEST_RESET_MS = 600_000 + 60_000;

/**
 * How long until a reset the portal announced (epoch ms, its clock) frees the method, read
 * plausibly against the wall clock `wallNow`: a time in the past is now, and one beyond the
 * ten-minute window (a portal or proxy with a wrong clock) is the end of that window.
 * Trusting it would hold a method for a month.
 */
function plausibleWait(resetAt: number, wallNow: number): number {
  return Math.min(Math.max(0, resetAt - wallNow), LATEST_RESET_MS);
}

interface MethodState {
  holdUntil: number;
  slowUntil: number;
  nextAt: number;
}

/**
 * Tracks the operating time the portal reports per method. Near the budget it spaces that
 * method's calls; after `OPERATION_TIME_LIMIT` it holds that method until the reset time, read
 * plausibly (never further than the ten-minute window ahead, never in the past).
 * Other methods are never delayed. Method names are compared case-insensitively.
 *
 * @example
 * ```ts
 * const operating = createOperatingTime(clock);
 * await operating.wait("im.dialog.writing", signal);
 * operating.record("im.dialog.writing", result.time);
 * ```
 */
export function createOperatingTime(clock: Clock): OperatingTime {
  // The portal's times are turned into waits on arrival; the waits run on the stopwatch, so a
  // later step of the wall clock neither frees nor extends a hold.
  const elapsed = stopwatchOf(clock);
  const states = new Map<string, MethodState>();
  const stateOf = (method: string): MethodState => {
    const key = method.toLowerCase();
    const state = states.get(key) ?? { holdUntil: 0, slowUntil: 0, nextAt: 0 };
    states.set(key, state);
    return state;
  };

  return {
    async wait(method, signal) {
      const key = method.toLowerCase();
      for (;;) {
        const state = states.get(key);
        const now = elapsed();
        if (!state || now >= Math.max(state.holdUntil, state.slowUntil)) {
          states.delete(key);
          return;
        }
        const readyAt = Math.max(state.holdUntil, now < state.slowUntil ? state.nextAt : 0);
        if (readyAt <= now) {
          state.nextAt = now + SLOW_SPACING_MS;
          return;
        }
        await sleep(clock, readyAt - now, signal);
      }
    },
    busy(method) {
      const state = states.get(method.toLowerCase());
      return state !== undefined && elapsed() < Math.max(state.holdUntil, state.slowUntil);
    },
    record(method, time) {
      if (!time || typeof time.operating !== "number" || time.operating < SLOW_FROM_SECONDS) return;
      const resetAt = time.operating_reset_at;
      stateOf(method).slowUntil =
        elapsed() +
        (typeof resetAt === "number"
          ? plausibleWait(resetAt * 1000, clock.now())
          : UNKNOWN_RESET_MS);
    },
    hold(method, until) {
      const state = stateOf(method);
      state.holdUntil = Math.max(state.holdUntil, elapsed() + plausibleWait(until, clock.now()));
    },
  };
}

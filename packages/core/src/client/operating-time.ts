import { sleep } from "../async/abort.js";
import type { Clock } from "../async/clock.js";

/** The part of an answer's `time` this policy reads (Bitrix24 units: seconds). */
export interface OperatingTimeReport {
  /** Server seconds this method used in the last ten minutes. */
  operating?: number;
  /** Unix seconds when the oldest of those minutes drops out. */
  operating_reset_at?: number;
}

/** Per-method pacing from the portal's operating-time accounting. */
export interface OperatingTime {
  /** Resolves when a call of `method` may go; rejects with `signal.reason` on abort. */
  wait(method: string, signal?: AbortSignal): Promise<void>;
  /** Whether `method` is held or paced now, i.e. whether `wait` could wait at all. */
  busy(method: string): boolean;
  /** Reads an answer's `time` for `method`. */
  record(method: string, time: OperatingTimeReport | undefined): void;
  /** Holds `method`, and no other, until `until` (epoch ms): after `OPERATION_TIME_LIMIT`. */
  hold(method: string, until: number): void;
}

// The documented budget is 480 s per method in ten minutes (now "set by configuration").
// From 80 % of it the method is paced to one call a second until the oldest minute drops.
const SLOW_FROM_SECONDS = 384;
const SLOW_SPACING_MS = 1000;
const UNKNOWN_RESET_MS = 60_000;

interface MethodState {
  holdUntil: number;
  slowUntil: number;
  nextAt: number;
}

/**
 * Tracks the operating time the portal reports per method. Near the budget it spaces that
 * method's calls; after `OPERATION_TIME_LIMIT` it holds that method until the reset time.
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
        const now = clock.now();
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
      return state !== undefined && clock.now() < Math.max(state.holdUntil, state.slowUntil);
    },
    record(method, time) {
      if (!time || typeof time.operating !== "number" || time.operating < SLOW_FROM_SECONDS) return;
      const resetAt = time.operating_reset_at;
      const now = clock.now();
      stateOf(method).slowUntil =
        typeof resetAt === "number" ? resetAt * 1000 : now + UNKNOWN_RESET_MS;
    },
    hold(method, until) {
      const state = stateOf(method);
      state.holdUntil = Math.max(state.holdUntil, until);
    },
  };
}

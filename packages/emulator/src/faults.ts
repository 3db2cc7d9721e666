/**
 * A misbehaviour the emulator can be told to show.
 *
 * @example
 * ```ts
 * const fault: Fault = { kind: "status", status: 503, error: "QUERY_LIMIT_EXCEEDED" };
 * emulator.faults.add(fault);
 * ```
 */
export type Fault =
  /** Destroy the socket without answering. */
  | { kind: "reset" }
  /** Never answer (until `close()`). */
  | { kind: "hang" }
  /** Answer normally after `ms`. */
  | { kind: "delay"; ms: number }
  /** An nginx-like HTML error page, 502 by default. */
  | { kind: "html"; status?: 502 | 504 }
  /** 200 with the normal JSON body cut in the middle. */
  | { kind: "cutJson" }
  /** An arbitrary error envelope, e.g. `{status: 503, error: "QUERY_LIMIT_EXCEEDED"}`. */
  | { kind: "status"; status: number; error: string | number; description?: string }
  /** Answer 401 `expired_token`; an OAuth token used is expired for good. */
  | { kind: "expireToken" };

/**
 * A fault with how often and for which method to show it.
 *
 * @example
 * ```ts
 * const flaky: ScheduledFault = { kind: "reset", times: 2, method: "im.dialog.writing" };
 * emulator.faults.add(flaky);
 * ```
 */
export type ScheduledFault = Fault & {
  /** How many matching requests get it; default 1. */
  times?: number;
  /** Only requests of this REST method (case-insensitive; `"batch"` and `"oauth.token"` too). */
  method?: string;
};

/**
 * Scheduling of faults.
 *
 * @example
 * ```ts
 * emulator.faults.add({ kind: "html", status: 502 });
 * emulator.faults.add({ kind: "delay", ms: 2_000, method: "oauth.token" });
 * emulator.faults.clear(); // the next test starts with a healthy portal
 * ```
 */
export interface Faults {
  /** Schedules a fault for the next `times` (default 1) matching requests. */
  add(fault: ScheduledFault): void;
  /** Drops every scheduled fault. */
  clear(): void;
}

interface Pending {
  fault: Fault;
  left: number;
  method: string | undefined;
}

/**
 * The queue of scheduled faults, first scheduled first served. A fault without `method`
 * matches REST calls only (not `/oauth/token/`); one with `method: "oauth.token"` matches
 * token refreshes.
 *
 * @example
 * ```ts
 * const faults = new FaultQueue();
 * faults.add({ kind: "html", status: 504, method: "im.dialog.writing", times: 2 });
 * faults.take("im.dialog.writing"); // { kind: "html", status: 504 }
 * ```
 */
export class FaultQueue implements Faults {
  readonly #pending: Pending[] = [];

  add(fault: ScheduledFault): void {
    const { times = 1, method, ...rest } = fault;
    if (times <= 0) return;
    this.#pending.push({ fault: rest as Fault, left: times, method: method?.toLowerCase() });
  }

  clear(): void {
    this.#pending.length = 0;
  }

  /** The fault the next request of `method` (lowercase) must show, if any; uses it up. */
  take(method: string): Fault | undefined {
    if (this.#pending.length === 0) return undefined;
    const index = this.#pending.findIndex((pending) =>
      pending.method === undefined ? method !== "oauth.token" : pending.method === method,
    );
    const pending = this.#pending[index];
    if (pending === undefined) return undefined;
    if (--pending.left === 0) this.#pending.splice(index, 1);
    return pending.fault;
  }
}

import type { Clock } from "./clock.js";

/**
 * Waits `ms` on the clock. An abort rejects at once with the signal's `reason` and clears
 * the timer, so an abandoned wait holds nothing.
 *
 * @example
 * ```ts
 * await sleep(clock, 500, signal); // rejects with signal.reason if aborted first
 * ```
 */
export function sleep(clock: Clock, ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = () => {
      clock.clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = clock.setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

/** A signal that aborts when any of its sources does, and a way to stop listening to them. */
export interface LinkedSignal {
  signal: AbortSignal;
  /** Detaches from the sources; call it when the work is done so they keep no reference. */
  unlink(): void;
}

/**
 * Combines signals (missing ones are skipped); the result aborts with the first source's
 * reason. Unlike `AbortSignal.any` it detaches explicitly, so a long-lived source (a
 * client's close signal) does not collect a listener per call.
 *
 * @example
 * ```ts
 * const linked = linkSignals(options.signal, closing.signal);
 * try { await limiter.acquire(linked.signal); } finally { linked.unlink(); }
 * ```
 */
export function linkSignals(...sources: Array<AbortSignal | undefined>): LinkedSignal {
  const controller = new AbortController();
  const live = sources.filter((s): s is AbortSignal => s !== undefined);
  const unlink = () => {
    for (const source of live) source.removeEventListener("abort", onAbort);
  };
  const onAbort = function (this: AbortSignal) {
    unlink();
    controller.abort(this.reason);
  };
  for (const source of live) {
    if (source.aborted) {
      controller.abort(source.reason);
      break;
    }
    source.addEventListener("abort", onAbort);
  }
  if (controller.signal.aborted) unlink();
  return { signal: controller.signal, unlink };
}

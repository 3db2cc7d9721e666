import { TimeoutError } from "../protocol/errors.js";
import type { HttpRequest } from "../protocol/http.js";
import { MAX_DELAY_MS } from "../protocol/option-check.js";
import { secretsOf } from "../protocol/redact.js";
import { type Clock, systemClock } from "./clock.js";
import { onAbort } from "./on-abort.js";

/**
 * Waits `ms` on the clock, at most {@link MAX_DELAY_MS} (a longer timer would fire at once).
 * An abort rejects at once with the signal's `reason` and clears the timer, so an abandoned
 * wait holds nothing.
 *
 * @example
 * ```ts
 * await sleep(clock, 500, signal); // rejects with signal.reason if aborted first
 * ```
 */
export function sleep(clock: Clock, ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = clock.setTimeout(
      () => {
        stop?.();
        resolve();
      },
      Math.min(ms, MAX_DELAY_MS),
    );
    const stop =
      signal &&
      onAbort(signal, () => {
        clock.clearTimeout(timer);
        reject(signal.reason);
      });
  });
}

/**
 * Settles as `promise` does, or rejects with the signal's reason as soon as it aborts —
 * for waits on code that may not honour a signal itself (a `RateLimiter` of the caller's).
 *
 * @example
 * ```ts
 * await whenNotAborted(limiter.acquire(signal), signal);
 * ```
 */
export function whenNotAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise((resolve, reject) => {
    const stop = onAbort(signal, () => reject(signal.reason));
    promise.then(
      (value) => {
        stop();
        resolve(value);
      },
      (error: unknown) => {
        stop();
        reject(error);
      },
    );
  });
}

/**
 * A task's signal in a {@link SignalGroup}, and a way to leave the group.
 *
 * @example
 * ```ts
 * const linked: LinkedSignal = tasks.link(options.signal);
 * try {
 *   await sleep(clock, delayMs, linked.signal);
 * } finally {
 *   linked.unlink();
 * }
 * ```
 */
export interface LinkedSignal {
  /** Made on first read: a task that never waits never pays for an AbortController. */
  readonly signal: AbortSignal;
  /** Leaves the group and stops listening to the caller's signal; call it when the task ends. */
  unlink(): void;
}

/**
 * Signals for many concurrent tasks that one call ends together.
 *
 * @example
 * ```ts
 * const tasks: SignalGroup = createSignalGroup();
 * const linked = tasks.link(callerSignal);
 * tasks.abortAll(new ClientClosedError());
 * linked.signal.aborted; // true
 * ```
 */
export interface SignalGroup {
  /** True once {@link SignalGroup.abortAll} was called. */
  readonly aborted: boolean;
  /**
   * A signal for one task: it aborts with the caller's `signal` (if any) or with the group,
   * whichever comes first.
   */
  link(signal?: AbortSignal): LinkedSignal;
  /** Aborts every linked task's signal, and every later one, with `reason`. */
  abortAll(reason: unknown): void;
}

/**
 * Groups the signals of a client's in-flight tasks so that `close()` can abort them all.
 * Unlike linking each task to one shared "closing" signal, no listener piles up on a shared
 * signal — Node warns (`MaxListenersExceededWarning`) past ten of them.
 *
 * @example
 * ```ts
 * const tasks = createSignalGroup();
 * const linked = tasks.link(options.signal);
 * try { await limiter.acquire(linked.signal); } finally { linked.unlink(); }
 * // on close:
 * tasks.abortAll(new ClientClosedError());
 * ```
 */
export function createSignalGroup(): SignalGroup {
  const members = new Set<AbortController>();
  let ended: { reason: unknown } | undefined;
  return {
    get aborted() {
      return ended !== undefined;
    },
    link(source) {
      let controller: AbortController | undefined;
      let unlinked = false;
      let stop: (() => void) | undefined;
      return {
        get signal() {
          if (controller) return controller.signal;
          controller = new AbortController();
          // Made late, it cannot tell which abort came first: the caller's reason wins.
          if (unlinked) return controller.signal;
          if (source?.aborted) controller.abort(source.reason);
          else if (ended) controller.abort(ended.reason);
          else {
            members.add(controller);
            const made = controller;
            if (source) stop = onAbort(source, () => made.abort(source.reason));
          }
          return controller.signal;
        },
        unlink() {
          unlinked = true;
          if (!controller) return;
          members.delete(controller);
          stop?.();
        },
      };
    },
    abortAll(reason) {
      if (ended) return;
      ended = { reason };
      for (const controller of members) controller.abort(reason);
      members.clear();
    },
  };
}

/**
 * A request's end: the caller's abort or the time limit, whichever comes first.
 *
 * @example
 * ```ts
 * const deadline: Deadline = createDeadline(signal, 5_000);
 * await work(deadline.signal).catch(() => {});
 * if (deadline.timedOut) console.warn("no answer within 5 s");
 * deadline.clear();
 * ```
 */
export interface Deadline {
  /** Pass it to the request: it aborts with the caller's reason, or on the time limit. */
  readonly signal: AbortSignal;
  /** True once the time limit (not the caller) ended the request. */
  readonly timedOut: boolean;
  /**
   * For a failed request: when the caller's abort or the time limit ended it, throws the
   * caller's reason or a `TimeoutError` (caused by `cause`, without the request's secrets);
   * otherwise returns, and the transport maps the failure itself.
   */
  throwIfEnded(cause: unknown, request: HttpRequest): void;
  /** Clears the timer and the listener on the caller's signal; call it when the request settles. */
  clear(): void;
}

/**
 * Combines a caller's signal with a time limit into one signal, for transports. Unlike
 * `AbortSignal.any` + `AbortSignal.timeout`, it keeps no timer once cleared and no listener
 * on a long-lived caller signal (both retain memory per request on Node 20).
 *
 * @example
 * ```ts
 * const deadline = createDeadline(options.signal, options.timeoutMs);
 * try {
 *   return await fetch(request.url, { signal: deadline.signal });
 * } catch (error) {
 *   deadline.throwIfEnded(error, request);
 *   throw new TransportError(`${request.url} failed`, { cause: error, secrets: secretsOf(request) });
 * } finally {
 *   deadline.clear();
 * }
 * ```
 */
export function createDeadline(
  signal: AbortSignal | undefined,
  timeoutMs: number,
  clock: Clock = systemClock,
): Deadline {
  const controller = new AbortController();
  const stop = signal && onAbort(signal, () => controller.abort(signal.reason));
  let timedOut = false;
  // Cut to what timers honour: a longer one would fire at once and time every request out.
  const timer = clock.setTimeout(
    () => {
      timedOut = true;
      controller.abort();
    },
    Math.min(timeoutMs, MAX_DELAY_MS),
  );
  return {
    signal: controller.signal,
    get timedOut() {
      return timedOut;
    },
    throwIfEnded(cause, request) {
      if (signal?.aborted) throw signal.reason;
      if (timedOut) throw new TimeoutError(timeoutMs, { cause, secrets: secretsOf(request) });
    },
    clear() {
      clock.clearTimeout(timer);
      stop?.();
    },
  };
}

import { type Clock, stopwatchOf } from "../async/clock.js";
import { onAbort } from "../async/on-abort.js";
import { MAX_DELAY_MS } from "../protocol/option-check.js";
import { type RequestPriority, WaitQueue } from "./wait-queue.js";

/**
 * Decides when the next request may go to the portal. The in-memory
 * {@link createLeakyBucket} is the default; a shared limiter (e.g. over Redis, for several
 * processes behind one IP) can implement this instead.
 *
 * @example
 * ```ts
 * const shared: RateLimiter = {
 *   acquire: (signal, priority) => redisBucket.take(signal, priority),
 *   saturate: () => redisBucket.fill(),
 * };
 * createClient({ webhook, transport, rateLimit: shared });
 * ```
 */
export interface RateLimiter {
  /**
   * Resolves when one request may be sent, waiting in FIFO order. An abort rejects at once
   * with `signal.reason` and gives the place to the next waiter.
   *
   * `priority` (optional; a limiter may ignore it) is `"high"` for a typing refresh, which
   * is worth nothing once its indicator has lapsed, and `"normal"` (or absent) for the
   * caller's own calls: a high-priority request should go before normal ones that wait,
   * though not before one that has waited long (5 s in {@link createLeakyBucket}), so typing
   * cannot starve the caller. A limiter that ignores it still works; typing then waits its
   * turn behind the caller's calls.
   */
  acquire(signal?: AbortSignal, priority?: RequestPriority): Promise<void>;
  /**
   * Optional fast path: takes a slot and returns `true` when one is free right now, without
   * queueing; `false` means "call `acquire`". Lets a caller skip preparing to wait.
   */
  tryAcquire?(): boolean;
  /** The portal answered `QUERY_LIMIT_EXCEEDED`: treat its bucket as full. */
  saturate(): void;
}

/**
 * The portal's bucket: it fills by one per request and drains continuously.
 *
 * @example
 * ```ts
 * // Half the standard rate: another app of ours calls the same portal from the same IP.
 * const rateLimit: LeakyBucketOptions = { drainPerSecond: 1, bucketSize: 25 };
 * createClient({ webhook, transport, rateLimit });
 * ```
 */
export interface LeakyBucketOptions {
  drainPerSecond: number;
  bucketSize: number;
}

/**
 * The portal's published limits: `standard` drains 2 requests/s with a bucket of 50,
 * `enterprise` 5/s with 250.
 *
 * @example
 * ```ts
 * createLeakyBucket({ ...RATE_LIMIT_PRESETS.enterprise, clock: systemClock });
 * ```
 */
export const RATE_LIMIT_PRESETS = {
  standard: { drainPerSecond: 2, bucketSize: 50 },
  enterprise: { drainPerSecond: 5, bucketSize: 250 },
} as const satisfies Record<string, LeakyBucketOptions>;

// Float rounding must not make a request that exactly fits wait another tick.
const EPSILON = 1e-9;

interface Waiter {
  resolve(): void;
}

/**
 * A leaky bucket that mirrors the portal's. A fresh bucket lets a full burst of
 * `bucketSize` out at once; after that each request waits for room, first in first out —
 * except that a `"high"`-priority request (a typing refresh) goes before the normal ones
 * waiting, unless one of those has waited 5 s already (see {@link WaitQueue}).
 *
 * The portal counts arrivals, not departures, so network jitter can bunch requests that
 * left evenly spaced. The first time a caller has to wait, the bucket books one phantom
 * request as a margin, and keeps it for as long as the bucket does not run empty: the
 * client then runs at the full drain rate with the portal's counter one below its limit.
 * The margin is booked once, not per wait — a caller that always waits for its previous
 * request (the typing scheduler) still gets the whole rate.
 *
 * @example
 * ```ts
 * const limiter = createLeakyBucket({ drainPerSecond: 2, bucketSize: 50, clock: systemClock });
 * await limiter.acquire(signal);
 * await transport.send(request, { signal, timeoutMs: 30_000 });
 * ```
 */
export function createLeakyBucket(options: LeakyBucketOptions & { clock: Clock }): RateLimiter {
  const { drainPerSecond, bucketSize, clock } = options;
  const elapsed = stopwatchOf(clock);
  const queue = new WaitQueue<Waiter>(elapsed);
  let level = 0;
  // Whether `level` holds the margin; it drains away with the rest once the bucket empties.
  let margin = false;
  let updatedAt = elapsed();
  let timer: unknown;

  const leak = () => {
    const now = elapsed();
    level -= ((now - updatedAt) * drainPerSecond) / 1000;
    updatedAt = now;
    if (level <= 0) {
      level = 0;
      margin = false;
    }
  };
  const fits = () => level + 1 <= bucketSize + EPSILON;

  const tryAcquire = (): boolean => {
    leak();
    if (queue.size > 0 || !fits()) return false;
    level += 1;
    return true;
  };

  const pump = () => {
    clock.clearTimeout(timer);
    timer = undefined;
    leak();
    while (queue.size > 0 && fits()) {
      level += 1;
      queue.shift()?.resolve();
    }
    if (queue.size > 0) {
      // A very slow custom drain could ask for more than timers honour; pump re-checks anyway.
      const waitMs = Math.ceil(((level + 1 - bucketSize) * 1000) / drainPerSecond);
      timer = clock.setTimeout(pump, Math.min(waitMs, MAX_DELAY_MS));
    }
  };

  return {
    tryAcquire,
    acquire(signal, priority) {
      if (signal?.aborted) return Promise.reject(signal.reason);
      if (tryAcquire()) return Promise.resolve();
      if (!margin) {
        margin = true;
        level += 1;
      }
      return new Promise<void>((resolve, reject) => {
        const waiter: Waiter = {
          resolve: () => {
            stop?.();
            resolve();
          },
        };
        queue.push(waiter, priority);
        const stop =
          signal &&
          onAbort(signal, () => {
            queue.remove(waiter);
            reject(signal.reason);
            pump();
          });
        if (timer === undefined) pump();
      });
    },
    saturate() {
      leak();
      level = Math.max(level, bucketSize);
      if (queue.size > 0) pump();
    },
  };
}

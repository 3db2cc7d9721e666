import { isAbortSignal, need, type RateLimiter, type RequestPriority } from "@b24im/core";
import { checkLimiterOptions, type RedisRateLimiterOptions } from "./options.js";
import { createReservationQueue } from "./queue/reservation-queue.js";
import { createRedisBucket } from "./redis/bucket-store.js";
import { monotonicClock } from "./redis/monotonic-clock.js";

/**
 * Core's `RateLimiter`, over Redis: `acquire`'s `priority` lets core's typing refreshes go
 * before this process's other waiting calls.
 *
 * @example
 * ```ts
 * const limiter: RedisRateLimiter = createRedisRateLimiter({ redis, key });
 * await limiter.acquire(signal, "high");
 * ```
 */
export interface RedisRateLimiter extends RateLimiter {
  /**
   * Resolves when one request may be sent, after this process's earlier waiters and the
   * fleet's earlier reservations. Rejects at once with `signal.reason` on abort; with
   * `RateLimitError` (`LIMITER_MAX_WAIT`) when the wait would exceed `maxWaitMs`; with a
   * retryable `B24Error` (`LIMITER_UNAVAILABLE`) when Redis could not decide.
   */
  acquire(signal?: AbortSignal, priority?: RequestPriority): Promise<void>;
  /** The portal answered `QUERY_LIMIT_EXCEEDED`: every process's bucket is full now. */
  saturate(): void;
}

/**
 * A rate limiter that every process sending to one portal from one IP shares through
 * Redis, so that together they stay within the portal's limit. Pass it to each client:
 * `createClient({ rateLimit: limiter })`.
 *
 * One Lua script on Redis's own clock keeps the portal's leaky bucket; each call reserves
 * its slot in one round trip and learns how long to wait. Each process holds one
 * reservation at a time, behind which its own calls queue in FIFO order. A
 * `QUERY_LIMIT_EXCEEDED` seen by any process fills the bucket for all. When Redis is down
 * or slow, calls wait up to 2 s and then fail with a retryable `B24Error`
 * (`LIMITER_UNAVAILABLE`), unsent: never a burst past the limit. A bucket key that does
 * not exist (first use, a restarted Redis) starts full.
 *
 * @example
 * ```ts
 * import { createClient } from "@b24im/core";
 * import { createRedisRateLimiter } from "@b24im/limiter-redis";
 * import { createNodeTransport } from "@b24im/transport-node";
 * import { createClient as createRedis } from "@redis/client";
 *
 * const redis = await createRedis({ url: process.env.REDIS_URL }).connect();
 * const limiter = createRedisRateLimiter({ redis, key: "b24im:example.bitrix24.ru:203.0.113.7" });
 * const client = createClient({
 *   webhook: process.env.B24_WEBHOOK_URL,
 *   transport: createNodeTransport(),
 *   rateLimit: limiter,
 * });
 * await client.writing("chat1");
 * ```
 */
export function createRedisRateLimiter(options: RedisRateLimiterOptions): RedisRateLimiter {
  const { client, key, shape, maxWaitMs } = checkLimiterOptions(options);
  const clock = monotonicClock;
  const bucket = createRedisBucket({ client, key, shape, clock });
  const queue = createReservationQueue({
    bucket,
    clock,
    ...(maxWaitMs === undefined ? {} : { maxWaitMs }),
  });
  return {
    acquire(signal, priority) {
      try {
        checkAcquire(signal, priority);
      } catch (error) {
        return Promise.reject(error);
      }
      return queue.acquire(signal, priority);
    },
    saturate: () => queue.saturate(),
  };
}

// Core passes a real signal; a caller of its own may pass anything.
function checkAcquire(signal: unknown, priority: unknown): void {
  need(signal === undefined || isAbortSignal(signal), "signal", "an AbortSignal", signal);
  need(
    priority === undefined || priority === "high" || priority === "normal",
    "priority",
    '"high" or "normal"',
    priority,
  );
}

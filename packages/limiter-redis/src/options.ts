import { checkNumber, checkText, isObject, need, RATE_LIMIT_PRESETS } from "@b24im/core";
import { type RedisLike, type ScriptClient, scriptClientFor } from "./adapters/index.js";
import type { BucketShape } from "./redis/bucket-store.js";

/**
 * Options of {@link createRedisRateLimiter}.
 *
 * @example
 * ```ts
 * const options: RedisRateLimiterOptions = {
 *   redis,
 *   key: `b24im:${portalHost}:${egressIp}`,
 *   rateLimit: "enterprise",
 *   maxWaitMs: 60_000,
 * };
 * ```
 */
export interface RedisRateLimiterOptions {
  /** A connected `@redis/client` or `ioredis` client (a cluster too); it stays yours to close. */
  redis: RedisLike;
  /**
   * One bucket: every process sending from one egress IP to one portal must use the same
   * key, e.g. `b24im:${portalHost}:${egressIp}`. It is a Redis hash of its own.
   */
  key: string;
  /** The portal's limit: default `"standard"` (2/s, bucket 50); `"enterprise"` is 5/s, 250. */
  rateLimit?:
    | "standard"
    | "enterprise"
    | { drainPerSecond: number; bucketSize: number }
    | undefined;
  /**
   * Room kept free in the bucket, in ms of drain, for requests that arrive closer together
   * than they were sent (network jitter). Default: `max(100, 1000 / drainPerSecond)`, at
   * most `(bucketSize - 1)` requests' drain.
   */
  safetyMarginMs?: number | undefined;
  /**
   * The longest a call may wait for its turn; a longer wait fails at once with
   * `RateLimitError` (`LIMITER_MAX_WAIT`), unsent. Default: no limit but the call's own
   * signal (its abort, or the client's close).
   */
  maxWaitMs?: number | undefined;
}

/**
 * The options, checked, in the units the limiter works in.
 *
 * @example
 * ```ts
 * const { client, key, shape, maxWaitMs }: LimiterSettings = checkLimiterOptions(options);
 * ```
 */
export interface LimiterSettings {
  client: ScriptClient;
  key: string;
  shape: BucketShape;
  maxWaitMs: number | undefined;
}

// Node's timers take at most 2^31 - 1 ms; a longer one fires at once.
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * Checks the options; a wrong one throws `ConfigError` naming it and the fix, never quoting
 * a value (a client's options may hold a password).
 *
 * @example
 * ```ts
 * const settings = checkLimiterOptions({ redis, key: "b24im:portal.bitrix24.ru:203.0.113.7" });
 * settings.shape; // { intervalUs: 500_000, fullUs: 25_000_000, windowUs: 24_500_000 }
 * ```
 */
export function checkLimiterOptions(options: unknown): LimiterSettings {
  const { client, key } = checkRedisAndKey(options, "limiter");
  const { rateLimit, safetyMarginMs, maxWaitMs } = options as Record<string, unknown>;
  const { drainPerSecond, bucketSize } = bucketOf(rateLimit);
  const intervalMs = 1000 / drainPerSecond;
  const roomMs = (bucketSize - 1) * intervalMs;
  const marginMs =
    safetyMarginMs === undefined
      ? Math.min(Math.max(100, intervalMs), roomMs)
      : checkNumber("safetyMarginMs", safetyMarginMs, { min: 0, max: roomMs });
  return {
    client,
    key,
    shape: bucketShape(drainPerSecond, bucketSize, marginMs),
    maxWaitMs:
      maxWaitMs === undefined
        ? undefined
        : checkNumber("maxWaitMs", maxWaitMs, { min: 0, max: MAX_TIMER_MS }),
  };
}

/**
 * The script's shape of a bucket (see `lua/bucket.ts`): whole microseconds, the drain and the
 * margin rounded towards the safe side.
 *
 * @example
 * ```ts
 * bucketShape(2, 50, 500); // { intervalUs: 500_000, fullUs: 25_000_000, windowUs: 24_500_000 }
 * ```
 */
export function bucketShape(
  drainPerSecond: number,
  bucketSize: number,
  marginMs: number,
): BucketShape {
  const intervalUs = Math.ceil(1_000_000 / drainPerSecond);
  const fullUs = bucketSize * intervalUs;
  return { intervalUs, fullUs, windowUs: fullUs - Math.ceil(marginMs * 1000) };
}

/**
 * Checks the options every Redis-backed part takes — `{ redis, key }` — and returns the
 * script client for `redis`. A wrong one throws `ConfigError` naming it and the fix; no value
 * is quoted (a client's options may hold a password). `made` names the part in the fix.
 *
 * @example
 * ```ts
 * const { client, key } = checkRedisAndKey({ redis, key: "b24im:typing:x.bitrix24.ru" }, "coordinator");
 * ```
 */
export function checkRedisAndKey(
  options: unknown,
  made: string,
): { client: ScriptClient; key: string } {
  need(isObject(options), "options", "an object such as { redis, key }", options);
  const { redis, key } = options as Record<string, unknown>;
  const client = scriptClientFor(redis);
  need(
    client !== "unknown",
    "redis",
    "a connected @redis/client (v5 or later) or ioredis client: one with evalSha/isOpen or evalsha/status",
    redis,
  );
  need(
    client !== "closed",
    "redis",
    `an open client: call \`await client.connect()\` (@redis/client) before making the ${made}, and do not pass a client after quit()`,
  );
  return { client: client as ScriptClient, key: checkText("key", key) };
}

function bucketOf(rateLimit: unknown): { drainPerSecond: number; bucketSize: number } {
  if (rateLimit === undefined) return RATE_LIMIT_PRESETS.standard;
  if (rateLimit === "standard" || rateLimit === "enterprise") return RATE_LIMIT_PRESETS[rateLimit];
  need(
    isObject(rateLimit) && !Array.isArray(rateLimit),
    "rateLimit",
    '"standard", "enterprise" or { drainPerSecond, bucketSize }',
    rateLimit,
  );
  const bucket = rateLimit as Record<string, unknown>;
  return {
    // Bounded so that every time in the script stays an exact integer of µs (< 2^53).
    drainPerSecond: checkNumber("rateLimit.drainPerSecond", bucket.drainPerSecond, {
      min: 0.01,
      max: 1_000_000,
    }),
    bucketSize: checkNumber("rateLimit.bucketSize", bucket.bucketSize, {
      min: 1,
      max: 1_000_000,
      integer: true,
    }),
  };
}

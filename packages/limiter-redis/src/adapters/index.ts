import { type IoredisLike, ioredisScripts, isIoredis } from "./ioredis.js";
import { isRedisClient, type RedisClientLike, redisClientScripts } from "./redis-client.js";
import type { ScriptClient } from "./script-client.js";

export type { IoredisLike } from "./ioredis.js";
export type { RedisClientLike } from "./redis-client.js";
export type { ScriptClient } from "./script-client.js";

/**
 * A connected Redis client: `@redis/client` (v5 or later; a cluster too) or `ioredis`
 * (v5 or later; a cluster too). The limiter tells them apart by their API and never closes
 * the client: it stays the application's.
 *
 * @example
 * ```ts
 * const redis: RedisLike = await createClient({ url: process.env.REDIS_URL }).connect();
 * ```
 */
export type RedisLike = RedisClientLike | IoredisLike;

/**
 * Why a value cannot be used as a Redis client, or `undefined` when it can.
 *
 * @example
 * ```ts
 * const problem: ClientProblem = "closed"; // a `@redis/client` before `connect()`
 * ```
 */
export type ClientProblem = "unknown" | "closed";

/**
 * The adapter for `redis`, or the reason it has none: not a supported client, or one that
 * is closed (`@redis/client` before `connect()`, `ioredis` after `quit()`).
 *
 * @example
 * ```ts
 * const found = scriptClientFor(redis);
 * if (typeof found === "string") throw new Error(found);
 * ```
 */
export function scriptClientFor(redis: unknown): ScriptClient | ClientProblem {
  // ioredis first: a client with both shapes is more likely ioredis with helpers added.
  if (isIoredis(redis)) return redis.status === "end" ? "closed" : ioredisScripts(redis);
  if (isRedisClient(redis)) return redis.isOpen ? redisClientScripts(redis) : "closed";
  return "unknown";
}

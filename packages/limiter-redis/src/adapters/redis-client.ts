import { isFunction, isObject } from "@b24im/core";
import { passwordsIn, type ScriptClient } from "./script-client.js";

/**
 * The part of a `@redis/client` (node-redis v5 or later) client the limiter uses; a
 * `createClient()` or `createCluster()` result fits it.
 *
 * @example
 * ```ts
 * import { createClient } from "@redis/client";
 *
 * const redis: RedisClientLike = await createClient({ url: process.env.REDIS_URL }).connect();
 * ```
 */
export interface RedisClientLike {
  evalSha(sha1: string, options: { keys: string[]; arguments: string[] }): Promise<unknown>;
  eval(script: string, options: { keys: string[]; arguments: string[] }): Promise<unknown>;
  /** False before `connect()` and after `close()`/`destroy()`. */
  readonly isOpen: boolean;
}

/**
 * Whether `redis` looks like a `@redis/client` client: camel-case `evalSha` and `isOpen`.
 *
 * @example
 * ```ts
 * isRedisClient(await createClient().connect()); // true
 * ```
 */
export function isRedisClient(redis: unknown): redis is RedisClientLike {
  return (
    isObject(redis) &&
    isFunction(redis.evalSha) &&
    isFunction(redis.eval) &&
    typeof redis.isOpen === "boolean"
  );
}

/**
 * Runs scripts through a `@redis/client` client.
 *
 * @example
 * ```ts
 * const scripts = redisClientScripts(client);
 * await scripts.evalSha(sha, ["b24im:portal"], ["take"]);
 * ```
 */
export function redisClientScripts(redis: RedisClientLike): ScriptClient {
  const options = (redis as { options?: { url?: unknown; password?: unknown } }).options;
  return {
    evalSha: (sha, keys, args) => redis.evalSha(sha, { keys, arguments: args }),
    eval: (script, keys, args) => redis.eval(script, { keys, arguments: args }),
    secrets: passwordsIn(options?.password, options?.url),
  };
}

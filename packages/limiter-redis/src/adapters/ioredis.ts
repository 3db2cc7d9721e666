import { isFunction, isObject } from "@b24im/core";
import { passwordsIn, type ScriptClient } from "./script-client.js";

/**
 * The part of an `ioredis` client the limiter uses; a `new Redis()` or `new Cluster()`
 * fits it.
 *
 * @example
 * ```ts
 * import { Redis } from "ioredis";
 *
 * const redis: IoredisLike = new Redis(process.env.REDIS_URL);
 * ```
 */
export interface IoredisLike {
  evalsha(sha1: string, numKeys: number, ...keysAndArgs: string[]): Promise<unknown>;
  eval(script: string, numKeys: number, ...keysAndArgs: string[]): Promise<unknown>;
  /** `"ready"` when connected; `"end"` once closed for good. */
  readonly status: string;
}

/**
 * Whether `redis` looks like an `ioredis` client: lower-case `evalsha` and a `status`.
 *
 * @example
 * ```ts
 * isIoredis(new Redis()); // true
 * ```
 */
export function isIoredis(redis: unknown): redis is IoredisLike {
  return (
    isObject(redis) &&
    isFunction(redis.evalsha) &&
    isFunction(redis.eval) &&
    typeof redis.status === "string"
  );
}

/**
 * Runs scripts through an `ioredis` client.
 *
 * @example
 * ```ts
 * const scripts = ioredisScripts(new Redis());
 * await scripts.evalSha(sha, ["b24im:portal"], ["take"]);
 * ```
 */
export function ioredisScripts(redis: IoredisLike): ScriptClient {
  const options = (redis as { options?: { password?: unknown; redisOptions?: unknown } }).options;
  const cluster = options?.redisOptions as { password?: unknown } | undefined;
  return {
    evalSha: (sha, keys, args) => redis.evalsha(sha, keys.length, ...keys, ...args),
    eval: (script, keys, args) => redis.eval(script, keys.length, ...keys, ...args),
    secrets: passwordsIn(options?.password, cluster?.password),
  };
}

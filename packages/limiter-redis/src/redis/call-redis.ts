import { type Clock, sleep } from "@b24im/core";
import { LIMITER_UNAVAILABLE, redisUnavailable } from "../errors.js";

/**
 * How long the limiter waits for Redis before the calls waiting on it fail with
 * `LIMITER_UNAVAILABLE`: long enough to ride out a reconnect or a failover's first
 * seconds, short against a portal call's own 30 s time limit.
 *
 * @example
 * ```ts
 * const deadline = clock.monotonic() + REDIS_BUDGET_MS;
 * ```
 */
export const REDIS_BUDGET_MS = 2_000;

const FIRST_RETRY_MS = 50;
const LAST_RETRY_MS = 400;

/**
 * Who calls Redis, as its errors tell: their code, the caller's name, what a failure means
 * for the work waiting on it, and the ACL grants its scripts need.
 *
 * @example
 * ```ts
 * await callRedis(run, { clock, secrets, role: LIMITER_ROLE });
 * ```
 */
export interface RedisRole {
  /** The code of its `B24Error`s, e.g. `LIMITER_UNAVAILABLE`. */
  code: string;
  /** E.g. `"limiter"`: "the limiter's key", "the limiter's script". */
  name: string;
  /** What a failure means, e.g. `"the call was not sent"`. */
  outcome: string;
  /** The commands its scripts run, as ACL grants: `"+evalsha +eval +time …"`. */
  grants: string;
}

/**
 * The rate limiter: a failure means the call was not sent.
 *
 * @example
 * ```ts
 * callRedis(run, { clock, secrets: client.secrets, role: LIMITER_ROLE });
 * ```
 */
export const LIMITER_ROLE: RedisRole = {
  code: LIMITER_UNAVAILABLE,
  name: "limiter",
  outcome: "the call was not sent",
  grants: "+evalsha +eval +time +hmget +hset +pexpire",
};

// Refusals that a retry cannot cure, each with its fix.
function permanentFixes(role: RedisRole): readonly [RegExp, string][] {
  return [
    [
      /^NOPERM\b|can't run this command/,
      `the Redis user may not run the ${role.name}'s script: grant it ${role.grants} and its keys`,
    ],
    [
      /^WRONGTYPE\b/,
      `the ${role.name}'s key holds another kind of value: give the ${role.name} a key of its own`,
    ],
    [
      /^(NOAUTH|WRONGPASS)\b/,
      "Redis refused the client's credentials: check its username and password",
    ],
    [/user_script|Error (running|compiling) script/i, `the ${role.name}'s script failed in Redis`],
  ];
}

const TIMED_OUT = Symbol("timed out");

/**
 * Runs a Redis command, retrying failures that may pass (a reconnect, `LOADING` after a
 * restart, `READONLY` during a failover) with backoff, for at most `budgetMs` in all.
 * Past that, or when Redis refuses for good, it throws a `B24Error` of the role's code
 * (`LIMITER_UNAVAILABLE` by default), whose message says what to fix. A command that did not answer in time is left to settle
 * on its own: its late answer or error is ignored, and no timer stays behind.
 *
 * @example
 * ```ts
 * const reply = await callRedis(() => scripts.evalSha(sha, keys, args), { clock, secrets });
 * ```
 */
export async function callRedis<T>(
  run: () => Promise<T>,
  o: { clock: Clock; secrets: readonly string[]; budgetMs?: number; role?: RedisRole },
): Promise<T> {
  const { clock, secrets, budgetMs = REDIS_BUDGET_MS, role = LIMITER_ROLE } = o;
  const unavailable = (message: string, cause: unknown, retryable = true) =>
    redisUnavailable(role.code, message, cause, secrets, retryable);
  const started = clock.now();
  let retryMs = FIRST_RETRY_MS;
  for (;;) {
    try {
      return await withTimeout(run, budgetMs - (clock.now() - started), clock);
    } catch (error) {
      if (error === TIMED_OUT) {
        throw unavailable(
          `Redis did not answer within ${budgetMs} ms; ${role.outcome}. Check that Redis is up and reachable from this process`,
          undefined,
        );
      }
      const permanent = fixFor(error, role);
      if (permanent) {
        throw unavailable(
          `Redis refused the ${role.name} (${describe(error)}): ${permanent}; ${role.outcome}`,
          error,
          false,
        );
      }
      if (budgetMs - (clock.now() - started) <= retryMs) {
        throw unavailable(
          `Redis kept failing for ${budgetMs} ms (${describe(error)}); ${role.outcome}. Check that Redis is up and reachable from this process`,
          error,
        );
      }
      await sleep(clock, retryMs);
      retryMs = Math.min(retryMs * 2, LAST_RETRY_MS);
    }
  }
}

function withTimeout<T>(run: () => Promise<T>, ms: number, clock: Clock): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    if (ms <= 0) return reject(TIMED_OUT);
    const timer = clock.setTimeout(() => reject(TIMED_OUT), ms);
    const settle = () => clock.clearTimeout(timer);
    let pending: Promise<T>;
    try {
      pending = run();
    } catch (error) {
      settle();
      return reject(error);
    }
    Promise.resolve(pending).then(
      (value) => {
        settle();
        resolve(value);
      },
      (error: unknown) => {
        settle();
        reject(error);
      },
    );
  });
}

function fixFor(error: unknown, role: RedisRole): string | undefined {
  const message = error instanceof Error ? error.message : "";
  return permanentFixes(role).find(([pattern]) => pattern.test(message))?.[1];
}

function describe(error: unknown): string {
  if (error instanceof Error) return error.message || error.name;
  return typeof error === "string" ? error : `a thrown ${typeof error}`;
}

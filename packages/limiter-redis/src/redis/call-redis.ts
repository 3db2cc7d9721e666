import { type Clock, sleep } from "@b24im/core";
import { limiterUnavailable } from "../errors.js";

/**
 * How long the limiter waits for Redis before the calls waiting on it fail with
 * `LIMITER_UNAVAILABLE`: long enough to ride out a reconnect or a failover's first
 * seconds, short against a portal call's own 30 s time limit.
 */
export const REDIS_BUDGET_MS = 2_000;

const FIRST_RETRY_MS = 50;
const LAST_RETRY_MS = 400;

// Refusals that a retry cannot cure, each with its fix.
const ACL_FIX =
  "the Redis user may not run the limiter's script: grant it +evalsha +eval +time +hmget +hset +pexpire and its keys";
const PERMANENT: readonly [RegExp, string][] = [
  [/^NOPERM\b|can't run this command/, ACL_FIX],
  [
    /^WRONGTYPE\b/,
    "the limiter's key holds another kind of value: give the limiter a key of its own",
  ],
  [
    /^(NOAUTH|WRONGPASS)\b/,
    "Redis refused the client's credentials: check its username and password",
  ],
  [/user_script|Error (running|compiling) script/i, "the limiter's script failed in Redis"],
];

const TIMED_OUT = Symbol("timed out");

/**
 * Runs a Redis command, retrying failures that may pass (a reconnect, `LOADING` after a
 * restart, `READONLY` during a failover) with backoff, for at most `budgetMs` in all.
 * Past that, or when Redis refuses for good, it throws `B24Error` `LIMITER_UNAVAILABLE`,
 * whose message says what to fix. A command that did not answer in time is left to settle
 * on its own: its late answer or error is ignored, and no timer stays behind.
 *
 * @example
 * ```ts
 * const reply = await callRedis(() => scripts.evalSha(sha, keys, args), { clock, secrets });
 * ```
 */
export async function callRedis<T>(
  run: () => Promise<T>,
  o: { clock: Clock; secrets: readonly string[]; budgetMs?: number },
): Promise<T> {
  const { clock, secrets, budgetMs = REDIS_BUDGET_MS } = o;
  const started = clock.now();
  let retryMs = FIRST_RETRY_MS;
  for (;;) {
    try {
      return await withTimeout(run, budgetMs - (clock.now() - started), clock);
    } catch (error) {
      if (error === TIMED_OUT) {
        throw limiterUnavailable(
          `Redis did not answer within ${budgetMs} ms; the call was not sent. Check that Redis is up and reachable from this process`,
          undefined,
          secrets,
        );
      }
      const permanent = fixFor(error);
      if (permanent) {
        throw limiterUnavailable(
          `Redis refused the rate limiter (${describe(error)}): ${permanent}; the call was not sent`,
          error,
          secrets,
          false,
        );
      }
      if (budgetMs - (clock.now() - started) <= retryMs) {
        throw limiterUnavailable(
          `Redis kept failing for ${budgetMs} ms (${describe(error)}); the call was not sent. Check that Redis is up and reachable from this process`,
          error,
          secrets,
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

function fixFor(error: unknown): string | undefined {
  const message = error instanceof Error ? error.message : "";
  return PERMANENT.find(([pattern]) => pattern.test(message))?.[1];
}

function describe(error: unknown): string {
  if (error instanceof Error) return error.message || error.name;
  return typeof error === "string" ? error : `a thrown ${typeof error}`;
}

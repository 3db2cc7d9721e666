import { ApiError, B24Error, ClientClosedError, RateLimitError } from "../protocol/errors.js";

/**
 * How failed attempts are repeated.
 *
 * @example
 * ```ts
 * const retry: RetryOptions = { attempts: 5, baseDelayMs: 250, maxDelayMs: 10_000 };
 * const client = createClient({ webhook, transport, retry });
 * ```
 */
export interface RetryOptions {
  /** Total attempts per call, the first included; default 3. `1` never retries. */
  attempts?: number | undefined;
  /** The backoff cap of the first retry, in ms; default 500, at most 2^31 − 1. Doubles with each retry. */
  baseDelayMs?: number | undefined;
  /** No backoff is longer than this, in ms; default 30 000, at most 2^31 − 1. */
  maxDelayMs?: number | undefined;
  /** A source of numbers in [0, 1) for the jitter; default `Math.random`. Inject it in tests. */
  random?: (() => number) | undefined;
}

/**
 * {@link RetryOptions} with every default filled in.
 *
 * @example
 * ```ts
 * const policy: RetryPolicy = retryPolicy({ attempts: 5 });
 * await sleep(clock, backoffDelay(policy, 1), signal);
 * ```
 */
export type RetryPolicy = Required<RetryOptions>;

/**
 * The defaults, and what `retry: false` turns into (one attempt).
 *
 * @example
 * ```ts
 * const policy = retryPolicy({ attempts: 5 }); // { attempts: 5, baseDelayMs: 500, maxDelayMs: 30_000, random: Math.random }
 * ```
 */
export function retryPolicy(options: RetryOptions | false = {}): RetryPolicy {
  const given = options === false ? { attempts: 1 } : options;
  return {
    attempts: 3,
    baseDelayMs: 500,
    maxDelayMs: 30_000,
    random: Math.random,
    ...definedOnly(given),
  };
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/**
 * Whether an error may go away if the same call is sent again: transport errors and
 * timeouts, rate limits, retryable `ServerError`s and `ProtocolError`s with status ≥ 500.
 * Validation, access and auth errors never are. The error classes decide through their
 * `retryable` flag; anything that is no `B24Error` (an abort reason) is not retried.
 *
 * @example
 * ```ts
 * isRetryable(new TimeoutError(30_000)); // true
 * isRetryable(apiErrorFrom({ code: "ACCESS_ERROR", status: 403, method: "m", description: "" })); // false
 * ```
 */
export function isRetryable(error: unknown): boolean {
  return error instanceof B24Error && error.retryable;
}

// What a transport reports when the connection was never made: nothing was sent.
const NOT_CONNECTED = new Set([
  "ECONNREFUSED",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "UND_ERR_CONNECT_TIMEOUT",
]);
const CAUSE_DEPTH = 4;

/**
 * Whether a failed call surely did not reach the server, so that sending it again cannot
 * make it run twice: the connection was refused or never made (`ECONNREFUSED`, DNS, a
 * connect timeout — read from the transport's error `code`, also on its `cause`), the portal
 * refused it before running it (`RateLimitError`: `QUERY_LIMIT_EXCEEDED`, `OVERLOAD_LIMIT`,
 * `OPERATION_TIME_LIMIT`, or any 429), the rate limiter failed (`LIMITER_UNAVAILABLE`) or the
 * client was closed. A timeout, a reset mid-request, a 5xx answer or anything else may have
 * reached it: `false`. This is what `idempotent: false` calls are retried on.
 *
 * @example
 * ```ts
 * import { surelyNotSent } from "@b24im/core";
 *
 * try {
 *   await client.call("im.message.add", { DIALOG_ID: "chat5", MESSAGE: text }, { idempotent: false });
 * } catch (error) {
 *   if (surelyNotSent(error)) queueForLater(text); // else: check the dialog before posting again
 * }
 * ```
 */
export function surelyNotSent(error: unknown): boolean {
  if (error instanceof RateLimitError || error instanceof ClientClosedError) return true;
  if (error instanceof ApiError) return error.status === 429;
  if (!(error instanceof B24Error)) return false;
  if (error.code === "LIMITER_UNAVAILABLE") return true;
  let cause: unknown = error;
  for (let depth = 0; depth <= CAUSE_DEPTH && cause instanceof Error; depth++) {
    const code = (cause as { code?: unknown }).code;
    if (typeof code === "string" && NOT_CONNECTED.has(code)) return true;
    cause = cause.cause;
  }
  return false;
}

/**
 * The wait before retry number `retry` (1 for the first), exponential with full jitter:
 * uniformly random between 0 and `min(maxDelayMs, baseDelayMs · 2^(retry−1))`, so clients
 * that failed together do not come back together.
 *
 * @example
 * ```ts
 * backoffDelay(retryPolicy({ random: () => 0.5 }), 2); // 500 (half of 1000)
 * ```
 */
export function backoffDelay(policy: RetryPolicy, retry: number): number {
  const cap = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (retry - 1));
  return Math.floor(policy.random() * cap);
}

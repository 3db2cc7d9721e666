import { B24Error, RateLimitError } from "@b24im/core";

/**
 * The code of the `B24Error` a call fails with when the shared limiter could not decide
 * (Redis down, slow or refusing): the call was not sent. Retry it later when `retryable`.
 *
 * @example
 * ```ts
 * if (error instanceof B24Error && error.code === LIMITER_UNAVAILABLE) retryLater();
 * ```
 */
export const LIMITER_UNAVAILABLE = "LIMITER_UNAVAILABLE";

/**
 * The code of the `RateLimitError` a call fails with when its turn would come later than
 * `maxWaitMs`: the call was not sent; `retryAt` says when its turn would have come.
 *
 * @example
 * ```ts
 * if (error instanceof RateLimitError && error.code === LIMITER_MAX_WAIT) showBusy(error.retryAt);
 * ```
 */
export const LIMITER_MAX_WAIT = "LIMITER_MAX_WAIT";

/**
 * The code of the `B24Error` a Redis typing coordinator's call fails with (Redis down, slow
 * or refusing). Core's typing scheduler then sends the due events itself and reports a
 * `TYPING_COORDINATOR_FAILED` whose `cause` is this error.
 *
 * @example
 * ```ts
 * if (error.cause instanceof B24Error && error.cause.code === COORDINATOR_UNAVAILABLE) alertOps();
 * ```
 */
export const COORDINATOR_UNAVAILABLE = "COORDINATOR_UNAVAILABLE";

/**
 * Redis could not answer (down, slow, or refusing the script): `code` says whose call it was
 * ({@link LIMITER_UNAVAILABLE}: the call was not sent). Retryable unless Redis refused for a
 * reason that will not pass (a key of another type, a user without the right to run scripts).
 * No password of the client's, nor a URL's, is in its message or cause.
 *
 * @example
 * ```ts
 * throw redisUnavailable(LIMITER_UNAVAILABLE, "Redis did not answer within 2000 ms", error, scripts.secrets);
 * ```
 */
export function redisUnavailable(
  code: string,
  message: string,
  cause: unknown,
  secrets: readonly string[],
  retryable = true,
): B24Error {
  // B24Error redacts the message and the cause, a URL's `user:password@` included.
  return new B24Error(message, code, retryable, { cause, secrets });
}

/**
 * The shared bucket would make the call wait longer than `maxWaitMs`: it was not sent.
 * `retryAt` (epoch ms, this process's clock) is when its turn would have come.
 *
 * @example
 * ```ts
 * throw maxWaitExceeded(12_000, 5_000, Date.now());
 * ```
 */
export function maxWaitExceeded(
  waitMs: number | undefined,
  maxWaitMs: number,
  nowMs: number,
): RateLimitError {
  const after = waitMs === undefined ? "" : `; its turn would come in ${Math.ceil(waitMs)} ms`;
  const description = `the shared rate limit would make this call wait longer than maxWaitMs (${maxWaitMs} ms)${after}. It was not sent: retry later, or raise maxWaitMs`;
  const error = new RateLimitError({
    code: LIMITER_MAX_WAIT,
    status: 0,
    method: "",
    description,
    ...(waitMs === undefined ? {} : { retryAt: nowMs + Math.ceil(waitMs) }),
  });
  // ApiError's message names a method and an HTTP status; no request was made here.
  const message = `${LIMITER_MAX_WAIT}: ${description}`;
  if (typeof error.stack === "string") error.stack = error.stack.replace(error.message, message);
  error.message = message;
  return error;
}

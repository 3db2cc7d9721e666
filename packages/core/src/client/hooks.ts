import type { B24Error } from "../protocol/errors.js";
import type { HttpRequest, HttpResponse } from "../protocol/http.js";

/**
 * What `onRequest` sees: the request about to be sent, without secrets.
 *
 * @example
 * ```ts
 * const onRequest = (event: RequestEvent) =>
 *   console.debug(`${event.method} attempt ${event.attempt}`, event.request.url);
 * createClient({ webhook, transport, hooks: { onRequest } });
 * ```
 */
export interface RequestEvent {
  /** The REST method (`batch` for a batch, `oauth/token` for a token refresh). */
  method: string;
  /** 1 for the first attempt of a call. */
  attempt: number;
  request: HttpRequest;
}

/**
 * What `onResponse` sees: the answer, without secrets.
 *
 * @example
 * ```ts
 * const onResponse = (event: ResponseEvent) =>
 *   metrics.observe(event.method, event.response.status, event.durationMs);
 * createClient({ webhook, transport, hooks: { onResponse } });
 * ```
 */
export interface ResponseEvent extends RequestEvent {
  response: HttpResponse;
  durationMs: number;
}

/**
 * What `onRetry` sees: the failed attempt's error and the backoff before the next one. It is
 * also called, with `delayMs: 0`, when a call goes again after its token was refreshed
 * (`expired_token`) or its moved portal followed: every failed attempt reaches exactly one of
 * `onRetry` and `onError`.
 *
 * @example
 * ```ts
 * const onRetry = (event: RetryEvent) =>
 *   console.warn(`${event.method} failed with ${event.error.code}; again in ${event.delayMs} ms`);
 * createClient({ webhook, transport, hooks: { onRetry } });
 * ```
 */
export interface RetryEvent {
  method: string;
  /** The attempt that failed. */
  attempt: number;
  delayMs: number;
  error: B24Error;
}

/**
 * What `onError` sees: the error a call finally rejects with.
 *
 * @example
 * ```ts
 * import type { ErrorEvent } from "@b24im/core"; // not the DOM's ErrorEvent
 *
 * const onError = (event: ErrorEvent) =>
 *   console.error(`${event.method} gave up after ${event.attempt} attempt(s)`, event.error.code);
 * createClient({ webhook, transport, hooks: { onError } });
 * ```
 */
export interface ErrorEvent {
  method: string;
  attempt: number;
  error: B24Error;
}

/**
 * Observers of the client's traffic, e.g. for logs and metrics. They only ever get redacted
 * copies (no webhook code, token or secret parameter), are called synchronously, and cannot
 * break a call: what they throw is ignored, and so is the rejection of an `async` hook (it is
 * not awaited, and never becomes an unhandled rejection).
 *
 * @example
 * ```ts
 * createClient({ webhook, transport, hooks: {
 *   onRequest: (e) => log.debug(e.request.method, e.request.url),
 *   onRetry: (e) => log.warn(`retry ${e.method} in ${e.delayMs} ms: ${e.error.message}`),
 * } });
 * ```
 */
export interface ClientHooks {
  onRequest?(event: RequestEvent): void;
  onResponse?(event: ResponseEvent): void;
  onRetry?(event: RetryEvent): void;
  onError?(event: ErrorEvent): void;
}

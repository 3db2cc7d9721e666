import {
  createDeadline,
  createSignalGroup,
  type LinkedSignal,
  sleep,
  whenNotAborted,
} from "../async/abort.js";
import { type Clock, stopwatchOf } from "../async/clock.js";
import { notify } from "../async/notify.js";
import { buildRequest } from "../protocol/build-request.js";
import {
  ApiError,
  B24Error,
  ClientClosedError,
  describeThrown,
  PortalMovedError,
  ProtocolError,
  RateLimitError,
  TimeoutError,
  TransportError,
} from "../protocol/errors.js";
import type { HttpRequest, HttpResponse, Transport } from "../protocol/http.js";
import type { MethodCall } from "../protocol/methods.js";
import { isObject } from "../protocol/option-check.js";
import { parseResponse, type RestResult } from "../protocol/parse-response.js";
import { redactRequestWith, redactResponse, secretsOf } from "../protocol/redact.js";
import {
  checkUrl,
  downgrades,
  oauthTarget,
  type Target,
  type WebhookTarget,
  withSecret,
} from "../protocol/target.js";
import type { ClientHooks } from "./hooks.js";
import type { RateLimiter } from "./leaky-bucket.js";
import type { OAuthSession } from "./oauth.js";
import type { OperatingTime } from "./operating-time.js";
import { backoffDelay, isRetryable, type RetryPolicy, surelyNotSent } from "./retry.js";
import type { RequestPriority } from "./wait-queue.js";

/**
 * What the send pipeline is built from; `createClient` fills it from its options.
 *
 * @example
 * ```ts
 * const parts: PipelineParts = {
 *   transport,
 *   clock: systemClock,
 *   limiter: createLeakyBucket({ ...RATE_LIMIT_PRESETS.standard, clock: systemClock }),
 *   operating: createOperatingTime(systemClock),
 *   retry: retryPolicy(),
 *   timeoutMs: 30_000,
 *   followPortalMoves: false,
 *   hooks: {},
 *   oauth: undefined,
 *   webhook: parseWebhookUrl(webhookUrl),
 * };
 * ```
 */
export interface PipelineParts {
  transport: Transport;
  clock: Clock;
  limiter: RateLimiter | undefined;
  operating: OperatingTime;
  retry: RetryPolicy;
  timeoutMs: number;
  followPortalMoves: boolean;
  hooks: ClientHooks;
  /** Set for an OAuth client: its target and refresh. */
  oauth: OAuthSession | undefined;
  /** Set for a webhook client. */
  webhook: WebhookTarget | undefined;
}

/**
 * How one call goes through the pipeline.
 *
 * @example
 * ```ts
 * const typing: RunOptions = { signal, deadlineMs: 10_000, attemptTimeoutMs: 5_000, priority: "high" };
 * const message: RunOptions = { signal, idempotent: false };
 * ```
 */
export interface RunOptions {
  /** The caller's abort: rejects the call at once with `signal.reason`. */
  signal?: AbortSignal;
  /**
   * The whole call must settle within this many ms — waits for operating time, the rate
   * limiter and a token refresh, every attempt and backoff — or it fails with a
   * `TimeoutError`, reported to `onError` like any final error. Default: no limit.
   */
  deadlineMs?: number;
  /** Each attempt's time limit, passed to the transport; default the client's `timeoutMs`. */
  attemptTimeoutMs?: number;
  /** Its place among the requests waiting for the rate limiter; default `"normal"`. */
  priority?: RequestPriority;
  /** `false`: repeat a failed attempt only when it surely did not reach the server. */
  idempotent?: boolean;
}

/**
 * Sends method calls through operating time, rate limit, retries, refresh and portal moves.
 *
 * @example
 * ```ts
 * const pipeline: Pipeline = createPipeline(parts);
 * await pipeline.run(imDialogWriting("chat5"), ["im.dialog.writing"], { priority: "high" });
 * await pipeline.close();
 * ```
 */
export interface Pipeline {
  /**
   * Sends one call (a `batch` too) and parses its answer. `methods` are the REST methods
   * whose operating-time holds apply (a batch's commands). Rejects with the signal's reason
   * on abort and with `ClientClosedError` when closed before the call was sent.
   */
  run<T>(
    call: MethodCall,
    methods: readonly string[],
    options?: RunOptions,
  ): Promise<RestResult<T>>;
  /** Delivers a request with hooks and the timeout, nothing else (the token refresh). */
  exchange(
    request: HttpRequest,
    method: string,
    attempt: number,
    signal?: AbortSignal,
    timeoutMs?: number,
  ): Promise<HttpResponse>;
  /** Every secret value to remove from errors and hook payloads. */
  secrets(): string[];
  /**
   * Rejects calls not yet sent, then waits until every call has settled. The calls it
   * rejects settle only once `after` has settled (the client's whole `close()`), so that
   * `const p = client.writing(…); await client.close(); await p.catch(…)` leaves no
   * unhandled rejection while the transport closes.
   */
  close(after?: Promise<unknown>): Promise<void>;
}

/**
 * Makes the pipeline every client call goes through.
 *
 * @example
 * ```ts
 * const pipeline = createPipeline(parts);
 * const { result } = await pipeline.run({ method: "profile", params: {} }, ["profile"], { signal });
 * ```
 */
export function createPipeline(parts: PipelineParts): Pipeline {
  const { transport, clock, limiter, operating, retry, hooks, oauth } = parts;
  const elapsed = stopwatchOf(clock);
  let webhook = parts.webhook;
  const tasks = createSignalGroup();
  const running = new Set<Promise<unknown>>();

  const target = (): Target => (oauth ? oauth.target : (webhook as WebhookTarget));
  const secrets = (): string[] => (oauth ? oauth.secrets() : [(webhook as WebhookTarget).secret]);

  const send = async (request: HttpRequest, signal: AbortSignal | undefined, timeoutMs: number) => {
    let response: unknown;
    try {
      response = await transport.send(request, { signal, timeoutMs });
    } catch (error) {
      throw transportFailure(error, request, signal, secrets());
    }
    return checkedResponse(response, request);
  };

  const exchange: Pipeline["exchange"] = async (
    request,
    method,
    attempt,
    signal,
    timeoutMs = parts.timeoutMs,
  ) => {
    // Redacting costs a quarter of a call's CPU: only done when a hook will see the result.
    if (!hooks.onRequest && !hooks.onResponse) return send(request, signal, timeoutMs);
    const known = [...secrets(), ...secretsOf(request)];
    const redacted = redactRequestWith(request, known);
    notify(hooks.onRequest, { method, attempt, request: redacted });
    const started = elapsed();
    const response = await send(request, signal, timeoutMs);
    notify(hooks.onResponse, {
      method,
      attempt,
      request: redacted,
      response: redactResponse(response, known),
      durationMs: elapsed() - started,
    });
    return response;
  };

  // Follows a move only to https, or from plain http on loopback (a local emulator) to http on
  // loopback: never from https to plain http, which would send the webhook code or the token
  // in clear. The webhook code stays in the path.
  const moveTo = (location: string | undefined, from: string): boolean => {
    try {
      const origin = checkUrl("location", new URL(location ?? "", from).origin, "").origin;
      if (downgrades(from, origin)) return false;
      if (oauth) oauth.target = oauthTarget(`${origin}/rest/`, oauth.target.accessToken);
      else if (webhook)
        webhook = withSecret({ origin, userId: webhook.userId }, "secret", webhook.secret);
      return true;
    } catch {
      return false;
    }
  };

  const attempts = async <T>(
    call: MethodCall,
    methods: readonly string[],
    signal: AbortSignal | undefined,
    // Read only when the call has to wait: most calls never create its controller.
    wait: LinkedSignal,
    each: Pick<RunOptions, "priority" | "idempotent"> & { timeoutMs: number },
    // Which attempt is under way, for reporting a deadline that ends the call.
    progress: { attempt: number },
  ): Promise<RestResult<T>> => {
    let moved = false;
    let refreshed = false;
    for (let attempt = 1; ; attempt++) {
      progress.attempt = attempt;
      // No new attempt (a retry, a replay after a refresh) goes out once the client closed.
      if (tasks.aborted) throw new ClientClosedError();
      for (const method of methods) {
        if (operating.busy(method)) await operating.wait(method, wait.signal);
      }
      if (limiter && !limiter.tryAcquire?.()) {
        // A limiter of the caller's may not honour the signal: abort and close must not hang.
        const acquired = limiter.acquire(wait.signal, each.priority);
        await whenNotAborted(acquired, wait.signal).catch((error: unknown) => {
          if (wait.signal.aborted) throw error;
          fail(call, attempt, limiterFailure(error, secrets()));
        });
      }
      const used = target();
      const request = buildRequest(call, used);
      let response: HttpResponse | undefined;
      try {
        response = await exchange(request, call.method, attempt, signal, each.timeoutMs);
        const result = parseResponse<T>(call, response, { secrets: secrets() });
        operating.record(call.method, result.time);
        return result;
      } catch (error) {
        if (signal?.aborted) throw signal.reason;
        if (error instanceof PortalMovedError && parts.followPortalMoves && !moved) {
          moved = true;
          if (moveTo(response?.headers.location, request.url)) {
            retrying(call, attempt, 0, error);
            attempt--;
            continue;
          }
        }
        if (
          oauth?.canRefresh &&
          !refreshed &&
          error instanceof ApiError &&
          /^expired_token$/i.test(error.code)
        ) {
          refreshed = true;
          // The refresh is shared by every waiting call: one call's abort stops only its wait.
          const refresh = oauth.refresh(used as typeof oauth.target);
          await whenNotAborted(refresh, wait.signal).catch((reason: unknown) => {
            if (wait.signal.aborted) throw reason;
            fail(call, attempt, reason);
          });
          retrying(call, attempt, 0, error);
          attempt--;
          continue;
        }
        if (error instanceof RateLimitError) {
          if (!/^operation_time_limit$/i.test(error.code)) limiter?.saturate();
          else if (error.retryAt) operating.hold(call.method, error.retryAt);
        }
        // A call that must not run twice is repeated only when it surely did not reach the server.
        const repeatable =
          isRetryable(error) && (each.idempotent !== false || surelyNotSent(error));
        if (!repeatable || attempt >= retry.attempts) fail(call, attempt, error);
        const delayMs = backoffDelay(retry, attempt);
        retrying(call, attempt, delayMs, error as B24Error);
        await sleep(clock, delayMs, wait.signal);
      }
    }
  };

  // Every failed attempt is reported once: to onRetry when the call goes again (after a
  // backoff, a token refresh or a portal move), to onError when it ends the call.
  const retrying = (call: MethodCall, attempt: number, delayMs: number, error: B24Error) =>
    notify(hooks.onRetry, { method: call.method, attempt, delayMs, error });

  const fail = (call: MethodCall, attempt: number, error: unknown): never => {
    if (error instanceof B24Error) notify(hooks.onError, { method: call.method, attempt, error });
    throw error;
  };

  // Set by close(): when the calls it rejected may reject.
  let closedAfter: Promise<void> | undefined;

  return {
    run(call, methods, options = {}) {
      const { deadlineMs } = options;
      if (tasks.aborted) return Promise.reject(new ClientClosedError());
      if (options.signal?.aborted) return Promise.reject(options.signal.reason);
      // A deadline is one more way the call's signal aborts; that end is a TimeoutError,
      // reported like any final error.
      const deadline =
        deadlineMs === undefined ? undefined : createDeadline(options.signal, deadlineMs, clock);
      const signal = deadline?.signal ?? options.signal;
      const linked = tasks.link(signal);
      const progress = { attempt: 1 };
      const each = {
        timeoutMs: options.attemptTimeoutMs ?? parts.timeoutMs,
        priority: options.priority,
        idempotent: options.idempotent,
      };
      const task = attempts<never>(call, methods, signal, linked, each, progress)
        .catch((error: unknown) => {
          if (!deadline?.timedOut || options.signal?.aborted) throw error;
          const timedOut = new TimeoutError(deadlineMs as number, { secrets: secrets() });
          return fail(call, progress.attempt, timedOut);
        })
        .finally(() => {
          deadline?.clear();
          linked.unlink();
          running.delete(task);
        });
      running.add(task);
      return task.catch((error: unknown) =>
        closedAfter !== undefined && error instanceof ClientClosedError
          ? closedAfter.then(() => Promise.reject(error))
          : Promise.reject(error),
      );
    },
    exchange,
    secrets,
    async close(after) {
      const done = (async () => {
        tasks.abortAll(new ClientClosedError());
        while (running.size > 0) await Promise.allSettled(running);
      })();
      closedAfter = (after ?? done).then(ignore, ignore);
      await done;
    },
  };
}

// A transport of the caller's (axios, got, ky…) may throw its own error holding the request:
// the URL with the webhook code, the body with the token, headers. Only b24im's typed errors
// and the caller's abort reason pass as they are; anything else becomes a redacted
// TransportError, retried and reported like a failed connection.
function transportFailure(
  error: unknown,
  request: HttpRequest,
  signal: AbortSignal | undefined,
  known: readonly string[],
): unknown {
  if (error instanceof B24Error) return error;
  // Whatever a transport rejects with on abort, the caller gets its own reason, as with fetch.
  if (signal?.aborted) return signal.reason;
  return new TransportError(`The transport failed: ${describeThrown(error)}`, {
    cause: error,
    secrets: [...known, ...secretsOf(request)],
  });
}

// A RateLimiter of the caller's (one over Redis, say) may fail with its own error.
function limiterFailure(error: unknown, known: readonly string[]): unknown {
  if (error instanceof B24Error) return error;
  return new B24Error(
    `The rate limiter failed: ${describeThrown(error)}`,
    "LIMITER_UNAVAILABLE",
    true,
    { cause: error, secrets: known },
  );
}

// A transport of the caller's may hand back anything; the parser needs an HttpResponse.
function checkedResponse(response: unknown, request: HttpRequest): HttpResponse {
  const { status, headers, body } = (response ?? {}) as Partial<HttpResponse>;
  if (Number.isInteger(status) && isObject(headers) && typeof body === "string") {
    return response as HttpResponse;
  }
  throw new ProtocolError(
    "The transport's answer is no HttpResponse { status, headers, body: string }",
    0,
    "",
    { secrets: secretsOf(request) },
  );
}

function ignore(): void {}

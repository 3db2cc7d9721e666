import { systemClock } from "../async/clock.js";
import { notify } from "../async/notify.js";
import { BATCH_LIMIT, type BatchOutcome, batchCall, parseBatchResult } from "../protocol/batch.js";
import { assertMethodName } from "../protocol/build-request.js";
import type { DialogIdInput } from "../protocol/dialog-id.js";
import {
  ApiError,
  B24Error,
  ClientClosedError,
  ConfigError,
  RateLimitError,
} from "../protocol/errors.js";
import { imDialogWriting, type MethodCall } from "../protocol/methods.js";
import { isAbortSignal, isObject, need } from "../protocol/option-check.js";
import type { RestResult } from "../protocol/parse-response.js";
import { parseWebhookUrl } from "../protocol/webhook-url.js";
import type { TypingLease } from "../typing/lease.js";
import type { TypingOptions } from "../typing/options.js";
import { createTypingScheduler, type TypingSender } from "../typing/scheduler.js";
import { createOAuthSession } from "./oauth.js";
import { createOperatingTime } from "./operating-time.js";
import { type ClientOptions, checkClientOptions, rateLimiterFor, typingParts } from "./options.js";
import { createPipeline, type RunOptions } from "./pipeline.js";
import { retryPolicy } from "./retry.js";

/**
 * Per-call options.
 *
 * @example
 * ```ts
 * // Post once at most: a timeout then rejects instead of risking a second message.
 * await client.call("im.message.add", { DIALOG_ID: "chat42", MESSAGE: "Done" }, {
 *   signal: AbortSignal.timeout(10_000),
 *   idempotent: false,
 * });
 * ```
 */
export interface CallOptions {
  /** Aborting rejects the call at once with `signal.reason`, wherever it waits. */
  signal?: AbortSignal | undefined;
  /**
   * Whether the call may run twice; default `true`. A failed attempt is normally repeated
   * (see `retry`) — but a timeout or a connection reset can hit a request the server already
   * ran, and repeating `im.message.add` or `imbot.v2.Chat.Message.send` then posts the message
   * twice. With `false` the call is repeated only when it surely did not reach the server (a
   * refused connection, the portal's 503 `QUERY_LIMIT_EXCEEDED` or 429 refusal: see
   * `surelyNotSent`); otherwise it rejects with that error, and whether it ran is unknown.
   */
  idempotent?: boolean | undefined;
}

/**
 * Options of {@link B24Client.batch}.
 *
 * @example
 * ```ts
 * const results = await client.batch(commands, { halt: true });
 * ```
 */
export interface BatchOptions extends CallOptions {
  /** Stop at the first failing command; every later one (in later requests too) is `"skipped"`. */
  halt?: boolean | undefined;
}

/**
 * One command's outcome in a {@link BatchResult}, with the key it was given (array input: its index).
 *
 * @example
 * ```ts
 * for (const entry of await client.batch({ me: { method: "user.current", params: {} } })) {
 *   if (entry.status === "fulfilled") console.log(entry.key, entry.value);
 *   else if (entry.status === "rejected") console.error(entry.key, entry.reason.code);
 * }
 * ```
 */
export type BatchEntry = BatchOutcome & { key: string };

/**
 * Every command's outcome, in input order.
 *
 * @example
 * ```ts
 * const results: BatchResult = await client.batch([imDialogWriting("chat42"), imDialogWriting("chat43")]);
 * const failed = results.filter((entry) => entry.status !== "fulfilled");
 * ```
 */
export type BatchResult = BatchEntry[];

/**
 * A Bitrix24 REST client with the portal's rate limit, operating-time pacing, retries,
 * OAuth refresh and typing indicators built in. Made by {@link createClient}.
 *
 * @example
 * ```ts
 * const client: B24Client = createClient({ webhook: process.env.B24_WEBHOOK_URL, transport });
 * const lease = client.typing("chat42");
 * try {
 *   await client.call("im.message.add", { DIALOG_ID: "chat42", MESSAGE: await composeAnswer() });
 * } finally {
 *   lease.stop();
 * }
 * await client.close();
 * ```
 */
export interface B24Client {
  /** How the client authenticates: an inbound webhook or an OAuth application's tokens. */
  readonly auth: "webhook" | "oauth";
  /** Calls a REST method and resolves with its `result`. */
  call<T = unknown>(
    method: string,
    params?: Record<string, unknown>,
    options?: CallOptions,
  ): Promise<T>;
  /** Calls a REST method and resolves with the whole envelope (`result`, `time`, `next`, `total`). */
  callRaw<T = unknown>(
    method: string,
    params?: Record<string, unknown>,
    options?: CallOptions,
  ): Promise<RestResult<T>>;
  /**
   * Sends any number of calls in requests of at most 50 commands, one rate-limit token each,
   * and resolves with every command's outcome in input order, also when a request fails: its
   * commands are then `rejected` with that request's error, while the commands of the other
   * requests keep their own outcomes (with `halt`, every later one is `skipped`). So a caller
   * sees what ran and what did not, and can repeat only the latter. Rejects only for bad
   * input (`ConfigError`, before anything is sent) or with the signal's reason on abort.
   */
  batch(
    calls: Record<string, MethodCall> | MethodCall[],
    options?: BatchOptions,
  ): Promise<BatchResult>;
  /** Shows "typing…" in a dialog once (`im.dialog.writing`); rejects with `DialogIdError` for a bad id, unsent. */
  writing(dialogId: DialogIdInput, options?: CallOptions): Promise<true>;
  /** Keeps the indicator alive until the lease is stopped. */
  typing(dialogId: DialogIdInput, options?: TypingOptions): TypingLease;
  /** Runs `job` while typing; settles as the job does and always stops typing. */
  whileTyping<T>(
    dialogId: DialogIdInput,
    job: (signal: AbortSignal) => Promise<T>,
    options?: TypingOptions,
  ): Promise<T>;
  /**
   * Stops all typing, rejects calls not yet sent with `ClientClosedError`, lets sent ones
   * settle, then closes the transport once. Later calls reject at once.
   */
  close(): Promise<void>;
}

/**
 * Makes a client for a webhook or an OAuth application. Options are checked at once: a bad
 * one throws `ConfigError` naming it. Defaults: `rateLimit: "standard"`, 3 attempts,
 * `timeoutMs: 30_000`, `followPortalMoves: false`.
 *
 * @example
 * ```ts
 * import { createClient } from "@b24im/core";
 * import { createFetchTransport } from "@b24im/transport-fetch";
 *
 * const client = createClient({ webhook: process.env.B24_WEBHOOK_URL, transport: createFetchTransport() });
 * await client.writing("chat5");
 * const answer = await client.whileTyping("chat5", (signal) => generateAnswer(signal));
 * await client.close();
 * ```
 */
export function createClient(options: ClientOptions): B24Client {
  checkClientOptions(options);
  const clock = options.clock ?? systemClock;
  const hooks = options.hooks ?? {};
  const operating = createOperatingTime(clock);
  const oauth =
    options.oauth &&
    createOAuthSession(
      options.oauth,
      (request) => pipeline.exchange(request, "oauth/token", 1),
      // Token expiry is a wall-clock time, like the server's `expires`.
      () => clock.now(),
      (cause) => {
        const error = new B24Error("onTokens failed", "ON_TOKENS_FAILED", false, {
          cause,
          secrets: pipeline.secrets(),
        });
        notify(hooks.onError, { method: "oauth/token", attempt: 1, error });
      },
    );
  const timeoutMs = options.timeoutMs ?? 30_000;
  const typing = typingParts(options.typing);
  const webhook = options.webhook === undefined ? undefined : parseWebhookUrl(options.webhook);
  const pipeline = createPipeline({
    transport: options.transport,
    clock,
    limiter: rateLimiterFor(options.rateLimit, clock),
    operating,
    retry: retryPolicy(options.retry),
    timeoutMs,
    followPortalMoves: options.followPortalMoves ?? false,
    hooks,
    oauth,
    webhook,
  });

  // `batch` is the chunk made into one call by batchCall, which also checked every command.
  const sendBatch = async (
    chunk: ReadonlyArray<readonly [string, MethodCall]>,
    batch: MethodCall,
    run: RunOptions,
  ): Promise<BatchOutcome[]> => {
    const methods = chunk.map(([, call]) => call.method);
    const { result } = await pipeline.run(batch, methods, run);
    const outcomes = parseBatchResult(chunk, result, { secrets: pipeline.secrets() });
    outcomes.forEach((outcome, i) => {
      const method = methods[i] as string;
      if (outcome.status === "fulfilled") operating.record(method, outcome.time);
      if (
        outcome.status === "rejected" &&
        outcome.reason instanceof RateLimitError &&
        outcome.reason.retryAt
      ) {
        operating.hold(method, outcome.reason.retryAt);
      }
    });
    return outcomes;
  };

  // A request that fails as a whole fails each of its commands; the caller's abort ends the batch.
  const sendOrReject = async (
    chunk: ReadonlyArray<readonly [string, MethodCall]>,
    batch: MethodCall,
    run: RunOptions,
  ): Promise<BatchOutcome[]> => {
    try {
      return await sendBatch(chunk, batch, run);
    } catch (reason) {
      if (run.signal?.aborted || !(reason instanceof B24Error)) throw reason;
      return chunk.map((): BatchOutcome => ({ status: "rejected", reason }));
    }
  };

  // One call goes out plainly, several as one batch; both share the limiter with user calls,
  // ahead of them: a refresh is worth nothing once its indicator lapsed. Each attempt gets
  // half the send's time, so one hung request leaves room for a retry.
  const sendTyping: TypingSender = async (calls, { signal, timeoutMs: deadlineMs }) => {
    const run: RunOptions = {
      signal,
      deadlineMs,
      attemptTimeoutMs: Math.min(timeoutMs, Math.ceil(deadlineMs / 2)),
      priority: "high",
    };
    const [only] = calls;
    if (calls.length > 1 || !only) {
      const chunk = calls.map((call, i) => [`t${i}`, call] as const);
      return sendBatch(chunk, batchCall(chunk, false), run);
    }
    try {
      const { result, ...extras } = await pipeline.run(only, [only.method], run);
      return [{ status: "fulfilled", value: result, ...extras }];
    } catch (reason) {
      if (reason instanceof ApiError) return [{ status: "rejected", reason }];
      throw reason;
    }
  };
  const scheduler = createTypingScheduler({
    clock,
    send: sendTyping,
    defaults: typing.defaults,
    refreshesTokens: oauth?.canRefresh ?? false,
    // "user" in the fleet's keys: the webhook's user; an OAuth client does not know whose
    // token it holds, so its coordinator key must name the user (see the coordinator's docs).
    fleet: typing.coordinator && {
      coordinator: typing.coordinator,
      user: webhook ? `user:${webhook.userId}` : "user:oauth",
    },
  });

  let closed: Promise<void> | undefined;
  const client: B24Client = {
    auth: options.oauth ? "oauth" : "webhook",
    async callRaw<T>(method: string, params: Record<string, unknown> = {}, o?: CallOptions) {
      const { signal, idempotent } = checkCallOptions(o);
      assertMethodName(method);
      return pipeline.run<T>({ method, params }, [method], { signal, idempotent });
    },
    async call<T>(method: string, params?: Record<string, unknown>, o?: CallOptions) {
      return (await client.callRaw<T>(method, params, o)).result;
    },
    async batch(calls, o) {
      const { halt = false, signal, idempotent } = checkCallOptions(o);
      if (typeof calls !== "object" || calls === null) {
        throw new ConfigError(
          "calls",
          "calls must be an array of { method, params } or an object of them by key",
        );
      }
      const entries: Array<[string, MethodCall]> = Array.isArray(calls)
        ? calls.map((call, i) => [`c${i}`, call])
        : Object.entries(calls);
      const keys = Array.isArray(calls)
        ? calls.map((_, i) => String(i))
        : entries.map(([key]) => key);
      // Every request is built, and so every command checked, before the first is sent.
      const requests: Array<[chunk: typeof entries, batch: MethodCall]> = [];
      for (let start = 0; start < entries.length; start += BATCH_LIMIT) {
        const chunk = entries.slice(start, start + BATCH_LIMIT);
        requests.push([chunk, batchCall(chunk, halt)]);
      }
      const outcomes: BatchOutcome[] = [];
      for (const [chunk, batch] of requests) {
        const halted = halt && outcomes.some((outcome) => outcome.status !== "fulfilled");
        if (halted) outcomes.push(...chunk.map((): BatchOutcome => ({ status: "skipped" })));
        else outcomes.push(...(await sendOrReject(chunk, batch, { signal, idempotent })));
      }
      return outcomes.map((outcome, i) => ({ key: keys[i] as string, ...outcome }));
    },
    async writing(dialogId, o) {
      const { signal } = checkCallOptions(o);
      const call = imDialogWriting(dialogId);
      await pipeline.run(call, [call.method], { signal });
      return true;
    },
    typing: (dialogId, o) => scheduler.lease(dialogId, o),
    whileTyping: (dialogId, job, o) => scheduler.whileTyping(dialogId, job, o),
    close() {
      if (closed === undefined) {
        let finished!: () => void;
        const done = new Promise<void>((resolve) => {
          finished = resolve;
        });
        closed = (async () => {
          scheduler.close(new ClientClosedError());
          await pipeline.close(done);
          // The fleet learns that this client's leases ended (bounded: 2 s at most).
          await scheduler.idle();
          await options.transport.close?.();
        })();
        void closed.then(finished, finished);
      }
      return closed;
    },
  };
  return client;
}

// The options of one call: the types say so, but JavaScript callers and `any` can pass anything.
function checkCallOptions(options: BatchOptions | undefined): BatchOptions {
  if (options === undefined) return {};
  need(isObject(options), "options", "an object such as { signal }", options);
  const { signal, halt, idempotent } = options;
  need(signal === undefined || isAbortSignal(signal), "signal", "an AbortSignal", signal);
  need(halt === undefined || typeof halt === "boolean", "halt", "true or false", halt);
  need(
    idempotent === undefined || typeof idempotent === "boolean",
    "idempotent",
    "true or false",
    idempotent,
  );
  return options;
}

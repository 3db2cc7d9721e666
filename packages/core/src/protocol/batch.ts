import { assertMethodName } from "./build-request.js";
import { type ApiError, type B24Error, ConfigError, ProtocolError } from "./errors.js";
import type { MethodCall } from "./methods.js";
import { errorFrom, isRecord, type RestTime, restResult, textOf } from "./parse-response.js";
import { encodePhpQuery } from "./php-query.js";
import { secretsOfParams } from "./redact.js";

/**
 * The most commands one `batch` request may hold; the server fails each one beyond it.
 *
 * @example
 * ```ts
 * for (let i = 0; i < calls.length; i += BATCH_LIMIT) send(batchCall(calls.slice(i, i + BATCH_LIMIT), false));
 * ```
 */
export const BATCH_LIMIT = 50;

const KEY = /^\w{1,64}$/;

/**
 * Builds one `batch` call (≤ {@link BATCH_LIMIT} commands) from keyed calls:
 * `{method: "batch", params: {halt: 0|1, cmd: {key: "method?PHP-style query"}}}`. With
 * `halt` the server stops at the first failing command. Throws `ConfigError("calls")`
 * before anything is sent for no calls, too many, a nested `batch`, an invalid method name,
 * or a key that is not 1–64 letters, digits or `_`, or repeats. `$result[…]` references
 * between commands are not supported: values are sent as literal text.
 *
 * @example
 * ```ts
 * batchCall([["a", imDialogWriting("chat5")], ["b", imDialogWriting(13)]], false);
 * // { method: "batch", params: { halt: 0, cmd: { a: "im.dialog.writing?DIALOG_ID=chat5", b: "im.dialog.writing?DIALOG_ID=13" } } }
 * ```
 */
export function batchCall(
  calls: ReadonlyArray<readonly [key: string, call: MethodCall]>,
  halt: boolean,
): MethodCall {
  const fail = (why: string) => new ConfigError("calls", `A batch ${why}`);
  if (!Array.isArray(calls) || calls.length === 0) throw fail("needs at least one command");
  if (calls.length > BATCH_LIMIT)
    throw fail(`holds at most ${BATCH_LIMIT} commands, got ${calls.length}: split it`);
  const keys = new Set<string>();
  const commands = calls.map(([key, call]) => {
    if (typeof key !== "string" || !KEY.test(key) || keys.has(key)) {
      throw fail(
        `key must be 1-64 letters, digits or "_" and unique, got ${JSON.stringify(String(key)).slice(0, 70)}`,
      );
    }
    keys.add(key);
    assertMethodName(call?.method, "calls");
    if (call.method.toLowerCase() === "batch") throw fail("cannot contain another batch");
    const query = encodePhpQuery(call.params ?? {});
    return [key, query ? `${call.method}?${query}` : call.method] as const;
  });
  // fromEntries defines own properties, so even a key named "__proto__" stays a command.
  const cmd = Object.fromEntries(commands);
  return { method: "batch", params: { halt: halt ? 1 : 0, cmd } };
}

/**
 * What became of one command of a batch:
 * - `fulfilled`: it ran; its value, with its own `time`, `next`, `total`;
 * - `rejected`: it failed. `reason` is the command's own typed `ApiError`, or — when its
 *   whole request failed (a `TransportError`, `TimeoutError`, `ProtocolError`, a
 *   `RateLimitError` left after the retries, `ClientClosedError`) — that request's error,
 *   shared by each of its commands. Whether such a command ran is unknown unless the error
 *   says the request never reached the server (`surelyNotSent(reason)`);
 * - `skipped`: it did not run: `halt` stopped the batch before it.
 *
 * @example
 * ```ts
 * for (const outcome of parseBatchResult(calls, answer.result)) {
 *   if (outcome.status === "rejected") console.log(outcome.reason.code);
 * }
 * ```
 */
export type BatchOutcome<T = unknown, E extends B24Error = B24Error> =
  | { status: "fulfilled"; value: T; time?: RestTime; next?: number; total?: number }
  | { status: "rejected"; reason: E }
  | { status: "skipped" };

/**
 * Reads the `result` of a `batch` answer (`{result, result_error, result_time, result_next,
 * result_total}`, each a map by key, or a list when the keys were 0, 1, …; empty maps arrive
 * as `[]`) into one {@link BatchOutcome} per call, in the order of `calls`; a rejected one's
 * `reason` is always the command's own `ApiError`. A command's error
 * becomes the typed `ApiError` for its code and its own method; `options.status` (default
 * 200, what batch answers carry) is the status those errors report. A malformed answer
 * throws `ProtocolError`.
 *
 * @example
 * ```ts
 * const calls = [["a", imDialogWriting("chat5")]] as const;
 * const answer = parseResponse(batchCall(calls, false), response);
 * const [a] = parseBatchResult(calls, answer.result); // { status: "fulfilled", value: true, … }
 * ```
 */
export function parseBatchResult(
  calls: ReadonlyArray<readonly [key: string, call: MethodCall]>,
  result: unknown,
  options: { secrets?: readonly string[]; status?: number } = {},
): BatchOutcome<unknown, ApiError>[] {
  const status = options.status ?? 200;
  // Any command's answer may echo any part of the batch: every error hides every secret in it.
  let batchSecrets: string[] | undefined;
  const secrets = () => {
    batchSecrets ??= [
      ...(options.secrets ?? []),
      ...secretsOfParams(calls.map(([, call]) => call.params)),
    ];
    return batchSecrets;
  };
  const malformed = () =>
    new ProtocolError("The batch answer is malformed", status, textOf(result), {
      secrets: secrets(),
    });
  if (!isRecord(result)) throw malformed();
  const mapOf = (name: string) => {
    const map = result[name] ?? [];
    if (typeof map !== "object" || map === null) throw malformed();
    return map as Record<string, unknown>;
  };
  // Own keys only: a key such as "constructor" must not find Object.prototype's.
  const own = (map: Record<string, unknown>, key: string) =>
    Object.hasOwn(map, key) ? map[key] : undefined;
  const values = mapOf("result");
  const errors = mapOf("result_error");
  const times = mapOf("result_time");
  const nexts = mapOf("result_next");
  const totals = mapOf("result_total");
  return calls.map(([key, call]): BatchOutcome<unknown, ApiError> => {
    const failure = own(errors, key);
    if (failure !== undefined) {
      const reason = isRecord(failure) && errorFrom(failure, call.method, status, secrets());
      if (!reason) throw malformed();
      return { status: "rejected", reason };
    }
    if (!Object.hasOwn(values, key)) return { status: "skipped" };
    const { result: value, ...extras } = restResult(
      values[key],
      own(times, key),
      own(nexts, key),
      own(totals, key),
    );
    return { status: "fulfilled", value, ...extras };
  });
}

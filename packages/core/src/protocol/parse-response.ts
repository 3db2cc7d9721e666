import { type ApiError, apiErrorFrom, PortalMovedError, ProtocolError } from "./errors.js";
import type { HttpResponse } from "./http.js";
import type { MethodCall } from "./methods.js";
import { secretsOfParams } from "./redact.js";

/**
 * The `time` block of an answer. Every field may be missing (on-premise portals send no
 * `operating*`). `operating` is the method's server time used in the rolling window, in
 * seconds; `operating_reset_at` is when that budget frees up, in epoch seconds.
 *
 * @example
 * ```ts
 * const { time } = parseResponse(call, response);
 * if (time?.operating !== undefined && time.operating > 400) slowDown();
 * ```
 */
export interface RestTime {
  start?: number;
  finish?: number;
  duration?: number;
  processing?: number;
  date_start?: string;
  date_finish?: string;
  operating?: number;
  operating_reset_at?: number;
}

/**
 * A successful answer: the method's `result`, plus `time` and, for lists, `next` / `total`.
 *
 * @example
 * ```ts
 * const answer: RestResult<boolean> = parseResponse(imDialogWriting("chat5"), response);
 * answer.result; // true
 * ```
 */
export interface RestResult<T> {
  result: T;
  time?: RestTime;
  next?: number;
  total?: number;
}

const MOVED = new Set([301, 302, 303, 307, 308]);
const TIME_FIELDS = [
  "start",
  "finish",
  "duration",
  "processing",
  "date_start",
  "date_finish",
  "operating",
  "operating_reset_at",
] as const;

/**
 * Reads a Bitrix24 answer. A redirect (301/302/303/307/308) throws `PortalMovedError` with the
 * redacted `location`; an error envelope `{error, error_description}` throws the typed
 * `ApiError` subclass for its code (a numeric code kept as text; `OPERATION_TIME_LIMIT`
 * carries `retryAt` from `time.operating_reset_at`); `{result, …}` returns a
 * {@link RestResult} with only well-typed `time` fields and numeric `next` / `total`.
 * Anything else — HTML, cut JSON, an empty body, JSON that is no envelope — throws
 * `ProtocolError`, retryable when the status is ≥ 500. Secrets in `options.secrets` and the
 * call's secret params (`auth`, `botToken`, …) never appear in these errors.
 *
 * @example
 * ```ts
 * const response = await transport.send(buildRequest(call, target), { timeoutMs: 30_000 });
 * const { result } = parseResponse<boolean>(call, response); // or throws a B24Error
 * ```
 */
export function parseResponse<T>(
  call: MethodCall,
  response: HttpResponse,
  options: { secrets?: readonly string[] } = {},
): RestResult<T> {
  const secrets = () => callSecrets(call, options.secrets);
  const { status, body } = response;
  if (MOVED.has(status)) {
    throw new PortalMovedError(status, response.headers.location ?? "", { secrets: secrets() });
  }
  let envelope: unknown;
  try {
    envelope = JSON.parse(body);
  } catch {
    throw new ProtocolError(
      body.trim() ? "The answer is not JSON" : "The answer is empty",
      status,
      body,
      { secrets: secrets() },
    );
  }
  if (isRecord(envelope)) {
    // Secrets are collected only for an error: a successful answer needs none.
    const error =
      "error" in envelope ? errorFrom(envelope, call.method, status, secrets()) : undefined;
    if (error) throw error;
    if ("result" in envelope)
      return restResult(
        envelope.result,
        envelope.time,
        envelope.next,
        envelope.total,
      ) as RestResult<T>;
  }
  throw new ProtocolError("The answer is no Bitrix24 envelope", status, body, {
    secrets: secrets(),
  });
}

/**
 * The typed error for an `{error, error_description}` object, or `undefined` when `value`
 * has no string or numeric `error`. Shared by whole answers and `batch` commands.
 *
 * @example
 * ```ts
 * errorFrom({ error: "ACCESS_ERROR", error_description: "" }, "im.dialog.writing", 403, []); // AccessError
 * ```
 */
export function errorFrom(
  value: Record<string, unknown>,
  method: string,
  status: number,
  secrets: readonly string[],
): ApiError | undefined {
  const { error, error_description: description = "" } = value;
  if (typeof error !== "string" && typeof error !== "number") return undefined;
  const code = String(error);
  const time = readTime(value.time);
  const retryAt =
    code.toLowerCase() === "operation_time_limit" && time?.operating_reset_at !== undefined
      ? time.operating_reset_at * 1000
      : undefined;
  return apiErrorFrom({ code, status, method, description: textOf(description), secrets, retryAt });
}

/**
 * A JSON value the server sent, as text: a string as it is, anything else as JSON. Unlike
 * `String()`, it cannot throw: `{"toString": {}}` is valid JSON that `String()` chokes on,
 * and a value nested deeper than `JSON.stringify` can recurse (which `JSON.parse` reads
 * fine) becomes a short note instead of a `RangeError`.
 *
 * @example
 * ```ts
 * textOf("Access denied"); // "Access denied"
 * textOf({ toString: {} }); // '{"toString":{}}'
 * ```
 */
export function textOf(value: unknown): string {
  if (typeof value === "string") return value;
  try {
    return JSON.stringify(value) ?? "";
  } catch {
    return "(a value nested too deep to show)";
  }
}

/**
 * A {@link RestResult} from the parts of an answer, keeping only well-typed extras.
 *
 * @example
 * ```ts
 * restResult(true, { duration: 0.01, operating: "x" }, undefined, 5); // { result: true, time: { duration: 0.01 }, total: 5 }
 * ```
 */
export function restResult(
  result: unknown,
  time: unknown,
  next: unknown,
  total: unknown,
): RestResult<unknown> {
  const out: RestResult<unknown> = { result };
  const parsedTime = readTime(time);
  if (parsedTime) out.time = parsedTime;
  if (isCount(next)) out.next = next;
  if (isCount(total)) out.total = total;
  return out;
}

function readTime(value: unknown): RestTime | undefined {
  if (!isRecord(value)) return undefined;
  const time: Record<string, number | string> = {};
  for (const field of TIME_FIELDS) {
    const v = value[field];
    const want = field.startsWith("date_") ? "string" : "number";
    if (typeof v === want && (want === "string" || Number.isFinite(v)))
      time[field] = v as number | string;
  }
  return time as RestTime;
}

/**
 * The secrets an error about `call` must not show: the given ones and the call's secret
 * params.
 *
 * @example
 * ```ts
 * callSecrets({ method: "x", params: { botToken: "s3cret" } }); // ["s3cret"]
 * ```
 */
export function callSecrets(call: MethodCall, secrets: readonly string[] = []): string[] {
  return [...secrets, ...secretsOfParams(call.params)];
}

/**
 * Whether `value` is a JSON object (not null, not an array).
 *
 * @example
 * ```ts
 * isRecord({}); // true
 * isRecord([]); // false
 * ```
 */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isCount(value: unknown): value is number {
  return typeof value === "number" && Number.isSafeInteger(value) && value >= 0;
}

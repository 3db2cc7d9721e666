import { ConfigError } from "./errors.js";

/**
 * Whether `value` is a non-null object (arrays included).
 *
 * @example
 * ```ts
 * isObject({}); // true
 * isObject(null); // false
 * ```
 */
export const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null;

/**
 * Whether `value` is a function.
 *
 * @example
 * ```ts
 * isFunction(() => {}); // true
 * ```
 */
export const isFunction = (value: unknown): value is (...args: never[]) => unknown =>
  typeof value === "function";

/**
 * The one template of every option error: `${option} must be ${fix}; got ${what it got}`.
 * Only numbers and type names are quoted, because option values may be secrets. Pass no
 * `value` argument to leave the "got" part out.
 *
 * @example
 * ```ts
 * need(typeof x === "boolean", "followPortalMoves", "true or false", x);
 * // ConfigError("followPortalMoves"): "followPortalMoves must be true or false; got a string"
 * ```
 */
export function need(ok: unknown, option: string, fix: string, ...value: unknown[]): void {
  if (!ok) {
    throw new ConfigError(
      option,
      `${option} must be ${fix}${value.length ? `; got ${describeValue(value[0])}` : ""}`,
    );
  }
}

/**
 * Checks a number option against `min` (≥), `max` (≤; default `Number.MAX_SAFE_INTEGER`, so
 * `NaN` and `Infinity` fail) and, with `integer`, integrality, and returns it. A bad one
 * throws {@link ConfigError} through {@link need}. Options in milliseconds use
 * {@link checkDelay}.
 *
 * @example
 * ```ts
 * checkNumber("retry.attempts", 3, { min: 1, max: 100, integer: true }); // 3
 * checkNumber("typing.as.botId", 0, { min: 1, integer: true }); // throws: "… must be an integer ≥ 1; got 0"
 * checkNumber("duration", 601, { min: 1, max: 600, integer: true }); // "duration must be an integer from 1 to 600; got 601"
 * ```
 */
export function checkNumber(
  option: string,
  value: unknown,
  o: { min: number; max?: number; integer?: boolean },
): number {
  const { min, max = Number.MAX_SAFE_INTEGER, integer } = o;
  const ok =
    typeof value === "number" &&
    value >= min &&
    value <= max &&
    (!integer || Number.isInteger(value));
  need(
    ok,
    option,
    `${integer ? "an integer" : "a number"} ${
      max < Number.MAX_SAFE_INTEGER ? `from ${min} to ${max}` : `≥ ${min}`
    }`,
    value,
  );
  return value as number;
}

/**
 * The longest delay every runtime's timers honour: 2^31 − 1 ms, about 24.8 days. A longer
 * `setTimeout` fires after 1 ms instead (Node also warns), so no option in milliseconds may
 * exceed it and every delay core computes is cut to it.
 *
 * @example
 * ```ts
 * clock.setTimeout(tick, Math.min(waitMs, MAX_DELAY_MS));
 * ```
 */
export const MAX_DELAY_MS = 2_147_483_647;

/**
 * Checks an option in milliseconds: a number ≥ 0 (> 0 with `above`) and at most
 * {@link MAX_DELAY_MS}, or `Infinity` when `infinite` allows it. Returns it, or throws
 * {@link ConfigError} through {@link need}, naming the limit.
 *
 * @example
 * ```ts
 * checkDelay("timeoutMs", 30_000, { above: true }); // 30000
 * checkDelay("timeoutMs", 3e9, { above: true });
 * // throws: "timeoutMs must be a number > 0 and ≤ 2147483647 (about 24.8 days); got 3000000000"
 * ```
 */
export function checkDelay(
  option: string,
  value: unknown,
  o: { above?: boolean; infinite?: boolean } = {},
): number {
  const ok =
    typeof value === "number" &&
    (o.above ? value > 0 : value >= 0) &&
    (value <= MAX_DELAY_MS || (o.infinite === true && value === Number.POSITIVE_INFINITY));
  need(
    ok,
    option,
    `a number ${o.above ? "> 0" : "≥ 0"} and ≤ ${MAX_DELAY_MS} (about 24.8 days)${o.infinite ? ", or Infinity" : ""}`,
    value,
  );
  return value as number;
}

/**
 * Whether `value` can serve as an `AbortSignal` (from any realm or polyfill).
 *
 * @example
 * ```ts
 * isAbortSignal(new AbortController().signal); // true
 * isAbortSignal("stop"); // false
 * ```
 */
export function isAbortSignal(value: unknown): value is AbortSignal {
  return (
    isObject(value) &&
    typeof value.aborted === "boolean" &&
    isFunction(value.addEventListener) &&
    isFunction(value.removeEventListener)
  );
}

/**
 * Checks a string option is non-empty and returns it; the value is never quoted (a
 * `botToken` is a secret).
 *
 * @example
 * ```ts
 * checkText("clientId", "my-app"); // "my-app"
 * ```
 */
export function checkText(option: string, value: unknown): string {
  need(typeof value === "string" && value, option, "a non-empty string", value);
  return value as string;
}

/**
 * A value named for an error message: numbers as they are, anything else by its type. Option
 * values may be secrets, and `String()` throws on some objects, so nothing else is quoted.
 *
 * @example
 * ```ts
 * describeValue(42); // "42"
 * describeValue("s3cret"); // "a string"
 * ```
 */
export function describeValue(value: unknown): string {
  if (typeof value === "number") return String(value);
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (value === "") return "an empty string";
  return typeof value === "string" ? "a string" : typeof value;
}

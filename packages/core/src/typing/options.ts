import type { B24Error } from "../protocol/errors.js";
import {
  checkDelay,
  checkNumber,
  checkText,
  isAbortSignal,
  isFunction,
  isObject,
  need,
} from "../protocol/option-check.js";

/**
 * A classic chat bot typing through `imbot.chat.sendTyping`. Webhooks must send the bot's
 * `clientId` (the server answers `ACCESS_DENIED` without it).
 *
 * @example
 * ```ts
 * const as: BotTypingIdentity = { botId: 42, clientId: "my-app-client-id" };
 * ```
 */
export interface BotTypingIdentity {
  botId: number;
  clientId?: string | undefined;
}

/**
 * A bot of the v2 bot platform typing through `imbot.v2.Chat.InputAction.notify`.
 * Webhooks send the bot's `botToken`; `statusMessageCode` picks the status text recipients
 * see, e.g. `"IMBOT_AGENT_ACTION_THINKING"`.
 *
 * @example
 * ```ts
 * const as: BotV2TypingIdentity = { botId: 42, botToken, v2: true, statusMessageCode: "IMBOT_AGENT_ACTION_THINKING" };
 * ```
 */
export interface BotV2TypingIdentity {
  botId: number;
  botToken?: string | undefined;
  v2: true;
  statusMessageCode?: string | undefined;
}

/**
 * Who is typing: the webhook's or token's user (`im.dialog.writing`), a classic bot, or a
 * v2 bot.
 *
 * @example
 * ```ts
 * client.typing("chat5", { as: { botId: 42, clientId } });
 * ```
 */
export type TypingIdentity = "user" | BotTypingIdentity | BotV2TypingIdentity;

/**
 * How `typing()` and `whileTyping()` keep the indicator alive. Set them per client
 * (`createClient({ typing })`) and per lease; a lease's values replace the client's key by
 * key. Values are honoured as given; only the defaults encode Bitrix24's timings. Every time
 * is in milliseconds, at most 2^31 − 1 (about 24.8 days, what timers honour).
 *
 * @example
 * ```ts
 * const lease = client.typing("chat5", {
 *   refreshMs: 15_000,
 *   initialDelayMs: 3_000,
 *   onError: (error, dialogId) => log.warn({ dialogId, code: error.code }),
 * });
 * ```
 */
export interface TypingOptions {
  /** Time between events after the first; default 20 000 (the indicator lives about 35 s). */
  refreshMs?: number | undefined;
  /** Time before the first event; default 0. A lease stopped sooner sends nothing. */
  initialDelayMs?: number | undefined;
  /** A lease ends by itself after this long (reported through `onError`); default 300 000, `Infinity` for never. */
  maxDurationMs?: number | undefined;
  /**
   * How long one send of typing events may take, from the moment it leaves the schedule:
   * waiting for the rate limiter, every attempt (each gets at most half of it, so a hung one
   * leaves room for a retry) and the backoff between them. Past it the send fails with a
   * `TimeoutError` (reported through `onError`) and the event goes at the next refresh.
   * Default: what the indicator's 35 s life leaves after `refreshMs` and a 5 s margin,
   * between 1 000 and 10 000 (10 000 with the default 20 s refresh).
   */
  sendTimeoutMs?: number | undefined;
  /** Who is typing; default `"user"`. */
  as?: TypingIdentity | undefined;
  /**
   * Receives typing failures and the `maxDurationMs` stop; typing never throws them at the
   * caller. Without it a lease's failures are not silent: each lease warns once per error
   * code on the console (at most three leases per code, then one line saying more were left
   * out), with the error's redacted message. Pass a function to handle them yourself (one
   * that does nothing silences them).
   */
  onError?: ((error: B24Error, dialogId: string) => void) | undefined;
  /** Aborting it ends the lease (and aborts the job `whileTyping` runs). */
  signal?: AbortSignal | undefined;
}

/**
 * {@link TypingOptions} after defaults were applied and every value was checked.
 *
 * @example
 * ```ts
 * const resolved = resolveTypingOptions(DEFAULT_TYPING_OPTIONS, { refreshMs: 500 });
 * resolved.refreshMs; // 500
 * ```
 */
export interface ResolvedTypingOptions {
  readonly refreshMs: number;
  readonly initialDelayMs: number;
  readonly maxDurationMs: number;
  /** `undefined`: derived from `refreshMs` (see `defaultSendTimeoutMs`). */
  readonly sendTimeoutMs: number | undefined;
  readonly as: TypingIdentity;
  readonly onError: ((error: B24Error, dialogId: string) => void) | undefined;
  readonly signal: AbortSignal | undefined;
}

/**
 * Bitrix24's timings: a refresh well inside the indicator's 35 s life, no delay, and a
 * five-minute cap against a hung job.
 *
 * @example
 * ```ts
 * const scheduler = createTypingScheduler({ clock, send, defaults: DEFAULT_TYPING_OPTIONS });
 * ```
 */
export const DEFAULT_TYPING_OPTIONS: ResolvedTypingOptions = Object.freeze({
  refreshMs: 20_000,
  initialDelayMs: 0,
  maxDurationMs: 300_000,
  sendTimeoutMs: undefined,
  as: "user",
  onError: undefined,
  signal: undefined,
});

// What each option must be; `as` is checked by `checkIdentity`.
const CHECKS: Record<string, (option: string, value: unknown) => unknown> = {
  refreshMs: (option, value) => checkDelay(option, value, { above: true }),
  initialDelayMs: (option, value) => checkDelay(option, value),
  maxDurationMs: (option, value) => checkDelay(option, value, { above: true, infinite: true }),
  sendTimeoutMs: (option, value) => checkDelay(option, value, { above: true }),
  as: (_, value) => checkIdentity(value),
  onError: (option, value) => need(isFunction(value), option, "a function", value),
  signal: (option, value) => need(isAbortSignal(value), option, "an AbortSignal", value),
};

/**
 * Checks `options` and lays them over `base` (already resolved). Without `options` it returns
 * `base` itself, so leases opened with the client's defaults share one object. Every bad value
 * throws {@link ConfigError} naming the option, e.g. `"typing.refreshMs"`; a `botToken` is
 * never quoted.
 *
 * @example
 * ```ts
 * const defaults = resolveTypingOptions(DEFAULT_TYPING_OPTIONS, clientOptions.typing);
 * const forLease = resolveTypingOptions(defaults, { as: { botId: 42, clientId } });
 * resolveTypingOptions(defaults, { refreshMs: 0 }); // throws ConfigError (option "typing.refreshMs")
 * ```
 */
export function resolveTypingOptions(
  base: ResolvedTypingOptions,
  options: TypingOptions | undefined,
): ResolvedTypingOptions {
  if (options === undefined) return base;
  need(isObject(options) && !Array.isArray(options), "typing", "an object", options);
  const resolved: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(options)) {
    const option = `typing.${key}`;
    // Own keys only: "toString" or "__proto__" must not find Object.prototype's.
    const check = Object.hasOwn(CHECKS, key) ? CHECKS[key] : undefined;
    // The list is made only for the error: options are resolved for every lease.
    if (check === undefined) {
      need(check, option, `left out: the typing options are ${Object.keys(CHECKS).join(", ")}`);
    }
    if (value !== undefined) resolved[key] = check?.(option, value) ?? value;
  }
  return resolved as unknown as ResolvedTypingOptions;
}

// The identity is copied, so a caller mutating its object later cannot change a running schedule.
function checkIdentity(value: unknown): TypingIdentity {
  if (value === "user") return value;
  need(
    isObject(value) && !Array.isArray(value),
    "typing.as",
    '"user", { botId, clientId? } (imbot.chat.sendTyping) or { botId, botToken?, v2: true, statusMessageCode? } (imbot.v2.Chat.InputAction.notify)',
    value,
  );
  const { botId, clientId, botToken, v2, statusMessageCode, ...rest } = value as Record<
    string,
    unknown
  >;
  const extra = Object.keys(rest)[0];
  need(extra === undefined, `typing.as.${extra}`, "left out: no such identity field");
  checkNumber("typing.as.botId", botId, { min: 1, integer: true });
  need(v2 === undefined || typeof v2 === "boolean", "typing.as.v2", "true for a v2 bot", v2);
  // A v2 bot sends botToken and statusMessageCode, a classic bot clientId; never the other's.
  const [own, other] = v2
    ? [{ botToken, statusMessageCode }, { clientId }]
    : [{ clientId }, { botToken, statusMessageCode }];
  const identity: Record<string, unknown> = v2 ? { botId, v2 } : { botId };
  for (const [key, field] of Object.entries(other)) {
    need(field === undefined, `typing.as.${key}`, `left out ${v2 ? "for" : "without"} v2: true`);
  }
  for (const [key, field] of Object.entries(own)) {
    if (field !== undefined) identity[key] = checkText(`typing.as.${key}`, field);
  }
  return identity as unknown as TypingIdentity;
}

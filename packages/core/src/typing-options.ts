import { type B24Error, ConfigError } from "./errors.js";

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
  clientId?: string;
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
  botToken?: string;
  v2: true;
  statusMessageCode?: string;
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
 * key. Values are honoured as given; only the defaults encode Bitrix24's timings.
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
  refreshMs?: number;
  /** Time before the first event; default 0. A lease stopped sooner sends nothing. */
  initialDelayMs?: number;
  /** A lease ends by itself after this long (reported through `onError`); default 300 000, `Infinity` for never. */
  maxDurationMs?: number;
  /** Who is typing; default `"user"`. */
  as?: TypingIdentity;
  /** Receives typing failures and the `maxDurationMs` stop; typing never throws them at the caller. */
  onError?: (error: B24Error, dialogId: string) => void;
  /** Aborting it ends the lease (and aborts the job `whileTyping` runs). */
  signal?: AbortSignal;
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
  as: "user",
  onError: undefined,
  signal: undefined,
});

const KNOWN_OPTIONS: ReadonlySet<string> = new Set([
  "refreshMs",
  "initialDelayMs",
  "maxDurationMs",
  "as",
  "onError",
  "signal",
]);

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
  if (typeof options !== "object" || options === null || Array.isArray(options)) {
    throw new ConfigError("typing", `typing options must be an object; got ${describe(options)}`);
  }
  for (const key of Object.keys(options)) {
    if (!KNOWN_OPTIONS.has(key)) {
      throw new ConfigError(
        `typing.${key}`,
        `typing.${key} is not a typing option; use refreshMs, initialDelayMs, maxDurationMs, as, onError or signal`,
      );
    }
  }
  const { refreshMs, initialDelayMs, maxDurationMs, as, onError, signal } = options;
  return {
    refreshMs: refreshMs === undefined ? base.refreshMs : checkRefresh(refreshMs),
    initialDelayMs:
      initialDelayMs === undefined ? base.initialDelayMs : checkInitialDelay(initialDelayMs),
    maxDurationMs:
      maxDurationMs === undefined ? base.maxDurationMs : checkMaxDuration(maxDurationMs),
    as: as === undefined ? base.as : checkIdentity(as),
    onError: onError === undefined ? base.onError : checkOnError(onError),
    signal: signal === undefined ? base.signal : checkSignal(signal),
  };
}

function checkRefresh(value: unknown): number {
  if (typeof value === "number" && Number.isFinite(value) && value > 0) return value;
  throw new ConfigError(
    "typing.refreshMs",
    `typing.refreshMs must be a finite number of milliseconds above 0 (default 20000); got ${describe(value)}`,
  );
}

function checkInitialDelay(value: unknown): number {
  if (typeof value === "number" && Number.isFinite(value) && value >= 0) return value;
  throw new ConfigError(
    "typing.initialDelayMs",
    `typing.initialDelayMs must be a finite number of milliseconds, 0 or more (default 0); got ${describe(value)}`,
  );
}

function checkMaxDuration(value: unknown): number {
  if (typeof value === "number" && value > 0) return value;
  throw new ConfigError(
    "typing.maxDurationMs",
    `typing.maxDurationMs must be a number of milliseconds above 0, or Infinity for no limit (default 300000); got ${describe(value)}`,
  );
}

function checkOnError(value: unknown): TypingOptions["onError"] {
  if (typeof value === "function") return value as TypingOptions["onError"];
  throw new ConfigError(
    "typing.onError",
    `typing.onError must be a function; got ${describe(value)}`,
  );
}

function checkSignal(value: unknown): AbortSignal {
  const candidate = value as Partial<AbortSignal> | null;
  if (
    typeof candidate === "object" &&
    candidate !== null &&
    typeof candidate.aborted === "boolean" &&
    typeof candidate.addEventListener === "function" &&
    typeof candidate.removeEventListener === "function"
  ) {
    return value as AbortSignal;
  }
  throw new ConfigError(
    "typing.signal",
    `typing.signal must be an AbortSignal; got ${describe(value)}`,
  );
}

const IDENTITY_FORMS =
  'use "user", { botId, clientId? } for imbot.chat.sendTyping or { botId, botToken?, v2: true, statusMessageCode? } for imbot.v2.Chat.InputAction.notify';

// The identity is copied, so a caller mutating its object later cannot change a running schedule.
function checkIdentity(value: unknown): TypingIdentity {
  if (value === "user") return value;
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new ConfigError(
      "typing.as",
      `typing.as must name who types; got ${describe(value)}: ${IDENTITY_FORMS}`,
    );
  }
  const { botId, clientId, botToken, v2, statusMessageCode, ...rest } = value as Record<
    string,
    unknown
  >;
  const unknownKey = Object.keys(rest)[0];
  if (unknownKey !== undefined) {
    throw new ConfigError(
      `typing.as.${unknownKey}`,
      `typing.as.${unknownKey} is not an identity field: ${IDENTITY_FORMS}`,
    );
  }
  if (!Number.isSafeInteger(botId) || (botId as number) < 1) {
    throw new ConfigError(
      "typing.as.botId",
      `typing.as.botId must be a bot id, an integer ≥ 1; got ${describe(botId)}`,
    );
  }
  if (v2 !== undefined && typeof v2 !== "boolean") {
    throw new ConfigError(
      "typing.as.v2",
      `typing.as.v2 must be true for a v2 bot; got ${describe(v2)}`,
    );
  }
  if (v2 === true) {
    if (clientId !== undefined) {
      throw new ConfigError(
        "typing.as.clientId",
        "typing.as.clientId is for classic bots; a v2 bot sends botToken",
      );
    }
    const identity: BotV2TypingIdentity = { botId: botId as number, v2: true };
    if (botToken !== undefined) identity.botToken = checkText("typing.as.botToken", botToken);
    if (statusMessageCode !== undefined) {
      identity.statusMessageCode = checkText("typing.as.statusMessageCode", statusMessageCode);
    }
    return identity;
  }
  if (botToken !== undefined || statusMessageCode !== undefined) {
    const option = botToken !== undefined ? "typing.as.botToken" : "typing.as.statusMessageCode";
    throw new ConfigError(
      option,
      `${option} is for v2 bots: add v2: true, or send clientId for a classic bot`,
    );
  }
  const identity: BotTypingIdentity = { botId: botId as number };
  if (clientId !== undefined) identity.clientId = checkText("typing.as.clientId", clientId);
  return identity;
}

function checkText(option: string, value: unknown): string {
  if (typeof value === "string" && value.length > 0) return value;
  throw new ConfigError(option, `${option} must be a non-empty string; got ${describe(value)}`);
}

// Only numbers and type names are quoted: option values may be secrets.
function describe(value: unknown): string {
  if (typeof value === "number") return String(value);
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "string") return value.length === 0 ? "an empty string" : "a string";
  return typeof value;
}

import type { V2Bot } from "../bot-registry.js";
import type { Params } from "../php-query.js";
import { textParam } from "../request-params.js";
import { RestError } from "../rest-error.js";
import type { BotEventMode, BotType } from "../seed.js";
import { booleanParam, recordParam } from "./imbot-v2-access.js";

const BOT_TYPES: ReadonlySet<string> = new Set([
  "bot",
  "supervisor",
  "personal",
  "openline",
  "network",
]);
const BACKGROUNDS: ReadonlySet<string> = new Set([
  "azure",
  "mint",
  "steel",
  "slate",
  "teal",
  "cornflower",
  "sky",
  "peach",
  "frost",
]);
/**
 * The longest `botToken` the platform accepts.
 *
 * @example
 * ```ts
 * "x".repeat(MAX_BOT_TOKEN_LENGTH); // the longest token accepted
 * ```
 */
const MAX_BOT_TOKEN_LENGTH = 40;

/**
 * Checks a new `botToken`'s length: 400 `BOT_TOKEN_INVALID_LENGTH` past 40 characters.
 *
 * @example
 * ```ts
 * checkTokenLength("my_bot_token"); // fine
 * ```
 */
export function checkTokenLength(token: string): void {
  if ([...token].length > MAX_BOT_TOKEN_LENGTH) {
    throw new RestError(
      400,
      "BOT_TOKEN_INVALID_LENGTH",
      `Bot token must be at most ${MAX_BOT_TOKEN_LENGTH} characters`,
    );
  }
}

/**
 * A bot type: `bot` when absent, 400 `BOT_INVALID_TYPE` when not one of the documented ones.
 *
 * @example
 * ```ts
 * botTypeParam("supervisor"); // "supervisor"
 * ```
 */
export function botTypeParam(value: unknown): BotType {
  if (value === undefined || value === null || value === "") return "bot";
  const text = textParam(value);
  if (text === undefined || !BOT_TYPES.has(text)) {
    throw new RestError(400, "BOT_INVALID_TYPE", "Invalid bot type");
  }
  return text as BotType;
}

/**
 * An event mode: 400 `BOT_INVALID_EVENT_MODE` unless `fetch` or `webhook`.
 *
 * @example
 * ```ts
 * eventModeParam("webhook"); // "webhook"
 * ```
 */
export function eventModeParam(value: unknown): BotEventMode {
  const text = textParam(value);
  if (text !== "fetch" && text !== "webhook") {
    throw new RestError(400, "BOT_INVALID_EVENT_MODE", "Invalid event mode");
  }
  return text;
}

/**
 * A handler URL: an absolute http or https URL without credentials, else 400
 * `BOT_INVALID_CALLBACK`. Loopback and plain http are fine: this is a local portal.
 *
 * @example
 * ```ts
 * webhookUrlParam("http://127.0.0.1:8080/bot"); // "http://127.0.0.1:8080/bot"
 * ```
 */
export function webhookUrlParam(value: unknown): string {
  const text = textParam(value);
  let url: URL | undefined;
  try {
    url = text === undefined ? undefined : new URL(text);
  } catch {
    url = undefined;
  }
  if (
    url === undefined ||
    (url.protocol !== "http:" && url.protocol !== "https:") ||
    url.username !== "" ||
    url.password !== ""
  ) {
    throw new RestError(400, "BOT_INVALID_CALLBACK", "Invalid callback URL");
  }
  return url.href;
}

/**
 * Applies the profile and flag fields of `Bot.register` / `Bot.update` (`properties`,
 * `isHidden`, `isReactionsEnabled`, `isSupportOpenline`, `backgroundId`) to a bot. Colours and
 * genders that are not valid are ignored, an unknown background becomes `null`, as documented.
 *
 * @example
 * ```ts
 * applyProfile(bot, { properties: { name: "Helper" }, isHidden: "Y" });
 * ```
 */
export function applyProfile(
  bot: Pick<
    V2Bot,
    | "name"
    | "lastName"
    | "workPosition"
    | "color"
    | "gender"
    | "isHidden"
    | "isReactionsEnabled"
    | "isSupportOpenline"
    | "backgroundId"
  >,
  fields: Params,
): void {
  const properties = recordParam(fields.properties) ?? {};
  const name = textParam(properties.name);
  if (name !== undefined && name.trim() !== "") bot.name = name;
  const lastName = textParam(properties.lastName);
  if (lastName !== undefined) bot.lastName = lastName;
  const workPosition = textParam(properties.workPosition);
  if (workPosition !== undefined) bot.workPosition = workPosition;
  const color = textParam(properties.color);
  if (color !== undefined && /^#[0-9a-f]{6}$/i.test(color)) bot.color = color.toLowerCase();
  const gender = textParam(properties.gender);
  if (gender === "M" || gender === "F") bot.gender = gender;
  for (const flag of ["isHidden", "isReactionsEnabled", "isSupportOpenline"] as const) {
    const value = booleanParam(fields[flag]);
    if (value !== undefined) bot[flag] = value;
  }
  if ("backgroundId" in fields) {
    const background = textParam(fields.backgroundId);
    bot.backgroundId = background !== undefined && BACKGROUNDS.has(background) ? background : null;
  }
}

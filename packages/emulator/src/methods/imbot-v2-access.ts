import { timingSafeEqual } from "node:crypto";
import type { V2Bot } from "../bot-registry.js";
import type { Params } from "../php-query.js";
import { textParam } from "../request-params.js";
import { RestError } from "../rest-error.js";
import type { Caller, MethodContext } from "./rest-method.js";

/**
 * The `botToken` a call carries: absent, or given (as text, or as something that is none).
 *
 * @example
 * ```ts
 * const token: BotTokenParam = requireBotToken(params.botToken, caller);
 * ```
 */
export interface BotTokenParam {
  given: boolean;
  text: string | undefined;
}

/**
 * Reads `botToken` (or another key holding one) and enforces the platform's rule: a webhook
 * caller must send it (400 `BOT_TOKEN_NOT_SPECIFIED`); an OAuth app need not.
 *
 * @example
 * ```ts
 * const token = requireBotToken(params.botToken, caller); // { given: true, text: "demo-bot-token" }
 * ```
 */
export function requireBotToken(value: unknown, caller: Caller): BotTokenParam {
  const given = value !== undefined && value !== null && value !== "";
  if (caller.kind === "webhook" && !given) {
    throw new RestError(400, "BOT_TOKEN_NOT_SPECIFIED", "Bot token is not specified");
  }
  return { given, text: given ? textParam(value) : undefined };
}

function sameText(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

/**
 * Does the caller own `bot`? A webhook caller proves it with the bot's token; an OAuth app by
 * being the bot's application (or, if it sends one, with the right token).
 *
 * @example
 * ```ts
 * ownsBot(bot, caller, { given: true, text: "demo-bot-token" }); // true for bot 100
 * ```
 */
export function ownsBot(bot: V2Bot, caller: Caller, token: BotTokenParam): boolean {
  const tokenMatches =
    token.text !== undefined && bot.botToken !== undefined && sameText(token.text, bot.botToken);
  if (caller.kind === "webhook") return tokenMatches;
  return caller.clientId === bot.clientId || tokenMatches;
}

/**
 * The bot a call names by `botId`, after the checks every `imbot.v2` bot method makes, in the
 * platform's order: 400 `BOT_TOKEN_NOT_SPECIFIED`, 400 `BOT_ID_REQUIRED`, 400 `BOT_NOT_FOUND`,
 * 403 `BOT_OWNERSHIP_ERROR`. `evenRemoved` also finds an unregistered bot whose last events
 * still wait (for `Event.get`).
 *
 * @example
 * ```ts
 * const bot = requireOwnedBot(params, context); // or throws the RestError the portal answers
 * ```
 */
export function requireOwnedBot(
  params: Params,
  context: MethodContext,
  options: { evenRemoved?: boolean } = {},
): V2Bot {
  const token = requireBotToken(params.botToken, context.caller);
  if (params.botId === undefined || params.botId === null || params.botId === "") {
    throw new RestError(400, "BOT_ID_REQUIRED", "Bot ID is required");
  }
  const botId = Number(textParam(params.botId));
  const { registry } = context.bots;
  let bot = Number.isSafeInteger(botId) ? registry.get(botId) : undefined;
  if (bot === undefined && options.evenRemoved && context.bots.hasPendingEvents(botId)) {
    bot = registry.getEvenRemoved(botId);
  }
  if (bot === undefined) throw new RestError(400, "BOT_NOT_FOUND", "Bot not found");
  if (!ownsBot(bot, context.caller, token)) {
    throw new RestError(403, "BOT_OWNERSHIP_ERROR", "Bot is registered by another application");
  }
  return bot;
}

/**
 * A boolean parameter as the platform reads it: `true`/`false`, `"Y"`/`"N"`, and the
 * `"1"`/`"0"`/`"true"`/`"false"` a form body carries. Anything else is `undefined`.
 *
 * @example
 * ```ts
 * booleanParam("Y"); // true
 * booleanParam(false); // false
 * booleanParam("maybe"); // undefined
 * ```
 */
export function booleanParam(value: unknown): boolean | undefined {
  if (typeof value === "boolean") return value;
  if (value === 1 || value === 0) return value === 1;
  if (typeof value !== "string") return undefined;
  const upper = value.toUpperCase();
  if (upper === "Y" || upper === "1" || upper === "TRUE") return true;
  if (upper === "N" || upper === "0" || upper === "FALSE") return false;
  return undefined;
}

/**
 * A nested object parameter (`fields`, `properties`, `filter`): a JSON object or PHP-style
 * form keys; anything else reads as none.
 *
 * @example
 * ```ts
 * recordParam({ code: "x" }); // { code: "x" }
 * recordParam("x"); // undefined
 * ```
 */
export function recordParam(value: unknown): Params | undefined {
  return typeof value === "object" && value !== null && !Array.isArray(value)
    ? (value as Params)
    : undefined;
}

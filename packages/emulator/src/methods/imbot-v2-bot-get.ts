import { botAnswer } from "../bot-objects.js";
import { textParam } from "../request-params.js";
import { RestError } from "../rest-error.js";
import { ownsBot, requireBotToken } from "./imbot-v2-access.js";
import type { RestMethod } from "./rest-method.js";

/**
 * `imbot.v2.Bot.get {botId | code, botToken?}`: a bot and its user. The owner gets the
 * extended bot object (`moduleId`, `eventMode`, counters), anyone else the short one.
 * 400 `PARAMS_REQUIRED` without `botId` and `code`, 400 `BOT_NOT_FOUND`.
 *
 * @example
 * ```ts
 * // {"botId":100,"botToken":"demo-bot-token"} → {"result":{"bot":{"id":100,…},"users":[…]}}
 * ```
 */
export const imbotV2BotGet: RestMethod = {
  name: "imbot.v2.Bot.get",
  caseSensitive: true,
  handle(params, { caller, portal, bots }) {
    const token = requireBotToken(params.botToken, caller);
    const { registry } = bots;
    const hasId = params.botId !== undefined && params.botId !== null && params.botId !== "";
    const code = textParam(params.code);
    if (!hasId && (code === undefined || code === "")) {
      throw new RestError(400, "PARAMS_REQUIRED", "Required parameters are missing");
    }
    const bot = hasId ? registry.get(Number(textParam(params.botId))) : registry.byCode(code ?? "");
    if (bot === undefined) throw new RestError(400, "BOT_NOT_FOUND", "Bot not found");
    return botAnswer(bot, portal, registry, ownsBot(bot, caller, token));
  },
};

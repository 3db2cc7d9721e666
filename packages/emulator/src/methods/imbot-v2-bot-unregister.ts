import { requireOwnedBot } from "./imbot-v2-access.js";
import type { RestMethod } from "./rest-method.js";

/**
 * `imbot.v2.Bot.unregister {botId, botToken?}`: removes the bot (it leaves every chat) and
 * answers `{"result": true}`. `ONIMBOTV2DELETE` is its last event: posted to its handler in
 * webhook mode, or left in its queue, which `imbot.v2.Event.get` still serves until it is
 * acknowledged; every other method answers `BOT_NOT_FOUND` at once.
 *
 * @example
 * ```ts
 * // {"botId":101,"botToken":"my_bot_token"} → {"result":{"result":true}}
 * ```
 */
export const imbotV2BotUnregister: RestMethod = {
  name: "imbot.v2.Bot.unregister",
  caseSensitive: true,
  handle(params, context) {
    const bot = requireOwnedBot(params, context);
    context.bots.unregister(bot, context.caller.userId);
    return { result: true };
  },
};

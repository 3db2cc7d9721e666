import { botAnswer } from "../bot-objects.js";
import { textParam } from "../request-params.js";
import { RestError } from "../rest-error.js";
import { recordParam, requireOwnedBot } from "./imbot-v2-access.js";
import {
  applyProfile,
  checkTokenLength,
  eventModeParam,
  webhookUrlParam,
} from "./imbot-v2-bot-fields.js";
import type { RestMethod } from "./rest-method.js";

/**
 * `imbot.v2.Bot.update {botId, botToken?, fields}`: changes a bot's profile, flags, event mode
 * and handler URL, and rotates its token (`fields.botToken`; the call is authorised by the old
 * one, which stops working at once; the bot's webhook events get a new application token).
 * Answers `{bot, users}`. Nothing changes when a field is invalid.
 *
 * @example
 * ```ts
 * // {"botId":101,"botToken":"my_bot_token","fields":{"eventMode":"webhook",
 * //  "webhookUrl":"http://127.0.0.1:8080/bot"}} → {"result":{"bot":{…,"eventMode":"webhook"},…}}
 * ```
 */
export const imbotV2BotUpdate: RestMethod = {
  name: "imbot.v2.Bot.update",
  caseSensitive: true,
  handle(params, context) {
    const bot = requireOwnedBot(params, context);
    const { registry } = context.bots;
    const fields = recordParam(params.fields) ?? {};
    // Every check first: an invalid field leaves the bot as it was.
    const eventMode =
      fields.eventMode === undefined || fields.eventMode === ""
        ? bot.eventMode
        : eventModeParam(fields.eventMode);
    const webhookUrl =
      fields.webhookUrl === undefined || fields.webhookUrl === ""
        ? bot.webhookUrl
        : webhookUrlParam(fields.webhookUrl);
    if (eventMode === "webhook" && webhookUrl === undefined) {
      throw new RestError(400, "BOT_WEBHOOK_URL_REQUIRED", "Webhook URL is required");
    }
    const newToken = textParam(fields.botToken)?.trim() ? textParam(fields.botToken) : undefined;
    if (newToken !== undefined && newToken !== bot.botToken) {
      checkTokenLength(newToken);
      const holder = registry.byToken(newToken);
      if (holder !== undefined && holder !== bot) {
        throw new RestError(400, "BOT_TOKEN_ROTATION_FAILED", "Bot token rotation failed");
      }
    }
    applyProfile(bot, fields);
    bot.eventMode = eventMode;
    bot.webhookUrl = webhookUrl;
    if (newToken !== undefined && newToken !== bot.botToken) {
      bot.botToken = newToken;
      bot.tokenGeneration++;
    }
    registry.syncUser(bot);
    return botAnswer(bot, context.portal, registry);
  },
};

import { botAnswer } from "../bot-objects.js";
import { colorFor } from "../bot-registry.js";
import { textParam } from "../request-params.js";
import { RestError } from "../rest-error.js";
import { ownsBot, recordParam, requireBotToken } from "./imbot-v2-access.js";
import {
  applyProfile,
  botTypeParam,
  checkTokenLength,
  eventModeParam,
  webhookUrlParam,
} from "./imbot-v2-bot-fields.js";
import type { RestMethod } from "./rest-method.js";

/**
 * How many bots one application (or one webhook bot token) may register.
 *
 * @example
 * ```ts
 * if (owned.length >= BOT_LIMIT) throw new RestError(400, "BOT_LIMIT_EXCEEDED", "…");
 * ```
 */
const BOT_LIMIT = 100;

/**
 * `imbot.v2.Bot.register {fields: {code, botToken?, properties: {name, …}, type?, eventMode?,
 * webhookUrl?, …}}`: registers a bot and answers `{bot, users}`. Idempotent by `code`: the
 * same caller registering the same code gets the existing bot back, unchanged. Webhook callers
 * must send `fields.botToken` (≤ 40 characters; it becomes the bot's credential); OAuth apps
 * own their bots by client id.
 *
 * @example
 * ```ts
 * // {"fields":{"code":"support_bot","botToken":"my_bot_token",
 * //  "properties":{"name":"Support Bot"},"eventMode":"fetch"}}
 * // → {"result":{"bot":{"id":101,"code":"support_bot","eventMode":"fetch",…},"users":[…]}}
 * ```
 */
export const imbotV2BotRegister: RestMethod = {
  name: "imbot.v2.Bot.register",
  caseSensitive: true,
  handle(params, { caller, portal, bots }) {
    const fields = recordParam(params.fields) ?? {};
    const token = requireBotToken(fields.botToken ?? params.botToken, caller);
    const code = textParam(fields.code);
    if (code === undefined || code.trim() === "") {
      throw new RestError(400, "BOT_CODE_REQUIRED", "Bot code is required");
    }
    const { registry } = bots;
    const existing = registry.byCode(code);
    if (existing !== undefined) {
      if (ownsBot(existing, caller, token)) return botAnswer(existing, portal, registry);
      throw new RestError(400, "BOT_CODE_ALREADY_TAKEN", "Bot code is already taken");
    }
    if (token.given) {
      if (token.text === undefined) {
        throw new RestError(400, "BOT_REGISTER_FAILED", "Bot registration failed");
      }
      checkTokenLength(token.text);
      // A token stands for one bot; the answer does not say whose it is.
      if (registry.byToken(token.text) !== undefined) {
        throw new RestError(400, "BOT_REGISTER_FAILED", "Bot registration failed");
      }
    }
    const properties = recordParam(fields.properties);
    const name = textParam(properties?.name);
    if (name === undefined || name.trim() === "") {
      throw new RestError(400, "BOT_PROPERTIES_REQUIRED", "Bot properties are required");
    }
    const type = botTypeParam(fields.type);
    const eventMode =
      fields.eventMode === undefined || fields.eventMode === ""
        ? "fetch"
        : eventModeParam(fields.eventMode);
    let webhookUrl: string | undefined;
    if (fields.webhookUrl !== undefined && fields.webhookUrl !== "") {
      webhookUrl = webhookUrlParam(fields.webhookUrl);
    } else if (eventMode === "webhook") {
      throw new RestError(400, "BOT_WEBHOOK_URL_REQUIRED", "Webhook URL is required");
    }
    const clientId = caller.kind === "oauth" ? caller.clientId : undefined;
    const owned = registry
      .all()
      .filter((bot) =>
        clientId !== undefined ? bot.clientId === clientId : bot.botToken === token.text,
      );
    if (owned.length >= BOT_LIMIT) {
      throw new RestError(400, "BOT_LIMIT_EXCEEDED", "Bot limit exceeded");
    }
    const profile = {
      name,
      lastName: "",
      workPosition: "",
      color: "",
      gender: "",
      isHidden: false,
      isReactionsEnabled: true,
      isSupportOpenline: false,
      backgroundId: null as string | null,
    };
    applyProfile(profile, fields);
    const bot = registry.add({
      ...profile,
      code,
      type,
      eventMode,
      webhookUrl,
      botToken: token.text,
      clientId,
    });
    if (bot.color === "") bot.color = colorFor(bot.id);
    return botAnswer(bot, portal, registry);
  },
};

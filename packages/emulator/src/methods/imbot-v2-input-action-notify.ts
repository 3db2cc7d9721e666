import { textParam } from "../request-params.js";
import { RestError } from "../rest-error.js";
import { requireDialogId } from "./dialog-param.js";
import type { RestMethod } from "./rest-method.js";

function durationMs(value: unknown, fallbackMs: number): number {
  if (value === undefined) return fallbackMs;
  const seconds = Number(value);
  if (!Number.isInteger(seconds) || seconds < 1 || seconds > 600) {
    throw new RestError(400, "ERROR_ARGUMENT", "duration must be an integer from 1 to 600");
  }
  return seconds * 1000;
}

/**
 * `imbot.v2.Chat.InputAction.notify`: shows the bot's status in `dialogId` for `duration`
 * seconds (the typing TTL when absent). Webhooks prove ownership with `botToken`, OAuth apps
 * by being the bot's application. Answers `{"result": {"result": true}}`.
 *
 * @example
 * ```ts
 * // {"botId":100,"botToken":"demo-bot-token","dialogId":"chat1",
 * //  "statusMessageCode":"IMBOT_AGENT_ACTION_THINKING","duration":30}
 * ```
 */
export const imbotV2InputActionNotify: RestMethod = {
  name: "imbot.v2.Chat.InputAction.notify",
  caseSensitive: true,
  handle(params, { caller, portal, view, typingTtlMs }) {
    const token = params.botToken;
    if (caller.kind === "webhook" && (token === undefined || token === "")) {
      throw new RestError(400, "BOT_TOKEN_NOT_SPECIFIED", "botToken is required for webhooks");
    }
    if (params.botId === undefined || params.botId === "") {
      throw new RestError(400, "BOT_ID_REQUIRED", "botId is required");
    }
    const bot = portal.bots.get(Number(params.botId));
    if (bot === undefined) throw new RestError(404, "BOT_NOT_FOUND", "Bot not found");
    const owns =
      token !== undefined ? textParam(token) === bot.botToken : caller.clientId === bot.clientId;
    if (!owns) throw new RestError(403, "BOT_OWNERSHIP_ERROR", "The bot belongs to another app");
    const dialogId = requireDialogId(params.dialogId);
    const ttlMs = durationMs(params.duration, typingTtlMs);
    let dialog: ReturnType<typeof portal.dialogFor>;
    try {
      dialog = portal.dialogFor(bot.id, dialogId);
    } catch {
      throw new RestError(403, "ACCESS_DENIED", "The bot has no access to this dialog");
    }
    const status = params.statusMessageCode;
    view.typing(dialog, bot.id, dialogId, ttlMs, typeof status === "string" ? status : undefined);
    return { result: true };
  },
};

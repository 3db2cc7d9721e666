import { RestError } from "../rest-error.js";
import { requireDialogId } from "./dialog-param.js";
import { requireOwnedBot } from "./imbot-v2-access.js";
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
 * seconds (the typing TTL when absent) — "Agent is thinking…" and the like for a documented
 * `statusMessageCode`, "<Bot> is typing…" without one. A newer event replaces the line, so a
 * shorter `duration` ends a long one early. Webhooks prove ownership with `botToken`, OAuth
 * apps by being the bot's application. Answers `{"result": {"result": true}}`.
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
  handle(params, context) {
    const { portal, view, typingTtlMs } = context;
    const bot = requireOwnedBot(params, context);
    const dialogId = requireDialogId(params.dialogId);
    const ttlMs = durationMs(params.duration, typingTtlMs);
    let dialog: ReturnType<typeof portal.dialogFor>;
    try {
      dialog = portal.dialogFor(bot.id, dialogId);
    } catch {
      throw new RestError(403, "ACCESS_DENIED", "Access denied");
    }
    const status = params.statusMessageCode;
    view.typing(
      dialog,
      bot.id,
      dialogId,
      ttlMs,
      typeof status === "string" && status !== "" ? status : undefined,
    );
    return { result: true };
  },
};

import { textParam } from "../request-params.js";
import { RestError } from "../rest-error.js";
import { requireDialogId } from "./dialog-param.js";
import { booleanParam, recordParam, requireOwnedBot } from "./imbot-v2-access.js";
import type { RestMethod } from "./rest-method.js";

/**
 * The longest message text; a longer one is cut and marked, as the platform does.
 *
 * @example
 * ```ts
 * [...text].length > MAX_MESSAGE_LENGTH; // cut and marked " (...)"
 * ```
 */
const MAX_MESSAGE_LENGTH = 20_000;

function cut(text: string): string {
  // Characters, not UTF-16 units: a cut never splits an emoji.
  const characters = [...text];
  return characters.length <= MAX_MESSAGE_LENGTH
    ? text
    : `${characters.slice(0, MAX_MESSAGE_LENGTH).join("")} (...)`;
}

/**
 * `imbot.v2.Chat.Message.send {botId, botToken?, dialogId, fields: {message, system?, …}}`:
 * the bot writes in `dialogId` (`chatN`, or the person's id for a private dialog). Answers
 * `{id, uuidMap: {}}`. The message ends the bot's own status line there at once. A text over
 * 20,000 characters is cut to 20,000 and ends in " (...)". 400 `EMPTY_MESSAGE` without text or
 * attachment, 403 `ACCESS_DENIED` when the bot is not in the dialog.
 *
 * @example
 * ```ts
 * // {"botId":100,"botToken":"demo-bot-token","dialogId":"1","fields":{"message":"Hi!"}}
 * // → {"result":{"id":12,"uuidMap":{}}}
 * ```
 */
export const imbotV2ChatMessageSend: RestMethod = {
  name: "imbot.v2.Chat.Message.send",
  caseSensitive: true,
  handle(params, context) {
    const bot = requireOwnedBot(params, context);
    const dialogId = requireDialogId(params.dialogId);
    const fields = recordParam(params.fields) ?? {};
    const text = textParam(fields.message) ?? "";
    const attached = fields.attach !== undefined && fields.attach !== null && fields.attach !== "";
    if (text.trim() === "" && !attached) {
      throw new RestError(400, "EMPTY_MESSAGE", "Message is empty");
    }
    let dialog: ReturnType<typeof context.portal.dialogFor>;
    try {
      dialog = context.portal.dialogFor(bot.id, dialogId);
    } catch {
      throw new RestError(403, "ACCESS_DENIED", "Access denied");
    }
    const message = context.view.addMessage(
      dialog,
      bot.id,
      cut(text),
      booleanParam(fields.system) === true,
    );
    bot.countMessage++;
    return { id: message.id, uuidMap: {} };
  },
};

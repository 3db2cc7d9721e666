import { textParam } from "../request-params.js";
import { RestError } from "../rest-error.js";
import { requireDialogId } from "./dialog-param.js";
import type { RestMethod } from "./rest-method.js";

/**
 * `imbot.chat.sendTyping` (deprecated): shows "<bot> is typing…" in `DIALOG_ID`. Webhooks
 * must send the owning application's `CLIENT_ID`; OAuth callers default to their own.
 *
 * @example
 * ```ts
 * // {"BOT_ID":100,"DIALOG_ID":"chat1","CLIENT_ID":"demo-client"} → {"result":true,…}
 * ```
 */
export const imbotChatSendTyping: RestMethod = {
  name: "imbot.chat.sendTyping",
  upperCaseKeys: true,
  handle(params, { caller, portal, view, typingTtlMs }) {
    const clientId = params.CLIENT_ID ?? caller.clientId;
    if (clientId === undefined || clientId === "") {
      throw new RestError(403, "ACCESS_DENIED", "Access for this application not found");
    }
    const bot = portal.bots.get(Number(params.BOT_ID));
    if (bot === undefined) throw new RestError(400, "BOT_ID_ERROR", "Bot not found");
    if (bot.clientId !== textParam(clientId)) {
      throw new RestError(400, "APP_ID_ERROR", "Bot was installed by another application");
    }
    const dialogId = requireDialogId(params.DIALOG_ID);
    view.typing(portal.dialogFor(bot.id, dialogId), bot.id, dialogId, typingTtlMs);
    return true;
  },
};

import { RestError } from "../rest-error.js";
import { requireDialogId } from "./dialog-param.js";
import type { RestMethod } from "./rest-method.js";

function chatIdDialog(value: unknown): string {
  const chatId = Number(value);
  if (!Number.isInteger(chatId) || chatId <= 0) {
    throw new RestError(400, "CHAT_ID_EMPTY", "Chat ID can't be empty");
  }
  return `chat${chatId}`;
}

/**
 * `im.dialog.writing`: shows "<caller> is typing…" in `DIALOG_ID` (or the old numeric
 * `CHAT_ID`). Without either parameter it answers `true` and does nothing, as the server may.
 *
 * @example
 * ```ts
 * await fetch(`${emulator.webhookUrl()}im.dialog.writing`, {
 *   method: "POST",
 *   headers: { "content-type": "application/json" },
 *   body: JSON.stringify({ DIALOG_ID: "chat1" }),
 * }); // {"result":true,"time":{…}}
 * ```
 */
export const imDialogWriting: RestMethod = {
  name: "im.dialog.writing",
  upperCaseKeys: true,
  handle(params, { caller, portal, view, typingTtlMs }) {
    let dialogId: string;
    if (params.DIALOG_ID !== undefined) dialogId = requireDialogId(params.DIALOG_ID);
    else if (params.CHAT_ID !== undefined) dialogId = chatIdDialog(params.CHAT_ID);
    else return true;
    view.typing(portal.dialogFor(caller.userId, dialogId), caller.userId, dialogId, typingTtlMs);
    return true;
  },
};

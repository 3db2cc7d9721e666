import { textParam } from "../request-params.js";
import { RestError } from "../rest-error.js";
import { requireDialogId } from "./dialog-param.js";
import type { RestMethod } from "./rest-method.js";

/**
 * `im.message.add`: posts `MESSAGE` to `DIALOG_ID` as the caller, clears the caller's typing
 * line there at once, and answers the new message id. Bots that would see the message get
 * `ONIMBOTV2MESSAGEADD`, as with `emulator.say()`.
 *
 * @example
 * ```ts
 * // POST /rest/1/<code>/im.message.add  {"DIALOG_ID":"chat1","MESSAGE":"Hi"} → {"result":1,…}
 * ```
 */
export const imMessageAdd: RestMethod = {
  name: "im.message.add",
  upperCaseKeys: true,
  handle(params, { caller, portal, view, bots }) {
    const dialogId = requireDialogId(params.DIALOG_ID);
    const text = textParam(params.MESSAGE);
    if (text === undefined || text.trim() === "") {
      throw new RestError(400, "MESSAGE_EMPTY", "Message text can't be empty");
    }
    const dialog = portal.dialogFor(caller.userId, dialogId);
    const message = view.addMessage(dialog, caller.userId, text);
    bots.messageAdded(dialog, message);
    return message.id;
  },
};

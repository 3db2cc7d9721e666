import { textParam } from "../request-params.js";
import { RestError } from "../rest-error.js";
import { requireDialogId } from "./dialog-param.js";
import type { RestMethod } from "./rest-method.js";

/**
 * `im.message.add`: posts `MESSAGE` to `DIALOG_ID` as the caller, clears the caller's typing
 * line there at once, and answers the new message id.
 *
 * @example
 * ```ts
 * // POST /rest/1/<code>/im.message.add  {"DIALOG_ID":"chat1","MESSAGE":"Hi"} → {"result":1,…}
 * ```
 */
export const imMessageAdd: RestMethod = {
  name: "im.message.add",
  upperCaseKeys: true,
  handle(params, { caller, portal, view }) {
    const dialogId = requireDialogId(params.DIALOG_ID);
    const text = textParam(params.MESSAGE);
    if (text === undefined || text.trim() === "") {
      throw new RestError(400, "MESSAGE_EMPTY", "Message text can't be empty");
    }
    return view.addMessage(portal.dialogFor(caller.userId, dialogId), caller.userId, text).id;
  },
};

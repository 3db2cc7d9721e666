import { DIALOG_ID_PATTERN } from "../portal-model.js";
import { textParam } from "../request-params.js";
import { RestError } from "../rest-error.js";

/**
 * Reads a dialog id parameter (string or number) and rejects what the server's regex does,
 * with `DIALOG_ID_EMPTY` (400).
 *
 * @example
 * ```ts
 * requireDialogId("Chat1"); // "chat1"
 * requireDialogId("user1"); // throws DIALOG_ID_EMPTY
 * ```
 */
export function requireDialogId(value: unknown): string {
  const text = textParam(value);
  if (text === undefined || !DIALOG_ID_PATTERN.test(text)) {
    throw new RestError(400, "DIALOG_ID_EMPTY", "Dialog ID can't be empty");
  }
  return text.toLowerCase();
}

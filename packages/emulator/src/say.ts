import type { EmulatorCore } from "./emulator-core.js";
import { DIALOG_ID_PATTERN } from "./portal-model.js";
import { RestError } from "./rest-error.js";

/**
 * What `emulator.say()` takes: who writes, where (as they would write it), and what.
 *
 * @example
 * ```ts
 * const options: SayOptions = { from: 1, dialogId: "chat1", text: "[USER=100]Demo Bot[/USER] hi" };
 * ```
 */
export interface SayOptions {
  /** The user who writes. */
  from: number;
  /** `"chat1"`, `"sg1"`, or the other user's (or bot's) id for a private dialog. */
  dialogId: string;
  text: string;
}

/**
 * A person writes in a dialog: the message is shown like any other, ends the writer's typing
 * line there, and becomes `ONIMBOTV2MESSAGEADD` for every bot that would see it. Answers the
 * new message's id. Throws a `TypeError` for malformed options and an `Error` when the user
 * cannot write there (not a member, an unknown dialog, their own id).
 *
 * @example
 * ```ts
 * say(core, { from: 1, dialogId: "100", text: "Hello, bot" }); // 1
 * ```
 */
export function say(core: EmulatorCore, options: SayOptions): number {
  if (typeof options !== "object" || options === null) {
    throw new TypeError("say: options must be { from, dialogId, text }");
  }
  const { from, dialogId, text } = options;
  if (!Number.isSafeInteger(from) || !core.portal.users.has(from)) {
    throw new TypeError(`say: from must be the id of a seeded user; got ${String(from)}`);
  }
  if (typeof dialogId !== "string" || !DIALOG_ID_PATTERN.test(dialogId)) {
    throw new TypeError(
      `say: dialogId must be "chatN", "sgN" or a user id; got ${JSON.stringify(dialogId)?.slice(0, 40)}`,
    );
  }
  if (typeof text !== "string" || text.trim() === "") {
    throw new TypeError("say: text must be a non-empty string");
  }
  let dialog: ReturnType<typeof core.portal.dialogFor>;
  try {
    dialog = core.portal.dialogFor(from, dialogId.toLowerCase());
  } catch (error) {
    if (!(error instanceof RestError)) throw error;
    throw new Error(`say: user ${from} cannot write in ${dialogId}`);
  }
  const message = core.view.addMessage(dialog, from, text);
  core.bots.messageAdded(dialog, message);
  return message.id;
}

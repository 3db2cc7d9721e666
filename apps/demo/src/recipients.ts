import type { Emulator } from "@b24im/emulator";
import { dialogName } from "./dialog-names.js";

/**
 * What recipients see of the bot, read from the portal (here: the emulator's state).
 *
 * @example
 * ```ts
 * const recipients: RecipientView = emulatorRecipients(emulator, SCENE_BOT.id);
 * recipients.name("chat1"); // "General (chat1)"
 * recipients.line("chat1")?.text; // "Agent is thinking…", while the line is up
 * ```
 */
export interface RecipientView {
  /** The bot's status line in a dialog (the page's id), as recipients read it, while it is up. */
  line(pageId: string): { text: string; since: number } | undefined;
  /** The dialog's name as the page heads it (`"General (chat1)"`); its id when unknown. */
  name(pageId: string): string;
}

/**
 * The recipients' view of an emulator running in this process: `emulator.state()`, the JSON
 * the live page draws from, so the terminal says what the page shows.
 *
 * @example
 * ```ts
 * const recipients = emulatorRecipients(emulator, 5);
 * recipients.line("chat1")?.text; // "Agent is thinking…"
 * ```
 */
export function emulatorRecipients(
  emulator: Pick<Emulator, "state">,
  botId: number,
): RecipientView {
  const dialog = (pageId: string) => emulator.state().dialogs.find((d) => d.id === pageId);
  return {
    line(pageId) {
      const line = dialog(pageId)?.typing.find((l) => l.senderId === botId);
      return line === undefined ? undefined : { text: line.text, since: line.since };
    },
    name(pageId) {
      const found = dialog(pageId);
      return found === undefined ? pageId : dialogName(found.title, pageId);
    },
  };
}

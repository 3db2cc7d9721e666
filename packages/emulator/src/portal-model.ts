import { RestError } from "./rest-error.js";
import type { EmulatorSeed, SeedBot, SeedOAuthApp, SeedUser } from "./seed.js";

/**
 * A dialog as recipients see it: a chat, or the private dialog of two users.
 *
 * @example
 * ```ts
 * const dialog: Dialog = portal.dialogFor(1, "2");
 * dialog.kind; // "private"
 * dialog.id; // "1-2"
 * ```
 */
export interface Dialog {
  /** `chatN`, `sgN` for a workgroup's chat, or `A-B` (A < B) for a private dialog. */
  readonly id: string;
  readonly title: string;
  /** Its members; an unregistered bot leaves every chat. */
  readonly members: Set<number>;
  /** The chat id behind it: the seeded id, or one given to a private dialog when first used. */
  readonly chatId: number;
  readonly kind: "chat" | "private";
  /** The workgroup whose chat this is, if any. */
  readonly workgroupId?: number;
}

/**
 * The server's own check of a dialog id.
 *
 * @example
 * ```ts
 * DIALOG_ID_PATTERN.test("chat1"); // true
 * DIALOG_ID_PATTERN.test("user1"); // false: the portal answers DIALOG_ID_EMPTY
 * ```
 */
export const DIALOG_ID_PATTERN = /^([0-9]+|(chat|sg|crm)[0-9]+)$/i;

function accessError(): RestError {
  return new RestError(403, "ACCESS_ERROR", "You do not have access to the specified dialog");
}

/**
 * The seeded portal, indexed for the hot path: users, chats, workgroups, bots, webhooks
 * and OAuth apps, plus the dialog lookup every typing method shares.
 *
 * @example
 * ```ts
 * const portal = new PortalModel(defaultSeed());
 * portal.dialogFor(1, "chat1").id; // "chat1"
 * portal.dialogFor(1, "2").id;     // "1-2"
 * ```
 */
export class PortalModel {
  readonly users = new Map<number, SeedUser>();
  readonly bots = new Map<number, SeedBot>();
  readonly chats = new Map<number, Dialog>();
  readonly workgroupChats = new Map<number, Dialog>();
  readonly webhooks = new Map<string, number>();
  readonly apps = new Map<string, SeedOAuthApp>();
  readonly memberId: string;
  readonly #privateDialogs = new Map<string, Dialog>();
  #nextChatId: number;

  constructor(readonly seed: EmulatorSeed) {
    this.memberId = seed.memberId ?? "b24im-emulator";
    for (const user of seed.users) this.users.set(user.id, user);
    for (const bot of seed.bots ?? []) {
      this.bots.set(bot.id, bot);
      if (!this.users.has(bot.id)) this.users.set(bot.id, { id: bot.id, name: bot.name });
    }
    const workgroupByChat = new Map((seed.workgroups ?? []).map((group) => [group.chatId, group]));
    for (const chat of seed.chats ?? []) {
      const group = workgroupByChat.get(chat.id);
      const dialog: Dialog = {
        id: group === undefined ? `chat${chat.id}` : `sg${group.id}`,
        title: chat.title,
        members: new Set(chat.members),
        chatId: chat.id,
        kind: "chat",
        ...(group === undefined ? {} : { workgroupId: group.id }),
      };
      this.chats.set(chat.id, dialog);
      if (group !== undefined) this.workgroupChats.set(group.id, dialog);
    }
    for (const hook of seed.webhooks ?? []) this.webhooks.set(hook.code, hook.userId);
    for (const app of seed.oauthApps ?? []) this.apps.set(app.clientId, app);
    // Private dialogs get chat ids of their own, after every seeded one, as a portal's do.
    this.#nextChatId = Math.max(0, ...this.chats.keys()) + 1;
  }

  /** A free user id for a new bot: one above every user, bot and chat member seen. */
  nextUserId(): number {
    let max = 0;
    for (const id of this.users.keys()) if (id > max) max = id;
    for (const dialog of this.chats.values())
      for (const id of dialog.members) if (id > max) max = id;
    return max + 1;
  }

  /** "Anna Admin": first and last name of a user or bot, or `User N` for unknown ids. */
  userName(id: number): string {
    const user = this.users.get(id);
    if (user === undefined) return `User ${id}`;
    return user.lastName ? `${user.name} ${user.lastName}` : user.name;
  }

  /**
   * The dialog `dialogId` (already matching {@link DIALOG_ID_PATTERN}) names for `senderId`,
   * or an `ACCESS_ERROR` when the sender may not write there: not a member, their own id,
   * an unknown user or chat, or a CRM entity (the emulator has none).
   */
  dialogFor(senderId: number, dialogId: string): Dialog {
    const first = dialogId.charCodeAt(0);
    if (first >= 48 && first <= 57) return this.#privateDialog(senderId, Number(dialogId));
    const lower = dialogId.toLowerCase();
    let dialog: Dialog | undefined;
    if (lower.startsWith("chat")) dialog = this.chats.get(Number(lower.slice(4)));
    else if (lower.startsWith("sg")) dialog = this.workgroupChats.get(Number(lower.slice(2)));
    if (dialog === undefined || !dialog.members.has(senderId)) throw accessError();
    return dialog;
  }

  #privateDialog(senderId: number, otherId: number): Dialog {
    if (otherId === senderId || !this.users.has(otherId)) throw accessError();
    const low = Math.min(senderId, otherId);
    const high = Math.max(senderId, otherId);
    const id = `${low}-${high}`;
    let dialog = this.#privateDialogs.get(id);
    if (dialog === undefined) {
      dialog = {
        id,
        title: `${this.userName(low)} & ${this.userName(high)}`,
        members: new Set([low, high]),
        chatId: this.#nextChatId++,
        kind: "private",
      };
      this.#privateDialogs.set(id, dialog);
    }
    return dialog;
  }
}

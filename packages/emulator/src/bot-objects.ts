import { type BotRegistry, colorFor, type V2Bot } from "./bot-registry.js";
import type { Dialog, PortalModel } from "./portal-model.js";
import { portalDate } from "./time-envelope.js";
import type { ViewMessage } from "./typing-view.js";

/**
 * The language the emulated portal speaks in events and bot objects.
 *
 * @example
 * ```ts
 * ({ ...data, language: PORTAL_LANGUAGE }); // "en"
 * ```
 */
export const PORTAL_LANGUAGE = "en";

/**
 * The Bot object of `imbot.v2` answers and fetch-mode events: the owner's (extended) format,
 * or the short public one.
 *
 * @example
 * ```ts
 * botObject(registry.get(100)!, portal); // { id: 100, code: "demo_bot", type: "bot", …, countUser: 0 }
 * ```
 */
export function botObject(bot: V2Bot, portal: PortalModel, owner = true): Record<string, unknown> {
  const short = {
    id: bot.id,
    code: bot.code,
    type: bot.type,
    isHidden: bot.isHidden,
    isSupportOpenline: bot.isSupportOpenline,
    isReactionsEnabled: bot.isReactionsEnabled,
    backgroundId: bot.backgroundId,
    language: PORTAL_LANGUAGE,
  };
  if (!owner) return short;
  let countChat = 0;
  for (const dialog of portal.chats.values()) if (dialog.members.has(bot.id)) countChat++;
  return {
    ...short,
    moduleId: "rest",
    eventMode: bot.eventMode,
    countMessage: bot.countMessage,
    countCommand: 0,
    countChat,
    countUser: bot.users.size,
  };
}

/**
 * The User object of `imbot.v2` answers and events. Online fields are `false`, as the docs
 * say they always are in events.
 *
 * @example
 * ```ts
 * userObject(1, portal, registry); // { id: 1, active: true, name: "Anna Admin", firstName: "Anna", … }
 * ```
 */
export function userObject(
  id: number,
  portal: PortalModel,
  registry: BotRegistry,
): Record<string, unknown> {
  const user = portal.users.get(id);
  const bot = registry.getEvenRemoved(id);
  const isBot = bot !== undefined;
  return {
    id,
    active: true,
    name: portal.userName(id),
    firstName: user?.name ?? `User ${id}`,
    lastName: user?.lastName ?? "",
    workPosition: bot?.workPosition ?? "",
    color: bot?.color ?? colorFor(id),
    avatar: "",
    gender: bot?.gender ?? "",
    birthday: "",
    extranet: false,
    bot: isBot,
    connector: false,
    externalAuthId: isBot ? "bot" : "default",
    status: "online",
    idle: false,
    lastActivityDate: false,
    mobileLastDate: false,
    desktopLastDate: false,
    absent: false,
    departments: isBot ? [] : [1],
    phones: false,
    type: isBot ? "bot" : "employee",
    website: "",
    email: "",
  };
}

/**
 * The Chat object of an event as bot `botId` sees `dialog`: a group chat by its `chatN`, a
 * private dialog by the other party's id (user 1 writing to bot 456 → `dialogId: "1"`).
 *
 * @example
 * ```ts
 * chatObject(portal.dialogFor(1, "100"), 100); // { id: 4, dialogId: "1", type: "private", … }
 * ```
 */
export function chatObject(dialog: Dialog, botId: number): Record<string, unknown> {
  if (dialog.kind === "private") {
    const other = [...dialog.members].find((id) => id !== botId) ?? botId;
    return {
      id: dialog.chatId,
      dialogId: String(other),
      type: "private",
      name: "",
      entityType: "",
      owner: botId,
      avatar: "",
      color: colorFor(dialog.chatId),
    };
  }
  return {
    id: dialog.chatId,
    dialogId: `chat${dialog.chatId}`,
    type: "chat",
    name: dialog.title,
    entityType: dialog.workgroupId === undefined ? "" : "SONET_GROUP",
    owner: dialog.members.values().next().value ?? 0,
    avatar: "",
    color: colorFor(dialog.chatId),
  };
}

/**
 * The Message object of an event.
 *
 * @example
 * ```ts
 * messageObject(message, dialog); // { id: 7, chatId: 1, authorId: 1, date: "…+00:00", text: "Hi", … }
 * ```
 */
export function messageObject(message: ViewMessage, dialog: Dialog): Record<string, unknown> {
  return {
    id: message.id,
    chatId: dialog.chatId,
    authorId: message.authorId,
    date: portalDate(message.at),
    text: message.text,
    isSystem: message.system === true,
    uuid: "",
    forward: null,
    params: {},
    viewedByOthers: false,
  };
}

/**
 * The `{bot, users}` answer of `imbot.v2.Bot.register`, `update` and `get`.
 *
 * @example
 * ```ts
 * botAnswer(bot, portal, registry); // { bot: { id: 100, … }, users: [{ id: 100, bot: true, … }] }
 * ```
 */
export function botAnswer(
  bot: V2Bot,
  portal: PortalModel,
  registry: BotRegistry,
  owner = true,
): { bot: Record<string, unknown>; users: Record<string, unknown>[] } {
  return { bot: botObject(bot, portal, owner), users: [userObject(bot.id, portal, registry)] };
}

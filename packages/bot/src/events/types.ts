/**
 * The event shapes of Bitrix24's bot platform 2.0 as this package hands them to handlers:
 * the types of the platform's FETCH mode (`imbot.v2.Event.get`), which webhook mode is
 * decoded back into. Fields the platform documents are typed; anything else it sends is
 * kept as it came.
 *
 * @example
 * ```ts
 * import type { BotEvent, EventMessage } from "@b24im/bot";
 *
 * const text = (event: BotEvent) => (event.data.message as EventMessage | undefined)?.text;
 * ```
 * @module
 */

/**
 * One event as the platform sent it, decoded: `ONIMBOTV2MESSAGEADD` and the like.
 *
 * @example
 * ```ts
 * const event: BotEvent = { eventId: 1001, type: "ONIMBOTV2MESSAGEADD", date: "2025-01-15T10:30:00+03:00", data };
 * ```
 */
export interface BotEvent {
  /** The queue position in FETCH mode (`imbot.v2.Event.get`); webhook events have none. */
  eventId?: number;
  /** `ONIMBOTV2MESSAGEADD`, `ONIMBOTV2COMMANDADD`, … */
  type: string;
  /** When it happened (ISO 8601), where the platform says. */
  date?: string;
  data: BotEventData;
}

/**
 * The `data` of an event. Which fields are set depends on its type (see the platform's
 * "Форматы событий imbot.v2"); every one is optional here.
 *
 * @example
 * ```ts
 * const data: BotEventData = { bot: { id: 456, code: "support" }, dialogId: "chat5" };
 * ```
 */
export interface BotEventData {
  /** The bot the event is for. In webhook mode it also holds `auth` (not enumerable). */
  bot?: EventBot;
  message?: EventMessage;
  chat?: EventChat;
  user?: EventUser;
  command?: EventCommand;
  /** The deleted message (`ONIMBOTV2MESSAGEDELETE`). */
  messageId?: number;
  /** The dialog (`ONIMBOTV2JOINCHAT`, `ONIMBOTV2CONTEXTGET`). */
  dialogId?: string;
  /** What the opener passed (`ONIMBOTV2CONTEXTGET`). */
  context?: Record<string, unknown>;
  /** A reaction code such as `like` (`ONIMBOTV2REACTIONCHANGE`). */
  reaction?: string;
  /** `add` or `delete` (`ONIMBOTV2REACTIONCHANGE`). */
  action?: string;
  /** The portal's language, e.g. `en`. */
  language?: string;
  [field: string]: unknown;
}

/**
 * The bot an event is for. FETCH mode sends the full bot; webhook mode `{ id, code, auth }`.
 *
 * @example
 * ```ts
 * const bot: EventBot = { id: 456, code: "support_bot", type: "bot", eventMode: "fetch" };
 * ```
 */
export interface EventBot {
  id: number;
  code: string;
  type?: string;
  isHidden?: boolean;
  isSupportOpenline?: boolean;
  isReactionsEnabled?: boolean;
  backgroundId?: string | null;
  language?: string;
  moduleId?: string;
  eventMode?: string;
  countMessage?: number;
  countCommand?: number;
  countChat?: number;
  countUser?: number;
  /**
   * Webhook mode only: the bot's OAuth tokens for answering. Kept off `JSON.stringify` and
   * logs (not enumerable); read it explicitly if you answer with them.
   */
  readonly auth?: Record<string, string>;
  [field: string]: unknown;
}

/**
 * A message in an event.
 *
 * @example
 * ```ts
 * const message: EventMessage = { id: 789, chatId: 5, authorId: 1, date: "2025-01-15T10:30:00+03:00", text: "Hi" };
 * ```
 */
export interface EventMessage {
  id: number;
  chatId: number;
  /** 0 for a system message. */
  authorId: number;
  date: string | null;
  text: string;
  isSystem?: boolean;
  uuid?: string;
  forward?: { id?: number; userId?: number; chatId?: number; date?: string } | null;
  params?: Record<string, unknown>;
  viewedByOthers?: boolean;
  [field: string]: unknown;
}

/**
 * The chat an event happened in. `dialogId` is where an answer goes: `chat5`, or in a
 * private dialog the other person's id.
 *
 * @example
 * ```ts
 * const chat: EventChat = { id: 5, dialogId: "chat5", type: "chat", name: "Support" };
 * ```
 */
export interface EventChat {
  id: number;
  dialogId: string;
  type: string;
  name: string;
  owner?: number;
  color?: string | null;
  avatar?: string;
  entityType?: string;
  [field: string]: unknown;
}

/**
 * The person (or bot) behind an event.
 *
 * @example
 * ```ts
 * const user: EventUser = { id: 1, name: "John Smith", bot: false };
 * ```
 */
export interface EventUser {
  id: number;
  name: string;
  bot: boolean;
  active?: boolean;
  firstName?: string;
  lastName?: string;
  workPosition?: string;
  gender?: string;
  extranet?: boolean;
  connector?: boolean;
  status?: string;
  /** A date (ISO 8601) or `false`. */
  idle?: string | false;
  lastActivityDate?: string | false;
  absent?: string | false;
  departments?: number[];
  phones?: Record<string, unknown> | false;
  type?: string;
  [field: string]: unknown;
}

/**
 * A slash command a person called (`ONIMBOTV2COMMANDADD`).
 *
 * @example
 * ```ts
 * const command: EventCommand = { id: 78, command: "/help", params: "topic", context: "textarea" };
 * ```
 */
export interface EventCommand {
  id: number;
  /** With its slash: `/help`. */
  command: string;
  /** The text after the command. */
  params: string;
  /** `textarea`, `keyboard` or `menu`. */
  context: string;
  [field: string]: unknown;
}

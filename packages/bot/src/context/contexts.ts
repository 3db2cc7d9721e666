import { B24Error } from "@b24im/core";
import type { BotRuntime } from "../bot-runtime.js";
import type { BotEventName } from "../events/event-names.js";
import type {
  BotEvent,
  BotEventData,
  EventChat,
  EventMessage,
  EventUser,
} from "../events/types.js";
import {
  type Conversation,
  createConversation,
  type ReplyOptions,
  type ThinkJob,
  type ThinkOptions,
} from "./conversation.js";

/**
 * What every handler gets: the event as the platform sent it (decoded), the bot, and where
 * to answer. Plain data — `JSON.stringify(ctx)` shows no token — plus two methods that are
 * not enumerable: `reply()` and `think()`.
 *
 * @example
 * ```ts
 * bot.on("join", async (ctx) => {
 *   await ctx.reply("Hello! Ask me anything.");
 * });
 * ```
 */
export interface EventContext {
  readonly event: BotEvent;
  readonly bot: { readonly id: number; readonly code: string };
  /** Where an answer goes (in a private dialog: the person's id); none for `delete`. */
  readonly dialogId: string | undefined;
  readonly chat: ContextChat | undefined;
  readonly user: ContextUser | undefined;
  readonly message: ContextMessage | undefined;
  /**
   * Sends `text` to the dialog (`imbot.v2.Chat.Message.send`) and resolves with the new
   * message's id. Ends the bot's indicator there first. Rejects with `ConfigError` for an
   * empty text or one over 20 000 characters, and for an event with no dialog.
   */
  reply(text: string, options?: ReplyOptions): Promise<number>;
  /**
   * Runs `job` while recipients read "Agent is thinking…" (or the status given), and
   * settles exactly as the job does. The job's `status()` switches the text at once.
   */
  think<T>(job: ThinkJob<T>, options?: ThinkOptions): Promise<T>;
}

/**
 * A person wrote to the bot (`ONIMBOTV2MESSAGEADD`).
 *
 * @example
 * ```ts
 * bot.on("message", async (ctx) => {
 *   const answer = await ctx.think((signal) => llm.ask(ctx.message.text, { signal }));
 *   await ctx.reply(answer);
 * });
 * ```
 */
export interface MessageContext extends EventContext {
  readonly dialogId: string;
  readonly chat: ContextChat;
  readonly user: ContextUser;
  readonly message: ContextMessage;
}

/**
 * A person called one of the bot's slash commands (`ONIMBOTV2COMMANDADD`).
 *
 * @example
 * ```ts
 * bot.on("command", async (ctx) => {
 *   if (ctx.command.command === "/help") await ctx.reply("Ask me anything.");
 * });
 * ```
 */
export interface CommandContext extends MessageContext {
  readonly command: {
    readonly id: number;
    readonly command: string;
    readonly params: string;
    readonly context: string;
  };
}

/**
 * The message of a context, with the fields most handlers read; the whole object is in
 * `ctx.event.data.message`.
 *
 * @example
 * ```ts
 * const { id, text } = ctx.message;
 * ```
 */
export interface ContextMessage {
  readonly id: number;
  readonly chatId: number;
  readonly authorId: number;
  readonly text: string;
  readonly date: string;
}

/**
 * The chat of a context; the whole object is in `ctx.event.data.chat`.
 *
 * @example
 * ```ts
 * if (ctx.chat.type === "private") await ctx.reply("Hi!");
 * ```
 */
export interface ContextChat {
  readonly id: number;
  readonly dialogId: string;
  readonly type: string;
  readonly name: string;
}

/**
 * The person (or bot) behind an event; the whole object is in `ctx.event.data.user`.
 *
 * @example
 * ```ts
 * if (ctx.user.bot) return; // do not answer other bots
 * ```
 */
export interface ContextUser {
  readonly id: number;
  readonly name: string;
  readonly bot: boolean;
}

/**
 * A context, and the conversation behind its methods (for the dispatcher's clean-up).
 *
 * @example
 * ```ts
 * const { context, conversation } = contextFor(runtime, event, "message");
 * await handler(context);
 * await conversation?.finish();
 * ```
 */
export interface BuiltContext {
  readonly context: EventContext;
  readonly conversation: Conversation | undefined;
}

/**
 * The dialog an event belongs to, where an answer goes: its chat's `dialogId`, else the
 * `dialogId` of `join` and `context` events; `undefined` for an event of no dialog (`delete`).
 *
 * @example
 * ```ts
 * dialogIdOf({ chat: { id: 5, dialogId: "chat5", type: "chat", name: "Support" } }); // "chat5"
 * dialogIdOf({ dialogId: "1" }); // "1"
 * ```
 */
export function dialogIdOf(data: BotEventData): string | undefined {
  const fromChat = data.chat?.dialogId;
  if (typeof fromChat === "string" && fromChat !== "") return fromChat;
  return typeof data.dialogId === "string" ? data.dialogId : undefined;
}

/**
 * Builds a handler's context from an event whose `bot.on()` name the dispatcher already
 * looked up. A message or command event without the message, chat or user it must carry
 * throws a `B24Error` with code `BOT_EVENT_INVALID`: no handler could answer it.
 *
 * @example
 * ```ts
 * const { context } = contextFor(runtime, { type: "ONIMBOTV2MESSAGEADD", data }, "message");
 * context.message?.text;
 * ```
 */
export function contextFor(runtime: BotRuntime, event: BotEvent, name: BotEventName): BuiltContext {
  const { data } = event;
  const chat = pickChat(data.chat);
  const user = pickUser(data.user);
  const message = pickMessage(data.message);
  const dialogId = dialogIdOf(data);
  const needs = name === "message" || name === "command";
  if (needs && (chat === undefined || user === undefined || message === undefined)) {
    throw new B24Error(
      `A ${event.type} event without its message, chat or user: nothing to answer`,
      "BOT_EVENT_INVALID",
      false,
    );
  }
  const context: Record<string, unknown> = {
    event,
    bot: {
      id: typeof data.bot?.id === "number" ? data.bot.id : runtime.botId,
      code: typeof data.bot?.code === "string" ? data.bot.code : "",
    },
    dialogId,
    chat,
    user,
    message,
  };
  if (name === "command") {
    const command = data.command;
    context.command = {
      id: typeof command?.id === "number" ? command.id : 0,
      command: String(command?.command ?? ""),
      params: String(command?.params ?? ""),
      context: String(command?.context ?? ""),
    };
  }
  const conversation =
    dialogId === undefined ? undefined : createConversation(runtime, dialogId, event);
  const noDialog = () =>
    Promise.reject(
      new B24Error(
        `A ${event.type} event belongs to no dialog: there is nowhere to answer`,
        "BOT_NO_DIALOG",
        false,
      ),
    );
  Object.defineProperties(context, {
    reply: {
      value: (text: string, options?: ReplyOptions) =>
        conversation ? conversation.reply(text, options) : noDialog(),
    },
    think: {
      value: <T>(job: ThinkJob<T>, options?: ThinkOptions) =>
        conversation ? conversation.think(job, options) : noDialog(),
    },
  });
  return { context: context as unknown as EventContext, conversation };
}

function pickChat(chat: EventChat | undefined): ContextChat | undefined {
  if (typeof chat?.dialogId !== "string" || chat.dialogId === "") return undefined;
  return {
    id: numberOr(chat.id),
    dialogId: chat.dialogId,
    type: String(chat.type ?? ""),
    name: String(chat.name ?? ""),
  };
}

function pickUser(user: EventUser | undefined): ContextUser | undefined {
  if (typeof user?.id !== "number") return undefined;
  return { id: user.id, name: String(user.name ?? ""), bot: user.bot === true };
}

function pickMessage(message: EventMessage | undefined): ContextMessage | undefined {
  if (typeof message?.id !== "number") return undefined;
  return {
    id: message.id,
    chatId: numberOr(message.chatId),
    authorId: numberOr(message.authorId),
    text: typeof message.text === "string" ? message.text : "",
    date: typeof message.date === "string" ? message.date : "",
  };
}

function numberOr(value: unknown): number {
  return typeof value === "number" ? value : 0;
}

export type { Bot } from "./bot.js";
export { createBot } from "./bot.js";
export type { BotOptions } from "./bot-options.js";
export type { AgentStatus } from "./context/agent-status.js";
export { statusMessageCode } from "./context/agent-status.js";
export type {
  CommandContext,
  ContextChat,
  ContextMessage,
  ContextUser,
  EventContext,
  MessageContext,
} from "./context/contexts.js";
export type { ReplyOptions, ThinkJob, ThinkOptions } from "./context/conversation.js";
export { MAX_MESSAGE_LENGTH, THINK_REFRESH_MS } from "./context/conversation.js";
export type { Handler } from "./dispatch/dispatcher.js";
export type { BotEventName } from "./events/event-names.js";
export { EVENT_TYPES } from "./events/event-names.js";
export type {
  BotEvent,
  BotEventData,
  EventBot,
  EventChat,
  EventCommand,
  EventMessage,
  EventUser,
} from "./events/types.js";
export type { WebhookOptions } from "./webhook/webhook-handler.js";
export { MAX_WEBHOOK_BODY_BYTES } from "./webhook/webhook-handler.js";

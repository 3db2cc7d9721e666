export type { BatchEnvelope } from "./batch.js";
export type {
  Emulator,
  EmulatorCounters,
  EmulatorOptions,
  EmulatorState,
  RateLimit,
} from "./emulator-types.js";
export type { Fault, Faults, ScheduledFault } from "./faults.js";
export type { OAuthControl, OAuthTokenAnswer } from "./oauth.js";
export type { RequestLogEntry } from "./request-log.js";
export type { SayOptions } from "./say.js";
export {
  type BotEventMode,
  type BotType,
  defaultSeed,
  type EmulatorSeed,
  type SeedBot,
  type SeedChat,
  type SeedOAuthApp,
  type SeedUser,
  type SeedWebhook,
  type SeedWorkgroup,
} from "./seed.js";
export { startEmulator } from "./server.js";
export type { TimeEnvelope } from "./time-envelope.js";
export type {
  DialogState,
  TypingLine,
  TypingStat,
  ViewEvent,
  ViewMessage,
} from "./typing-view.js";
export type { WebhookDelivery } from "./webhook-delivery.js";

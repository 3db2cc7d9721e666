export type { Deadline } from "./async/abort.js";
export { createDeadline, sleep } from "./async/abort.js";
export type { Clock, TimerHandle } from "./async/clock.js";
export { systemClock } from "./async/clock.js";
export { onAbort } from "./async/on-abort.js";
export type {
  B24Client,
  BatchEntry,
  BatchOptions,
  BatchResult,
  CallOptions,
} from "./client/client.js";
export { createClient } from "./client/client.js";
export type {
  ClientHooks,
  ErrorEvent,
  RequestEvent,
  ResponseEvent,
  RetryEvent,
} from "./client/hooks.js";
export type { LeakyBucketOptions, RateLimiter } from "./client/leaky-bucket.js";
export { createLeakyBucket, RATE_LIMIT_PRESETS } from "./client/leaky-bucket.js";
export type { OAuthOptions, OAuthTokens } from "./client/oauth.js";
export type { ClientOptions, ClientTypingOptions } from "./client/options.js";
export type { RetryOptions } from "./client/retry.js";
export { surelyNotSent } from "./client/retry.js";
export type { RequestPriority } from "./client/wait-queue.js";
export type { BatchOutcome } from "./protocol/batch.js";
export { BATCH_LIMIT, batchCall, parseBatchResult } from "./protocol/batch.js";
export { buildRequest } from "./protocol/build-request.js";
export type { DialogId, DialogIdInput } from "./protocol/dialog-id.js";
export { formatDialogId, isDialogId, parseDialogId, toDialogId } from "./protocol/dialog-id.js";
export type { ApiErrorDetails, B24ErrorOptions } from "./protocol/errors.js";
export {
  AccessError,
  ApiError,
  AuthError,
  apiErrorFrom,
  B24Error,
  ClientClosedError,
  ConfigError,
  DialogIdError,
  MethodNotFoundError,
  PortalMovedError,
  ProtocolError,
  RateLimitError,
  ServerError,
  TimeoutError,
  TransportError,
  ValidationError,
} from "./protocol/errors.js";
export type {
  HttpRequest,
  HttpResponse,
  Transport,
  TransportSendOptions,
} from "./protocol/http.js";
export type { MethodCall } from "./protocol/methods.js";
export {
  imbotChatSendTyping,
  imbotV2InputActionNotify,
  imDialogWriting,
} from "./protocol/methods.js";
export {
  checkDelay,
  checkNumber,
  checkText,
  isAbortSignal,
  isFunction,
  isObject,
  need,
} from "./protocol/option-check.js";
export type { RestResult, RestTime } from "./protocol/parse-response.js";
export { parseResponse } from "./protocol/parse-response.js";
export { encodePhpQuery } from "./protocol/php-query.js";
export {
  isSecretName,
  REDACTED,
  redactHeaders,
  redactParams,
  redactRequest,
  redactText,
  secretsOf,
} from "./protocol/redact.js";
export { responseTooLarge } from "./protocol/response-too-large.js";
export type { OAuthTarget, Target, WebhookTarget } from "./protocol/target.js";
export { oauthTarget } from "./protocol/target.js";
export { parseWebhookUrl } from "./protocol/webhook-url.js";
export type {
  TypingClaim,
  TypingClaimAnswer,
  TypingCoordinator,
  TypingCoordinatorCall,
  TypingHold,
} from "./typing/coordinator.js";
export type { TypingLease } from "./typing/lease.js";
export { createMemoryTypingCoordinator } from "./typing/memory-coordinator.js";
export type {
  BotTypingIdentity,
  BotV2TypingIdentity,
  TypingIdentity,
  TypingOptions,
} from "./typing/options.js";

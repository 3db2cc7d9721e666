export type { Deadline } from "./abort.js";
export { createDeadline } from "./abort.js";
export type { BatchOutcome } from "./batch-protocol.js";
export { BATCH_LIMIT, batchCall, parseBatchResult } from "./batch-protocol.js";
export { buildRequest } from "./build-request.js";
export type { B24Client, BatchEntry, BatchOptions, BatchResult, CallOptions } from "./client.js";
export { createClient } from "./client.js";
export type { ClientOptions } from "./client-options.js";
export type { Clock, TimerHandle } from "./clock.js";
export { systemClock } from "./clock.js";
export type { DialogId, DialogIdInput } from "./dialog-id.js";
export { formatDialogId, isDialogId, parseDialogId, toDialogId } from "./dialog-id.js";
export type { ApiErrorDetails, B24ErrorOptions } from "./errors.js";
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
} from "./errors.js";
export type { ClientHooks, ErrorEvent, RequestEvent, ResponseEvent, RetryEvent } from "./hooks.js";
export type { HttpRequest, HttpResponse, Transport, TransportSendOptions } from "./http.js";
export type { LeakyBucketOptions, RateLimiter } from "./leaky-bucket.js";
export { createLeakyBucket, RATE_LIMIT_PRESETS } from "./leaky-bucket.js";
export type { MethodCall } from "./methods.js";
export { imbotChatSendTyping, imbotV2InputActionNotify, imDialogWriting } from "./methods.js";
export type { OAuthOptions, OAuthTokens } from "./oauth.js";
export type { RestResult, RestTime } from "./parse-response.js";
export { parseResponse } from "./parse-response.js";
export { encodePhpQuery } from "./php-query.js";
export {
  isSecretName,
  REDACTED,
  redactHeaders,
  redactParams,
  redactRequest,
  redactText,
  secretsOf,
} from "./redact.js";
export type { RetryOptions } from "./retry.js";
export type { OAuthTarget, Target, WebhookTarget } from "./target.js";
export { oauthTarget } from "./target.js";
export type { TypingLease } from "./typing-lease.js";
export type {
  BotTypingIdentity,
  BotV2TypingIdentity,
  TypingIdentity,
  TypingOptions,
} from "./typing-options.js";
export { parseWebhookUrl } from "./webhook-url.js";

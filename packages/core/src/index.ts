export type { Clock, TimerHandle } from "./clock.js";
export { systemClock } from "./clock.js";
export type { ApiErrorDetails, B24ErrorOptions } from "./errors.js";
export {
  AccessError,
  ApiError,
  AuthError,
  apiErrorFrom,
  B24Error,
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
export type { HttpRequest, HttpResponse, Transport, TransportSendOptions } from "./http.js";
export {
  isSecretName,
  REDACTED,
  redactHeaders,
  redactParams,
  redactRequest,
  redactText,
  secretsOf,
} from "./redact.js";

import {
  AccessError,
  ApiError,
  AuthError,
  B24Error,
  ConfigError,
  DialogIdError,
  MethodNotFoundError,
  PortalMovedError,
  ProtocolError,
  RateLimitError,
  redactText,
  ServerError,
  TimeoutError,
  TransportError,
  ValidationError,
} from "@b24im/core";

/**
 * The webhook scope the failed call needed: `im` for typing, `imbot` for a bot.
 *
 * @example
 * ```ts
 * const scope: Scope = "imbot"; // a bot's call: registering, polling, answering
 * console.error(`trouble: ${describeError(error, scope)}`);
 * ```
 */
export type Scope = "im" | "imbot";

/**
 * Says in plain words what went wrong and what to do about it, for a person watching the
 * demo. b24im errors are already redacted; anything else is redacted here, since an
 * unexpected error may quote a URL. `scope` names what the webhook needs for the call that
 * failed (default `im`).
 *
 * @example
 * ```ts
 * describeError(new TimeoutError(30_000));
 * // "the portal did not answer within 30 s; the next refresh tries again (TIMEOUT)"
 * ```
 */
export function describeError(error: unknown, scope: Scope = "im"): string {
  if (!(error instanceof B24Error)) {
    return redactText(error instanceof Error ? error.message : String(error));
  }
  const code = `(${error.code})`;
  const again = scope === "imbot" ? "the bot tries again" : "the next refresh tries again";
  if (error instanceof AuthError) {
    return `the portal refused the webhook: ${error.description || error.message}. Check the URL and that the webhook has the "${scope}" scope ${code}`;
  }
  if (error instanceof AccessError && scope === "imbot") {
    return `the portal refused the bot this: is it a member of the chat, and is the token its own? ${code}`;
  }
  if (error instanceof AccessError) {
    return `the webhook's user may not write to this dialog: is it a member of the chat, and not the dialog's own user? ${code}`;
  }
  if (error instanceof ValidationError) {
    return `the portal rejected the request as invalid: ${error.description || error.message} ${code}`;
  }
  if (error instanceof RateLimitError) {
    return `the portal asked us to slow down; the client waits and tries again ${code}`;
  }
  if (error instanceof MethodNotFoundError) {
    return `the portal does not know ${error.method}: is the "${scope}" scope enabled for this webhook? ${code}`;
  }
  if (error instanceof ServerError) {
    return `the portal had an internal error: ${error.description || error.message}; ${again} ${code}`;
  }
  if (error instanceof ApiError)
    return `the portal answered with an error: ${error.message} ${code}`;
  if (error instanceof TimeoutError) {
    return `the portal did not answer within ${Math.round(error.timeoutMs / 1000)} s; ${again} ${code}`;
  }
  if (error instanceof TransportError) {
    return `could not reach the portal: ${error.message}; ${again} ${code}`;
  }
  if (error instanceof ProtocolError) {
    return `the answer (HTTP ${error.status}) was not a Bitrix24 answer: is the URL a Bitrix24 webhook? ${code}`;
  }
  if (error instanceof PortalMovedError) {
    return `the portal moved to ${error.location}: use its new address in the webhook URL ${code}`;
  }
  if (error instanceof DialogIdError || error instanceof ConfigError) return error.message;
  return `${error.message} ${code}`;
}

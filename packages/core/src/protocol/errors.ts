import { redactText } from "./redact.js";

/**
 * Options every b24im error accepts.
 *
 * @example
 * ```ts
 * throw new TransportError("socket hang up", { cause: error, secrets: secretsOf(request) });
 * ```
 */
export interface B24ErrorOptions {
  /** The underlying error. It is kept as a redacted copy, never as the original object. */
  cause?: unknown;
  /** Secret values known to the thrower; they are removed from the message and the cause. */
  secrets?: readonly string[];
}

const MAX_CAUSE_DEPTH = 3;

// Registered symbols: the same in the ESM and the CommonJS build of this package, and in two
// copies of it in one dependency tree, where each build has classes of its own.
const KIND = Symbol.for("@b24im/core:error-kind");
const KINDS = Symbol.for("@b24im/core:error-kinds");

/**
 * Names an error class and brands it for `instanceof`: its instances carry the kinds of
 * their class and every b24im class above it, so `error instanceof AccessError` holds for an
 * `AccessError` made by any build or copy of `@b24im/core`, not only this one's.
 */
function brand(errorClass: abstract new (...args: never[]) => Error, kind: string): void {
  const parent = Object.getPrototypeOf(errorClass.prototype) as { [KINDS]?: readonly string[] };
  Object.defineProperty(errorClass, KIND, { value: kind });
  Object.defineProperties(errorClass.prototype, {
    [KINDS]: { value: Object.freeze([...(parent[KINDS] ?? []), kind]) },
    name: { get: () => kind, configurable: true },
  });
}

/**
 * The base of every error b24im throws. `code` is stable and machine-readable; `retryable`
 * says whether the same call may succeed later. Messages, stacks and causes never contain
 * a secret: they are redacted when the error is made.
 *
 * @example
 * ```ts
 * import { B24Error } from "@b24im/core";
 *
 * try {
 *   await client.writing("chat5");
 * } catch (error) {
 *   if (error instanceof B24Error && error.retryable) scheduleLater();
 * }
 * ```
 */
export class B24Error extends Error {
  static {
    brand(B24Error, "B24Error");
  }

  /**
   * `error instanceof AccessError` (or any b24im error class) holds for an error made by
   * another build of `@b24im/core` too: the ESM one in a CommonJS app, or a second copy in
   * the dependency tree. A class of your own that extends one of them checks as usual.
   */
  static override [Symbol.hasInstance](value: unknown): boolean {
    // biome-ignore lint/complexity/noThisInStatic: `this` is the class tested against (a subclass too).
    if (!Object.hasOwn(this, KIND)) return Function.prototype[Symbol.hasInstance].call(this, value);
    const kinds =
      typeof value === "object" && value !== null
        ? (value as { [KINDS]?: unknown })[KINDS]
        : undefined;
    // biome-ignore lint/complexity/noThisInStatic: as above.
    return Array.isArray(kinds) && kinds.includes((this as { [KIND]?: string })[KIND]);
  }

  readonly code: string;
  readonly retryable: boolean;

  constructor(message: string, code: string, retryable: boolean, options: B24ErrorOptions = {}) {
    const secrets = options.secrets ?? [];
    super(redactText(message, secrets));
    this.code = code;
    this.retryable = retryable;
    if (options.cause !== undefined) {
      Object.defineProperty(this, "cause", {
        value: redactCause(options.cause, secrets, 0),
        enumerable: false,
        writable: true,
        configurable: true,
      });
    }
    // The stack repeats the message, which was redacted above; other engines may add text.
    if (typeof this.stack === "string") this.stack = redactText(this.stack, secrets);
  }

  /** A plain, secret-free view for logs and `JSON.stringify`. */
  toJSON(): Record<string, unknown> {
    const view: Record<string, unknown> = {
      name: this.name,
      code: this.code,
      message: this.message,
    };
    for (const [key, value] of Object.entries(this)) view[key] = value;
    return view;
  }
}

/**
 * Copies an underlying error without its secrets. Only its name, message, stack, string
 * `code` and (recursively) its cause survive; anything else it held (a request object, a
 * socket) is dropped so that `util.inspect` cannot reveal it.
 */
function redactCause(cause: unknown, secrets: readonly string[], depth: number): unknown {
  if (!(cause instanceof Error)) {
    return typeof cause === "string" ? redactText(cause, secrets) : undefined;
  }
  if (cause instanceof B24Error) return cause;
  const copy = new Error(redactText(cause.message, secrets));
  copy.name = cause.name;
  copy.stack = redactText(cause.stack ?? "", secrets);
  const code = (cause as { code?: unknown }).code;
  if (typeof code === "string") (copy as Error & { code?: string }).code = code;
  const inner = (cause as { cause?: unknown }).cause;
  if (inner !== undefined && depth < MAX_CAUSE_DEPTH) {
    Object.defineProperty(copy, "cause", {
      value: redactCause(inner, secrets, depth + 1),
      enumerable: false,
    });
  }
  return copy;
}

/**
 * A dialog id is not one of the accepted forms; nothing was sent.
 *
 * @example
 * ```ts
 * try { parseDialogId("crm5"); } catch (e) { if (e instanceof DialogIdError) console.log(e.input); }
 * ```
 */
export class DialogIdError extends B24Error {
  static {
    brand(DialogIdError, "DialogIdError");
  }

  /** The offending input as text, without quotes, cut to 64 characters (a string is quoted in the message). */
  readonly input: string;

  constructor(message: string, input: string) {
    super(message, "DIALOG_ID_INVALID", false);
    // A pasted webhook URL is a plausible wrong dialog id; its code must not survive here.
    this.input = redactText(input);
  }
}

/**
 * Options are invalid: a malformed webhook URL, plain http to a non-loopback host, a value
 * out of range. Thrown before anything is sent.
 *
 * @example
 * ```ts
 * try { createClient({ webhook: "http://x.bitrix24.ru/rest/1/code/", transport }); }
 * catch (e) { if (e instanceof ConfigError) console.log(e.option); } // "webhook"
 * ```
 */
export class ConfigError extends B24Error {
  static {
    brand(ConfigError, "ConfigError");
  }

  /** The option that is wrong, e.g. `"webhook"` or `"typing.refreshMs"`. */
  readonly option: string;

  constructor(option: string, message: string, options?: B24ErrorOptions) {
    super(message, "CONFIG_INVALID", false, options);
    this.option = option;
  }
}

/**
 * What the server's error envelope told us.
 *
 * @example
 * ```ts
 * const details: ApiErrorDetails = { code: "ACCESS_ERROR", status: 403, method: "im.dialog.writing", description: "" };
 * ```
 */
export interface ApiErrorDetails {
  /** The server's `error`, as a string (numeric codes are kept as text). */
  code: string;
  /** The HTTP status of the answer. */
  status: number;
  /** The REST method that was called (`batch` commands name their own method). */
  method: string;
  /** The server's `error_description`, redacted. */
  description: string;
  /** Known secrets to remove from the description. */
  secrets?: readonly string[];
  /** What went wrong underneath, kept as a redacted copy (as every b24im error keeps it). */
  cause?: unknown;
}

/**
 * The server answered with an error envelope `{error, error_description}`. Subclasses group
 * the codes; an unknown code is a plain `ApiError`. Build one with {@link apiErrorFrom}.
 *
 * @example
 * ```ts
 * try { await client.call("im.dialog.writing", { DIALOG_ID: "chat5" }); }
 * catch (e) { if (e instanceof ApiError) console.log(e.code, e.status, e.description); }
 * ```
 */
export class ApiError extends B24Error {
  static {
    brand(ApiError, "ApiError");
  }

  readonly status: number;
  readonly method: string;
  readonly description: string;

  constructor(details: ApiErrorDetails, retryable = false) {
    const description = redactText(details.description, details.secrets);
    const text = description ? `: ${description}` : "";
    // The code is the server's text too: a broken proxy may echo the request into it.
    const code = redactText(details.code, details.secrets);
    super(`${code}${text} (${details.method}, HTTP ${details.status})`, code, retryable, {
      secrets: details.secrets,
      cause: details.cause,
    });
    this.status = details.status;
    this.method = details.method;
    this.description = description;
  }
}

/**
 * The credentials were refused: expired or invalid token, missing scope, unconfirmed method.
 *
 * @example
 * ```ts
 * catch (e) { if (e instanceof AuthError) askUserToReinstall(); }
 * ```
 */
export class AuthError extends ApiError {
  static {
    brand(AuthError, "AuthError");
  }
}

/**
 * The caller may not do this, e.g. it is not a member of the chat (`ACCESS_ERROR`).
 *
 * @example
 * ```ts
 * catch (e) { if (e instanceof AccessError) console.log("not a member of", dialogId); }
 * ```
 */
export class AccessError extends ApiError {
  static {
    brand(AccessError, "AccessError");
  }
}

/**
 * The server rejected the parameters (`DIALOG_ID_EMPTY`, `BOT_NOT_FOUND`, …).
 *
 * @example
 * ```ts
 * catch (e) { if (e instanceof ValidationError) console.log(e.code, e.description); }
 * ```
 */
export class ValidationError extends ApiError {
  static {
    brand(ValidationError, "ValidationError");
  }
}

/**
 * A portal limit was hit (`QUERY_LIMIT_EXCEEDED`, `OVERLOAD_LIMIT`, `OPERATION_TIME_LIMIT`).
 * Always retryable; `retryAt` (epoch ms) is set when the server said when.
 *
 * @example
 * ```ts
 * catch (e) { if (e instanceof RateLimitError && e.retryAt) console.log(new Date(e.retryAt)); }
 * ```
 */
export class RateLimitError extends ApiError {
  static {
    brand(RateLimitError, "RateLimitError");
  }

  // `declare`: no own property at all when the server did not say when.
  declare readonly retryAt?: number;

  constructor(details: ApiErrorDetails & { retryAt?: number }) {
    super(details, true);
    if (details.retryAt !== undefined) this.retryAt = details.retryAt;
  }
}

/**
 * The method does not exist on this portal (`ERROR_METHOD_NOT_FOUND`): a typo, a module not
 * installed, or an on-premise version that lacks it.
 *
 * @example
 * ```ts
 * catch (e) { if (e instanceof MethodNotFoundError) fallBackToOldMethod(); }
 * ```
 */
export class MethodNotFoundError extends ApiError {
  static {
    brand(MethodNotFoundError, "MethodNotFoundError");
  }
}

/**
 * The portal failed (`INTERNAL_SERVER_ERROR`, any envelope with status ≥ 500, …). Retryable,
 * except `PORTAL_DELETED`.
 *
 * @example
 * ```ts
 * catch (e) { if (e instanceof ServerError && e.retryable) retryLater(); }
 * ```
 */
export class ServerError extends ApiError {
  static {
    brand(ServerError, "ServerError");
  }

  constructor(details: ApiErrorDetails, retryable = true) {
    super(details, retryable);
  }
}

/**
 * No HTTP answer arrived: connection refused or reset, DNS, TLS. Retryable.
 *
 * @example
 * ```ts
 * throw new TransportError("connect ECONNREFUSED 127.0.0.1:443", { cause: error });
 * ```
 */
export class TransportError extends B24Error {
  static {
    brand(TransportError, "TransportError");
  }

  constructor(message: string, options?: B24ErrorOptions, code = "TRANSPORT") {
    super(message, code, true, options);
  }
}

/**
 * No answer within the time limit. Retryable.
 *
 * @example
 * ```ts
 * throw new TimeoutError(30_000);
 * ```
 */
export class TimeoutError extends TransportError {
  static {
    brand(TimeoutError, "TimeoutError");
  }

  /** The limit that was exceeded, in milliseconds. */
  readonly timeoutMs: number;

  constructor(timeoutMs: number, options?: B24ErrorOptions) {
    super(`No answer within ${timeoutMs} ms`, options, "TIMEOUT");
    this.timeoutMs = timeoutMs;
  }
}

const SNIPPET_LENGTH = 120;

/**
 * An answer that is no Bitrix24 envelope: an HTML error page from a proxy, cut JSON, an
 * empty body. Retryable when its status is ≥ 500.
 *
 * @example
 * ```ts
 * catch (e) { if (e instanceof ProtocolError) console.log(e.status, e.snippet); }
 * ```
 */
export class ProtocolError extends B24Error {
  static {
    brand(ProtocolError, "ProtocolError");
  }

  readonly status: number;
  /** The start of the body, redacted and cut to 120 characters. */
  readonly snippet: string;

  constructor(message: string, status: number, body: string, options?: B24ErrorOptions) {
    const snippet = redactText(body, options?.secrets)
      .replace(/\s+/g, " ")
      .trim()
      .slice(0, SNIPPET_LENGTH);
    super(
      `${message} (HTTP ${status}): ${JSON.stringify(snippet)}`,
      "PROTOCOL",
      status >= 500,
      options,
    );
    this.status = status;
    this.snippet = snippet;
  }
}

/**
 * The portal answered with a redirect: it moved to another address. Send the same POST
 * there (`followPortalMoves: true` does it once) and update the stored address.
 *
 * @example
 * ```ts
 * catch (e) { if (e instanceof PortalMovedError) console.log("moved to", e.location); }
 * ```
 */
export class PortalMovedError extends B24Error {
  static {
    brand(PortalMovedError, "PortalMovedError");
  }

  readonly status: number;
  /** The new address, redacted (a webhook code in it is replaced). */
  readonly location: string;

  constructor(status: number, location: string, options?: B24ErrorOptions) {
    const redacted = redactText(location, options?.secrets);
    super(
      `The portal moved (HTTP ${status}) to ${redacted || "an unknown address"}`,
      "PORTAL_MOVED",
      false,
      options,
    );
    this.status = status;
    this.location = redacted;
  }
}

/**
 * The client was closed: the call was not sent (it was still waiting for the rate limiter,
 * the operating-time hold or a backoff), or it was made after `close()`.
 *
 * @example
 * ```ts
 * const pending = client.writing("chat5");
 * await client.close();
 * await pending.catch((e) => e instanceof ClientClosedError); // true if it had not been sent
 * ```
 */
export class ClientClosedError extends B24Error {
  static {
    brand(ClientClosedError, "ClientClosedError");
  }

  constructor() {
    super("The client is closed; the call was not sent", "CLIENT_CLOSED", false);
  }
}

type ApiErrorClass = new (details: ApiErrorDetails) => ApiError;

// One space-separated list of codes per class: the table is read once, at load.
const CLASS_BY_CODE = new Map<string, ApiErrorClass>();
for (const [errorClass, codes] of [
  [
    AuthError,
    "expired_token invalid_token NO_AUTH_FOUND INVALID_CREDENTIALS insufficient_scope user_access_error WRONG_AUTH_TYPE METHOD_CONFIRM_WAITING METHOD_CONFIRM_DENIED ERROR_OAUTH authorization_error APPLICATION_NOT_FOUND invalid_grant invalid_client",
  ],
  [
    AccessError,
    "ACCESS_ERROR ACCESS_DENIED allowed_only_intranet_user BOT_OWNERSHIP_ERROR APP_ID_ERROR",
  ],
  [
    ValidationError,
    "DIALOG_ID_EMPTY CHAT_ID_EMPTY INVALID_REQUEST ERROR_ARGUMENT BOT_ID_ERROR BOT_ID_REQUIRED BOT_NOT_FOUND BOT_TOKEN_NOT_SPECIFIED ERROR_BATCH_LENGTH_EXCEEDED ERROR_BATCH_METHOD_NOT_ALLOWED",
  ],
  [RateLimitError, "QUERY_LIMIT_EXCEEDED OVERLOAD_LIMIT OPERATION_TIME_LIMIT"],
  [MethodNotFoundError, "ERROR_METHOD_NOT_FOUND"],
  [
    ServerError,
    "INTERNAL_SERVER_ERROR ERROR_UNEXPECTED_ANSWER ERROR_CORE WRONG_ENCODING PORTAL_DELETED",
  ],
] as const) {
  for (const code of codes.split(" ")) CLASS_BY_CODE.set(code.toLowerCase(), errorClass);
}

/**
 * Makes the typed error for a server error envelope. The class follows the `error` code,
 * compared case-insensitively, not the HTTP status (the server is inconsistent there); an
 * unknown code with status ≥ 500 is a `ServerError`, any other unknown code an `ApiError`.
 *
 * @example
 * ```ts
 * const error = apiErrorFrom({ code: "access_error", status: 403, method: "im.dialog.writing", description: "" });
 * error instanceof AccessError; // true
 * ```
 */
export function apiErrorFrom(details: ApiErrorDetails & { retryAt?: number }): ApiError {
  const key = details.code.toLowerCase();
  const known = CLASS_BY_CODE.get(key);
  if (known === ServerError || (!known && details.status >= 500)) {
    // A deleted portal will not come back, whatever its status says.
    return new ServerError(details, key !== "portal_deleted");
  }
  if (known) return new known(details);
  return new ApiError(details);
}

/**
 * The text of something thrown, for a message of ours (which redacts it): an error's name and
 * message, a string as it is, or what kind of value it was.
 *
 * @example
 * ```ts
 * describeThrown(new TypeError("fetch failed")); // "TypeError: fetch failed"
 * describeThrown(null); // "a thrown null that is no Error"
 * ```
 */
export function describeThrown(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  if (typeof error === "string") return error;
  return `a thrown ${error === null ? "null" : typeof error} that is no Error`;
}

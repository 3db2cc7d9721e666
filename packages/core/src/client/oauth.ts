import { AuthError, ConfigError, describeThrown, ProtocolError } from "../protocol/errors.js";
import type { HttpRequest, HttpResponse } from "../protocol/http.js";
import { checkText, isFunction, isObject, need } from "../protocol/option-check.js";
import { textOf } from "../protocol/parse-response.js";
import { checkEndpoint, downgrades, type OAuthTarget, oauthTarget } from "../protocol/target.js";

/**
 * A token pair from the OAuth server. The refresh token is single-use: store the new one
 * every time `onTokens` hands it over, or the next refresh fails with `invalid_grant`.
 *
 * @example
 * ```ts
 * // The old refresh token is spent: losing this pair means asking the user to install again.
 * const onTokens = async (tokens: OAuthTokens) => {
 *   await tokenStore.save(tokens.memberId, tokens.accessToken, tokens.refreshToken);
 * };
 * ```
 */
export interface OAuthTokens {
  accessToken: string;
  refreshToken: string;
  /** When the access token expires, epoch ms (when the server said). */
  expiresAt?: number;
  /** The portal's REST address, e.g. `https://x.bitrix24.ru/rest/`. */
  clientEndpoint?: string;
  /** The OAuth server's REST address, e.g. `https://oauth.bitrix.info/rest/`. */
  serverEndpoint?: string;
  memberId?: string;
}

/**
 * The `oauth` option of `createClient`. Refresh needs `refreshToken`, `clientId` and `clientSecret`.
 *
 * @example
 * ```ts
 * const oauth: OAuthOptions = {
 *   clientEndpoint: "https://x.bitrix24.ru/rest/",
 *   accessToken: saved.accessToken,
 *   refreshToken: saved.refreshToken,
 *   clientId: "local.demo",
 *   clientSecret: process.env.B24_CLIENT_SECRET,
 *   onTokens: (tokens) => tokenStore.save(tokens),
 * };
 * const client = createClient({ oauth, transport });
 * ```
 */
export interface OAuthOptions {
  clientEndpoint: string;
  accessToken: string;
  refreshToken?: string | undefined;
  clientId?: string | undefined;
  clientSecret?: string | undefined;
  /** Where to refresh; default `https://oauth.bitrix.info/rest/` (its `/rest/` is dropped). */
  serverEndpoint?: string | undefined;
  /** Receives each new pair once, before the waiting calls are replayed. */
  onTokens?: ((tokens: OAuthTokens) => void | Promise<void>) | undefined;
  /**
   * Your own way to a fresh access token, used instead of the OAuth server (then no
   * `refreshToken`, `clientId` or `clientSecret`): in an app inside a Bitrix24 frame, ask the
   * frame (`BX24.refreshAuth`); on a server, your token store. Called once however many calls
   * hit `expired_token`; they are replayed with the token it resolves with. If it throws or
   * answers no token, they reject with `AuthError` (code `OAUTH_REFRESH_FAILED`), and the next
   * `expired_token` asks again.
   */
  refresh?:
    | (() => Promise<{ accessToken: string; clientEndpoint?: string | undefined }>)
    | undefined;
}

const DEFAULT_OAUTH_SERVER = "https://oauth.bitrix.info";
const TOKEN_METHOD = "oauth/token";

/**
 * The documented refresh request:
 * `GET {oauth server}/oauth/token/?grant_type=refresh_token&client_id&client_secret&refresh_token`,
 * the oauth server being `serverEndpoint` without its `/rest/`. The URL holds secrets:
 * only pass it on through `redactRequest`.
 *
 * @example
 * ```ts
 * refreshRequest({ clientId: "app.1", clientSecret: "s3cret", refreshToken: "r3fresh" }).url;
 * // "https://oauth.bitrix.info/oauth/token/?grant_type=refresh_token&client_id=app.1&…"
 * ```
 */
export function refreshRequest(o: {
  serverEndpoint?: string | undefined;
  clientId: string;
  clientSecret: string;
  refreshToken: string;
}): HttpRequest {
  const server = (o.serverEndpoint ?? DEFAULT_OAUTH_SERVER).replace(/\/+(rest\/*)?$/, "");
  const query = new URLSearchParams({
    grant_type: "refresh_token",
    client_id: o.clientId,
    client_secret: o.clientSecret,
    refresh_token: o.refreshToken,
  });
  return {
    method: "GET",
    url: `${server}/oauth/token/?${query}`,
    headers: { accept: "application/json" },
  };
}

/**
 * Reads the OAuth server's answer. An error envelope (`invalid_grant`, `invalid_client`,
 * `PAYMENT_REQUIRED`, …) becomes an `AuthError` with that code; an answer that is no token
 * pair a `ProtocolError` (retryable when the status is ≥ 500).
 *
 * @example
 * ```ts
 * const tokens = parseTokenAnswer(response, now, secrets); // { accessToken, refreshToken, expiresAt, … }
 * ```
 */
export function parseTokenAnswer(
  response: HttpResponse,
  now: number,
  secrets: readonly string[],
): OAuthTokens {
  let body: Record<string, unknown> = {};
  try {
    body = Object(JSON.parse(response.body));
  } catch {
    // reported below as an answer that is no token pair
  }
  const text = (key: string) => (typeof body[key] === "string" ? (body[key] as string) : undefined);
  if (body.error !== undefined) {
    const code = textOf(body.error);
    const description = text("error_description") ?? "";
    throw new AuthError({
      code,
      status: response.status,
      method: TOKEN_METHOD,
      description,
      secrets,
    });
  }
  const accessToken = text("access_token");
  const refreshToken = text("refresh_token");
  if (!accessToken || !refreshToken) {
    throw new ProtocolError(
      "The OAuth server's answer has no token pair",
      response.status,
      response.body,
      {
        secrets,
      },
    );
  }
  const tokens: OAuthTokens = { accessToken, refreshToken };
  const expiresIn = body.expires_in;
  if (typeof expiresIn === "number") tokens.expiresAt = now + expiresIn * 1000;
  const memberId = text("member_id");
  if (memberId) tokens.memberId = memberId;
  // The tokens go to these addresses next, the client secret too: an address that would be
  // refused as an option is dropped here. Throwing instead would lose the new pair, and the
  // old refresh token is already spent.
  const clientEndpoint = endpointOrUndefined("clientEndpoint", text("client_endpoint"), "/rest/");
  if (clientEndpoint) tokens.clientEndpoint = clientEndpoint;
  const serverEndpoint = endpointOrUndefined("serverEndpoint", text("server_endpoint"), "/");
  if (serverEndpoint) tokens.serverEndpoint = serverEndpoint;
  return tokens;
}

function endpointOrUndefined(
  key: string,
  value: string | undefined,
  pathEnd: "/" | "/rest/",
): string | undefined {
  if (value === undefined) return undefined;
  try {
    return checkEndpoint(key, value, pathEnd);
  } catch {
    return undefined;
  }
}

// The rest of the `oauth` options (oauthTarget checks the endpoint and the access token):
// the client secret and refresh token go to `serverEndpoint`, so it must be https too.
function checkOAuthOptions(options: OAuthOptions): void {
  for (const key of ["refreshToken", "clientId", "clientSecret"] as const) {
    if (options[key] !== undefined) checkText(`oauth.${key}`, options[key]);
  }
  if (options.serverEndpoint !== undefined)
    checkEndpoint("oauth.serverEndpoint", options.serverEndpoint, "/");
  need(
    options.onTokens === undefined || isFunction(options.onTokens),
    "oauth.onTokens",
    "a function that stores the new tokens",
    options.onTokens,
  );
  need(
    options.refresh === undefined || isFunction(options.refresh),
    "oauth.refresh",
    "a function that resolves with { accessToken }",
    options.refresh,
  );
  need(
    options.refresh === undefined || (options.refreshToken ?? options.clientSecret) === undefined,
    "oauth.refresh",
    "left out when refreshToken and clientSecret are given: one way to refresh, not two",
  );
}

/**
 * The client's OAuth state: the current target and the single-flight refresh.
 *
 * @example
 * ```ts
 * const session: OAuthSession = createOAuthSession(options.oauth, send, clock.now, report);
 * const used = session.target;
 * // … a call sent to `used` answered `expired_token`:
 * if (session.canRefresh) await session.refresh(used);
 * ```
 */
export interface OAuthSession {
  /** Where calls go now; replaced (never mutated) by a refresh or a portal move. */
  target: OAuthTarget;
  /** Whether `refresh` can do anything: refresh token, client id and secret are known. */
  readonly canRefresh: boolean;
  /**
   * Makes sure `stale` is replaced. One refresh runs at a time: callers that hit
   * `expired_token` on the same target share it; a caller whose target was already
   * replaced resolves at once. After a refresh was refused every caller gets that same
   * `AuthError` and no new refresh is tried.
   */
  refresh(stale: OAuthTarget): Promise<void>;
  /** Every secret value to remove from errors and hook payloads. */
  secrets(): string[];
}

/**
 * Makes the OAuth state of a client. `send` delivers the refresh request (the client adds
 * hooks and the timeout); `report` receives an error thrown by `onTokens`, which cannot
 * undo the refresh.
 *
 * @example
 * ```ts
 * const session = createOAuthSession(options.oauth, (request) => transport.send(request, { timeoutMs }), clock.now, onError);
 * await session.refresh(usedTarget);
 * ```
 */
export function createOAuthSession(
  options: OAuthOptions,
  send: (request: HttpRequest) => Promise<HttpResponse>,
  now: () => number,
  report: (error: unknown) => void,
): OAuthSession {
  checkOAuthOptions(options);
  let { refreshToken, serverEndpoint } = options;
  const { clientId, clientSecret } = options;
  let previous: string[] = [];
  let flight: Promise<void> | undefined;
  let refused: unknown;

  // Your own refresh (a Bitrix24 frame's, a token store's): a new access token, no refresh token.
  const refreshThrough = async (refresh: NonNullable<OAuthOptions["refresh"]>): Promise<void> => {
    const spent = session.target.accessToken;
    let fresh: unknown;
    try {
      fresh = await refresh();
    } catch (error) {
      throw refreshFailed(
        `oauth.refresh failed: ${describeThrown(error)}`,
        session.secrets(),
        error,
      );
    }
    const { accessToken, clientEndpoint } = (isObject(fresh) ? fresh : {}) as Record<
      string,
      unknown
    >;
    if (typeof accessToken !== "string" || accessToken === "") {
      throw refreshFailed("oauth.refresh resolved with no accessToken", session.secrets());
    }
    const endpoint =
      typeof clientEndpoint === "string" &&
      !downgrades(session.target.clientEndpoint, clientEndpoint)
        ? clientEndpoint
        : session.target.clientEndpoint;
    session.target = oauthTarget(endpoint, accessToken);
    previous = [spent];
  };

  const refreshOnce = async (): Promise<void> => {
    if (options.refresh) return refreshThrough(options.refresh);
    if (!refreshToken || !clientId || !clientSecret)
      throw new ConfigError("oauth", "Cannot refresh");
    const spent = [session.target.accessToken, refreshToken];
    const response = await send(
      refreshRequest({ serverEndpoint, clientId, clientSecret, refreshToken }),
    );
    let tokens: OAuthTokens;
    try {
      tokens = parseTokenAnswer(response, now(), session.secrets());
    } catch (error) {
      if (error instanceof AuthError) refused = error;
      throw error;
    }
    // An https endpoint is never replaced by a plain-http one, not even on a loopback host: the
    // tokens and the client secret would travel in clear. Dropped, like an unsafe address.
    if (downgrades(session.target.clientEndpoint, tokens.clientEndpoint))
      delete tokens.clientEndpoint;
    if (downgrades(serverEndpoint ?? DEFAULT_OAUTH_SERVER, tokens.serverEndpoint)) {
      delete tokens.serverEndpoint;
    }
    previous = spent;
    refreshToken = tokens.refreshToken;
    serverEndpoint = tokens.serverEndpoint ?? serverEndpoint;
    session.target = oauthTarget(
      tokens.clientEndpoint ?? session.target.clientEndpoint,
      tokens.accessToken,
    );
    try {
      await options.onTokens?.(tokens);
    } catch (error) {
      report(error);
    }
  };

  const session: OAuthSession = {
    target: oauthTarget(options.clientEndpoint, options.accessToken),
    canRefresh: Boolean(options.refresh || (refreshToken && clientId && clientSecret)),
    refresh(stale) {
      if (refused) return Promise.reject(refused);
      if (stale !== session.target) return Promise.resolve();
      flight ??= refreshOnce().finally(() => {
        flight = undefined;
      });
      return flight;
    },
    secrets: () =>
      [session.target.accessToken, refreshToken, clientSecret, ...previous].filter(
        (s): s is string => typeof s === "string",
      ),
  };
  return session;
}

// A refresh of the caller's that failed: the calls waiting for it cannot be replayed.
function refreshFailed(message: string, secrets: readonly string[], cause?: unknown): AuthError {
  return new AuthError({
    code: "OAUTH_REFRESH_FAILED",
    status: 401,
    method: "oauth.refresh",
    description: message,
    secrets,
    cause,
  });
}

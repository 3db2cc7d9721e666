import { randomBytes } from "node:crypto";
import type { Caller } from "./methods/rest-method.js";
import type { Params } from "./php-query.js";
import type { PortalModel } from "./portal-model.js";
import { textParam } from "./request-params.js";
import { RestError, wrongAuthError } from "./rest-error.js";

/**
 * The answer of `/oauth/token/` (and of `emulator.oauth.issueTokens`).
 *
 * @example
 * ```ts
 * const answer: OAuthTokenAnswer = emulator.oauth.issueTokens({ userId: 2 });
 * const client = createClient({
 *   transport,
 *   oauth: { clientEndpoint: answer.client_endpoint, accessToken: answer.access_token },
 * });
 * ```
 */
export interface OAuthTokenAnswer {
  access_token: string;
  refresh_token: string;
  /** Unix time (seconds) when the access token expires. */
  expires: number;
  expires_in: number;
  client_endpoint: string;
  server_endpoint: string;
  member_id: string;
  domain: string;
  scope: string;
  status: "L";
  user_id: number;
}

/**
 * Issuing and expiring tokens from tests.
 *
 * @example
 * ```ts
 * const tokens = emulator.oauth.issueTokens();
 * emulator.oauth.expireAccessTokens(); // calls with tokens.access_token now answer 401 expired_token
 * ```
 */
export interface OAuthControl {
  /** New tokens for `userId` (default 1) of app `clientId` (default the first seeded app). */
  issueTokens(options?: { userId?: number; clientId?: string }): OAuthTokenAnswer;
  /** Makes every access token issued so far answer `expired_token`. */
  expireAccessTokens(): void;
}

interface Grant {
  userId: number;
  clientId: string;
  expiresAt: number;
}

const REFRESH_TOKEN_TTL_MS = 180 * 24 * 3600 * 1000;

function oauthError(status: number, error: string, description: string) {
  return { status, body: { error, error_description: description } };
}

/**
 * The OAuth side of the portal: access tokens that expire, refresh tokens that are spent
 * by their first use, and the `/oauth/token/` refresh endpoint.
 *
 * @example
 * ```ts
 * const oauth = new OAuthServer(portal, {
 *   accessTokenTtlMs: 3_600_000,
 *   now: Date.now,
 *   baseUrl: () => "http://127.0.0.1:8080",
 * });
 * const { access_token } = oauth.issueTokens({ userId: 2 });
 * oauth.authenticate(access_token).userId; // 2
 * ```
 */
export class OAuthServer implements OAuthControl {
  readonly #accessTokens = new Map<string, Grant>();
  readonly #refreshTokens = new Map<string, Grant>();
  readonly #botGrants = new Map<string, OAuthTokenAnswer>();

  constructor(
    readonly portal: PortalModel,
    readonly options: { accessTokenTtlMs: number; now: () => number; baseUrl: () => string },
  ) {}

  issueTokens(options: { userId?: number; clientId?: string } = {}): OAuthTokenAnswer {
    const clientId = options.clientId ?? this.portal.apps.keys().next().value;
    if (clientId === undefined || !this.portal.apps.has(clientId)) {
      throw new Error(`No seeded OAuth app ${clientId ?? "(none seeded)"}`);
    }
    return this.#issue(options.userId ?? 1, clientId);
  }

  /**
   * The tokens a webhook event hands a bot for answering: an access token of `userId` through
   * the bot's application `clientId`, so `imbot.v2` calls made with it need no `botToken`. One
   * grant is reused while it has more than half its life left, so a busy bot does not pile up
   * tokens. The answer has a `refresh_token` only when `clientId` is a seeded OAuth app (the
   * only kind `/oauth/token/` can refresh for).
   */
  botTokens(userId: number, clientId: string): OAuthTokenAnswer {
    const key = `${clientId}\n${userId}`;
    const cached = this.#botGrants.get(key);
    const grant = cached && this.#accessTokens.get(cached.access_token);
    const now = this.options.now();
    if (cached && grant && grant.expiresAt - now > this.options.accessTokenTtlMs / 2) return cached;
    const answer = this.#issue(userId, clientId);
    if (!this.portal.apps.has(clientId)) {
      this.#refreshTokens.delete(answer.refresh_token);
      answer.refresh_token = "";
    }
    this.#botGrants.set(key, answer);
    return answer;
  }

  expireAccessTokens(): void {
    for (const grant of this.#accessTokens.values()) grant.expiresAt = 0;
  }

  /** Marks one access token expired (the `expireToken` fault). */
  expire(accessToken: string): void {
    const grant = this.#accessTokens.get(accessToken);
    if (grant !== undefined) grant.expiresAt = 0;
  }

  /** The caller an access token stands for, or the 401 the portal answers. */
  authenticate(accessToken: unknown): Caller {
    if (typeof accessToken !== "string" || accessToken === "") {
      throw wrongAuthError();
    }
    const grant = this.#accessTokens.get(accessToken);
    if (grant === undefined) {
      throw new RestError(401, "invalid_token", "Unable to get application by token");
    }
    if (grant.expiresAt <= this.options.now()) {
      throw new RestError(401, "expired_token", "The access token provided has expired.");
    }
    return {
      userId: grant.userId,
      kind: "oauth",
      credential: `app:${grant.clientId}`,
      clientId: grant.clientId,
    };
  }

  /** Answers `GET /oauth/token/?grant_type=refresh_token&…`: rotates both tokens. */
  refresh(params: Params): { status: number; body: object } {
    const app = this.portal.apps.get(textParam(params.client_id) ?? "");
    if (app === undefined || app.clientSecret !== params.client_secret) {
      return oauthError(401, "invalid_client", "Invalid client credentials");
    }
    if (params.grant_type !== "refresh_token") {
      return oauthError(400, "unsupported_grant_type", "Only refresh_token is supported");
    }
    const token = textParam(params.refresh_token) ?? "";
    const grant = this.#refreshTokens.get(token);
    if (
      grant === undefined ||
      grant.clientId !== app.clientId ||
      grant.expiresAt <= this.options.now()
    ) {
      return oauthError(400, "invalid_grant", "Invalid refresh token");
    }
    this.#refreshTokens.delete(token);
    return { status: 200, body: this.#issue(grant.userId, grant.clientId) };
  }

  #issue(userId: number, clientId: string): OAuthTokenAnswer {
    const now = this.options.now();
    const accessToken = randomBytes(32).toString("hex");
    const refreshToken = randomBytes(32).toString("hex");
    const expiresAt = now + this.options.accessTokenTtlMs;
    this.#accessTokens.set(accessToken, { userId, clientId, expiresAt });
    this.#refreshTokens.set(refreshToken, {
      userId,
      clientId,
      expiresAt: now + REFRESH_TOKEN_TTL_MS,
    });
    const baseUrl = this.options.baseUrl();
    return {
      access_token: accessToken,
      refresh_token: refreshToken,
      expires: Math.floor(expiresAt / 1000),
      expires_in: Math.round(this.options.accessTokenTtlMs / 1000),
      client_endpoint: `${baseUrl}/rest/`,
      server_endpoint: `${baseUrl}/rest/`,
      member_id: this.portal.memberId,
      domain: new URL(baseUrl).host,
      scope: this.portal.apps.get(clientId)?.scope ?? "im,imbot",
      status: "L",
      user_id: userId,
    };
  }
}

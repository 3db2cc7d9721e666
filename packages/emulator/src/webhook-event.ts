import type { BotEventDraft } from "./bot-platform.js";
import type { BotRegistry, V2Bot } from "./bot-registry.js";
import type { OAuthServer } from "./oauth.js";
import { buildPhpQuery } from "./php-form.js";

/**
 * What building a webhook event needs from the emulator.
 *
 * @example
 * ```ts
 * const deps: WebhookEventDeps = { registry, oauth, now: Date.now, baseUrl: () => url };
 * ```
 */
export interface WebhookEventDeps {
  registry: BotRegistry;
  oauth: OAuthServer;
  now: () => number;
  /** The portal's address, e.g. `http://127.0.0.1:40123`. */
  baseUrl: () => string;
}

/**
 * The body a webhook-mode bot receives for one event, as the platform sends it:
 * `event`, `data` (whose `bot` is the short `{id, code, auth}`, `auth` holding OAuth tokens
 * for answering), `ts` (Unix seconds) and the top-level `auth` with `domain` and the bot's
 * `application_token` — encoded like PHP's `http_build_query`, every scalar a string.
 *
 * @example
 * ```ts
 * webhookEventBody(bot, { type: "ONIMBOTV2DELETE", data: {}, userId: 1 }, deps);
 * // "event=ONIMBOTV2DELETE&data%5Bbot%5D%5Bid%5D=100&…&auth%5Bapplication_token%5D=…"
 * ```
 */
export function webhookEventBody(bot: V2Bot, event: BotEventDraft, deps: WebhookEventDeps): string {
  const domain = new URL(deps.baseUrl()).host;
  const applicationToken = deps.registry.applicationToken(bot);
  const tokens = deps.oauth.botTokens(event.userId, bot.clientId);
  const auth: Record<string, unknown> = {
    access_token: tokens.access_token,
    expires: tokens.expires,
    expires_in: tokens.expires_in,
    scope: "imbot",
    domain,
    server_endpoint: tokens.server_endpoint,
    status: tokens.status,
    client_endpoint: tokens.client_endpoint,
    member_id: tokens.member_id,
    user_id: tokens.user_id,
    application_token: applicationToken,
  };
  if (tokens.refresh_token !== "") auth.refresh_token = tokens.refresh_token;
  return buildPhpQuery({
    event: event.type,
    data: { bot: { id: bot.id, code: bot.code, auth }, ...event.data },
    ts: Math.floor(deps.now() / 1000),
    auth: { domain, application_token: applicationToken },
  });
}

import { ConfigError } from "./errors.js";
import { checkText, need } from "./option-check.js";
import { redactText } from "./redact.js";

/**
 * Where a webhook sends its calls: `${origin}/rest/${userId}/${secret}/METHOD`. Made by
 * {@link parseWebhookUrl}; its `secret` (the webhook code) is non-enumerable, so
 * `JSON.stringify`, `util.inspect` and `console.log` never show it. Spreading the object
 * (`{ ...target }`) drops the secret too: pass the target itself around.
 *
 * @example
 * ```ts
 * const target: WebhookTarget = parseWebhookUrl("https://x.bitrix24.ru/rest/1/abc123/");
 * target.origin; // "https://x.bitrix24.ru"
 * JSON.stringify(target); // '{"origin":"https://x.bitrix24.ru","userId":1}'
 * ```
 */
export interface WebhookTarget {
  origin: string;
  userId: number;
  secret: string;
}

/**
 * Where an OAuth application sends its calls: `${clientEndpoint}METHOD`, with the access
 * token in the body's `auth`. Made by {@link oauthTarget} (token non-enumerable); a plain
 * object of this shape works too.
 *
 * @example
 * ```ts
 * const target: OAuthTarget = oauthTarget("https://x.bitrix24.ru/rest/", accessToken);
 * ```
 */
export interface OAuthTarget {
  clientEndpoint: string;
  accessToken: string;
}

/**
 * Either kind of address and credentials {@link buildRequest} accepts.
 *
 * @example
 * ```ts
 * const target: Target = process.env.B24_WEBHOOK_URL
 *   ? parseWebhookUrl(process.env.B24_WEBHOOK_URL)
 *   : oauthTarget(endpoint, token);
 * ```
 */
export type Target = WebhookTarget | OAuthTarget;

/**
 * Checks an OAuth application's `client_endpoint` (https, or http on a loopback host; must
 * end with `/rest/`, a missing final slash is added) and access token, and returns a target
 * whose `accessToken` is non-enumerable. Throws `ConfigError` naming the option.
 *
 * @example
 * ```ts
 * const target = oauthTarget("https://x.bitrix24.ru/rest", tokens.access_token);
 * target.clientEndpoint; // "https://x.bitrix24.ru/rest/"
 * ```
 */
export function oauthTarget(clientEndpoint: string, accessToken: string): OAuthTarget {
  return withSecret(
    { clientEndpoint: checkEndpoint("oauth.clientEndpoint", clientEndpoint, "/rest/") },
    "accessToken",
    checkText("oauth.accessToken", accessToken),
  );
}

const ENDPOINT_EXAMPLES: Record<string, string> = {
  "/rest/": "the client_endpoint of the token answer, e.g. https://your.bitrix24.ru/rest/",
  "/": "the server_endpoint of the token answer, e.g. https://oauth.bitrix.info/rest/",
};

/**
 * Checks a portal or OAuth server address given as `option` and returns it normalised to
 * origin + path with a trailing slash. It must be https (http only on a loopback host), carry
 * no credentials, query or fragment, and its path must end with `pathEnd`. Throws
 * `ConfigError` naming `option` otherwise.
 *
 * @example
 * ```ts
 * checkEndpoint("oauth.clientEndpoint", "https://x.bitrix24.ru/rest", "/rest/"); // "https://x.bitrix24.ru/rest/"
 * checkEndpoint("oauth.serverEndpoint", "http://oauth.example/", "/"); // throws ConfigError
 * ```
 */
export function checkEndpoint(option: string, value: unknown, pathEnd: "/" | "/rest/"): string {
  const raw = typeof value === "string" ? value.trim() : "";
  const shown = `${option} ${JSON.stringify(redactText(raw).slice(0, 100))}`;
  const url = checkUrl(option, raw, shown, ENDPOINT_EXAMPLES[pathEnd]);
  const path = url.pathname.replace(/\/?$/, "/");
  need(path.endsWith(pathEnd), option, `a URL that ends with ${pathEnd}`, raw);
  return url.origin + path;
}

/**
 * Parses a target URL and enforces what every target needs: https (plain http only on
 * loopback hosts: 127.0.0.0/8, ::1, localhost), no `user:password@`, no query, no fragment.
 * Errors read `${shown} <problem>: expected ${expected}`; `shown` names the option and quotes
 * the URL redacted (empty when the caller only wants the check).
 *
 * @example
 * ```ts
 * checkUrl("webhook", raw, 'The webhook URL "http://127.0.0.1:8080/rest/1/[REDACTED]"', "https://PORTAL/rest/1/CODE/");
 * ```
 */
export function checkUrl(option: string, raw: string, shown: string, expected?: string): URL {
  const fail = (problem: string) =>
    new ConfigError(option, `${shown} ${problem}${expected ? `: expected ${expected}` : ""}`);
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw fail("is not an absolute URL");
  }
  const loopback = /^(localhost|\[::1\]|127\.\d+\.\d+\.\d+)$/.test(url.hostname);
  if (url.protocol !== "https:" && !(url.protocol === "http:" && loopback)) {
    throw fail("must start with https:// (http:// only on a loopback host)");
  }
  if (url.username || url.password || url.search || url.hash) {
    throw fail("must not contain user:password@, a ?query or a #fragment");
  }
  return url;
}

/**
 * Whether moving from the address `current` to `next` would leave https for plain http. The
 * client never does it, not even to a loopback host: the webhook code, the tokens and the
 * client secret would then travel in clear. An unknown `next` is no downgrade.
 *
 * @example
 * ```ts
 * downgrades("https://x.bitrix24.ru/rest/", "http://127.0.0.1:8080/rest/"); // true
 * downgrades("http://127.0.0.1:8080/rest/", "http://localhost:8081/rest/"); // false
 * ```
 */
export function downgrades(current: string, next: string | undefined): boolean {
  return next !== undefined && current.startsWith("https:") && !next.startsWith("https:");
}

// Targets made (and checked) by parseWebhookUrl or oauthTarget. They are frozen, so
// buildRequest can skip checking them again on every call.
const vetted = new WeakSet<object>();

/**
 * Whether a target was made by `parseWebhookUrl` or `oauthTarget`, and so is known valid.
 *
 * @example
 * ```ts
 * isVetted(parseWebhookUrl(url)); // true
 * isVetted({ origin, userId: 1, secret }); // false: a plain object is checked on use
 * ```
 */
export function isVetted(target: object): boolean {
  return vetted.has(target);
}

/**
 * Adds a non-enumerable secret property and freezes the object, so serialisers and
 * inspectors cannot show the secret. Only for checked targets: it marks them vetted.
 *
 * @example
 * ```ts
 * const target = withSecret({ origin, userId: 1 }, "secret", code);
 * ```
 */
export function withSecret<T extends object, K extends string>(
  object: T,
  key: K,
  value: string,
): T & Record<K, string> {
  const target = Object.freeze(Object.defineProperty(object, key, { value, enumerable: false }));
  vetted.add(target);
  return target as T & Record<K, string>;
}

import type { HttpRequest, HttpResponse } from "./http.js";

/**
 * What every secret is replaced with.
 *
 * @example
 * ```ts
 * error.message.includes(REDACTED); // the webhook code was removed here
 * ```
 */
export const REDACTED = "[REDACTED]";

/**
 * Parameter, field and header names whose values are secrets, compared case-insensitively.
 * This list is the one place that knows them: errors, hooks and logs all go through it.
 */
const SECRET_NAMES = [
  "auth",
  "access_token",
  "refresh_token",
  "client_secret",
  "bottoken",
  "bot_token",
  "application_token",
  "authorization",
  "proxy-authorization",
  "cookie",
  "set-cookie",
  "password",
] as const;

const SECRET_NAME_SET: ReadonlySet<string> = new Set(SECRET_NAMES);
const NAMES = SECRET_NAMES.join("|");

// A webhook's code is the path segment after `/rest/<user id>/`; PHP's json_encode writes the
// slashes as `\/`, so an escaped path is matched too.
const WEBHOOK_PATH = /(\\?\/rest\\?\/\d+\\?\/)[^/\\?#\s"'<>]+/gi;
// `name=value` in a query string, a form body or a batch `cmd` string, also as a PHP-style
// key that starts or ends with the name: `name[x]=value`, `FIELDS[0][name]=value` (raw or
// with the brackets URL-encoded).
const QUERY_PAIR = new RegExp(
  `((?:^|[?&\\s;,"'])(?:[\\w.-]*(?:(?:\\[|%5B)[\\w.-]*(?:\\]|%5D))*(?:\\[|%5B))?(?:${NAMES})(?:\\]|%5D)?(?:%5B[^=&]*|\\[[^=&]*)?=)[^&\\s"'#<>]*`,
  "gi",
);
// `"name": "value"` in JSON, also when the body was cut before the closing quote.
const JSON_PAIR = new RegExp(`("(?:${NAMES})"\\s*:\\s*)"(?:[^"\\\\]|\\\\.)*(?:"|\\\\?$)`, "gi");
// `Authorization: Bearer xyz` in free text.
const AUTH_SCHEME = /\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/g;
// `scheme://user:password@host` (a proxy's or Redis's URL): the credentials before the `@`.
const USERINFO = /(\/\/)[^\s/@]+@/g;

// Shorter strings than this are not treated as known secrets: replacing "1" everywhere would
// destroy messages and protect nothing.
const MIN_SECRET_LENGTH = 4;

/**
 * Whether a parameter, field or header of this name holds a secret.
 *
 * @example
 * ```ts
 * isSecretName("botToken"); // true
 * isSecretName("DIALOG_ID"); // false
 * ```
 */
export function isSecretName(name: string): boolean {
  return SECRET_NAME_SET.has(name.toLowerCase());
}

/**
 * Removes every secret from a piece of text: webhook codes in URL paths, secret query and
 * form parameters, secret JSON fields, `Bearer`/`Basic` credentials, a URL's
 * `user:password@`, and each of the given
 * known secret values wherever it appears (raw or URL-encoded).
 *
 * @example
 * ```ts
 * redactText("POST https://x.bitrix24.ru/rest/1/abc123/im.dialog.writing");
 * // "POST https://x.bitrix24.ru/rest/1/[REDACTED]/im.dialog.writing"
 * ```
 */
export function redactText(text: string, secrets: readonly string[] = []): string {
  let out = text
    .replace(WEBHOOK_PATH, `$1${REDACTED}`)
    .replace(QUERY_PAIR, `$1${REDACTED}`)
    .replace(JSON_PAIR, `$1"${REDACTED}"`)
    .replace(AUTH_SCHEME, `$1 ${REDACTED}`)
    .replace(USERINFO, `$1${REDACTED}@`);
  for (const secret of secrets) {
    if (secret.length < MIN_SECRET_LENGTH) continue;
    out = out.split(secret).join(REDACTED);
    const encoded = encodeURIComponent(secret);
    if (encoded !== secret) out = out.split(encoded).join(REDACTED);
  }
  return out;
}

/**
 * Redacts header values that carry credentials (`Authorization`, cookies).
 *
 * @example
 * ```ts
 * redactHeaders({ authorization: "Bearer t0k3n", accept: "application/json" });
 * // { authorization: "[REDACTED]", accept: "application/json" }
 * ```
 */
export function redactHeaders(headers: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    out[name] = isSecretName(name) ? REDACTED : value;
  }
  return out;
}

/**
 * A deep copy of method parameters with every secret field's value replaced.
 *
 * @example
 * ```ts
 * redactParams({ BOT_ID: 7, botToken: "s3cret" }); // { BOT_ID: 7, botToken: "[REDACTED]" }
 * ```
 */
export function redactParams<T>(params: T): T {
  return redactValue(params) as T;
}

function redactValue(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redactValue);
  if (value === null || typeof value !== "object") return value;
  const out: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value)) {
    out[key] = isSecretName(key) ? REDACTED : redactValue(inner);
  }
  return out;
}

/**
 * The secret values a request carries: the webhook code in its path, secret query
 * parameters, secret JSON body fields and credential headers. Transports pass them to error
 * constructors so that a low-level error quoting any of them is cleaned too.
 *
 * @example
 * ```ts
 * secretsOf({ method: "POST", url: "https://x.bitrix24.ru/rest/1/abc123/profile", headers: {} });
 * // ["abc123"]
 * ```
 */
export function secretsOf(request: HttpRequest): string[] {
  const found: string[] = [];
  for (const match of request.url.matchAll(WEBHOOK_PATH)) {
    const code = match[0].slice(match[1]?.length ?? 0);
    found.push(safeDecode(code));
  }
  const query = request.url.indexOf("?");
  if (query >= 0) {
    for (const [name, value] of new URLSearchParams(request.url.slice(query + 1))) {
      if (isSecretName(name)) found.push(value);
    }
  }
  for (const [name, value] of Object.entries(request.headers)) {
    if (isSecretName(name)) found.push(value, value.replace(/^\S+\s+/, ""));
  }
  if (request.body) collectJsonSecrets(request.body, found);
  return found.filter((s) => s.length >= MIN_SECRET_LENGTH);
}

function collectJsonSecrets(body: string, found: string[]): void {
  try {
    found.push(...secretsOfParams(JSON.parse(body)));
  } catch {
    // Not JSON: a form or query body is covered by the name patterns of redactText.
  }
}

/**
 * The string values of secret fields (`auth`, `botToken`, …) anywhere in method parameters,
 * also inside query-like strings such as a batch's `cmd`, so that an error about a call can
 * remove them wherever the server quotes them.
 *
 * @example
 * ```ts
 * secretsOfParams({ botId: 7, botToken: "s3cret", nested: { auth: "t0k3n" } }); // ["s3cret", "t0k3n"]
 * ```
 */
export function secretsOfParams(params: unknown): string[] {
  const found: string[] = [];
  const visit = (value: unknown): void => {
    if (value === null || typeof value !== "object") return;
    for (const [key, inner] of Object.entries(value)) {
      if (typeof inner !== "string") visit(inner);
      else if (isSecretName(key)) found.push(inner);
      else if (inner.includes("=")) found.push(...secretsInQuery(inner));
    }
  };
  visit(params);
  return found.filter((s) => s.length >= MIN_SECRET_LENGTH);
}

// A batch's `cmd` strings are queries of their own (`imbot.…?botToken=…`).
function secretsInQuery(text: string): string[] {
  return Array.from(text.matchAll(QUERY_PAIR), (match) =>
    safeDecode(match[0].slice(match[1]?.length ?? 0)),
  );
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/**
 * A request as hooks and logs may see it: URL, headers and body without secrets.
 *
 * @example
 * ```ts
 * const view = redactRequest(request);
 * console.log(view.url); // ".../rest/1/[REDACTED]/im.dialog.writing"
 * ```
 */
export function redactRequest(request: HttpRequest, secrets: readonly string[] = []): HttpRequest {
  return redactRequestWith(request, [...secrets, ...secretsOf(request)]);
}

/**
 * {@link redactRequest} for a caller that already holds every secret of the request
 * (`known` includes `secretsOf(request)`), e.g. to redact its answer with the same list.
 *
 * @example
 * ```ts
 * const known = [...clientSecrets, ...secretsOf(request)];
 * notify(onRequest, redactRequestWith(request, known));
 * notify(onResponse, redactResponse(response, known));
 * ```
 */
export function redactRequestWith(request: HttpRequest, known: readonly string[]): HttpRequest {
  const view: HttpRequest = {
    method: request.method,
    url: redactText(request.url, known),
    headers: redactHeaders(request.headers),
  };
  if (request.body !== undefined) view.body = redactText(request.body, known);
  return view;
}

/**
 * An answer as hooks may see it: secret headers dropped, known secrets (and secret-looking
 * fields) removed from every header value and from the body.
 *
 * @example
 * ```ts
 * redactResponse({ status: 302, headers: { location: "https://y/rest/1/code1234/" }, body: "" }, []);
 * // headers.location === "https://y/rest/1/[REDACTED]/"
 * ```
 */
export function redactResponse(response: HttpResponse, secrets: readonly string[]): HttpResponse {
  const headers = redactHeaders(response.headers);
  for (const name in headers) headers[name] = redactText(headers[name] as string, secrets);
  return { status: response.status, headers, body: redactText(response.body, secrets) };
}

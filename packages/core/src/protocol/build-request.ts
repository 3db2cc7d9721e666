import { ConfigError } from "./errors.js";
import type { HttpRequest } from "./http.js";
import type { MethodCall } from "./methods.js";
import { describeValue, need } from "./option-check.js";
import { checkUrl, isVetted, type OAuthTarget, type Target, type WebhookTarget } from "./target.js";

// Dot-separated words: nothing that could leave the URL path (`/`, `?`, `..`).
const METHOD_NAME = /^\w+(\.\w+)*$/;

/**
 * Throws `ConfigError(option)` unless `method` is a REST method name: words of letters,
 * digits and `_` joined by single dots (`im.dialog.writing`), so it cannot alter the URL.
 *
 * @example
 * ```ts
 * assertMethodName("im.dialog.writing"); // ok
 * assertMethodName("../oauth/token");    // throws ConfigError("method")
 * ```
 */
export function assertMethodName(method: unknown, option = "method"): asserts method is string {
  if (typeof method !== "string" || !METHOD_NAME.test(method)) {
    throw new ConfigError(
      option,
      `Invalid REST method name ${typeof method === "string" ? JSON.stringify(method).slice(0, 80) : describeValue(method)}: use letters, digits, "_" and single dots, e.g. "im.dialog.writing"`,
    );
  }
}

/**
 * Turns a call into the HTTP request to send: always a POST with a JSON body and exactly the
 * headers `content-type` and `accept: application/json` (no user-agent, so browsers send it
 * without trouble). A webhook target puts its code in the path
 * (`${origin}/rest/${userId}/${code}/${method}`); an OAuth target sends to
 * `${clientEndpoint}${method}` with the token as `auth` in the body, never in the URL.
 * Invalid method names, params or targets throw `ConfigError`; nothing is sent.
 *
 * @example
 * ```ts
 * const request = buildRequest(imDialogWriting("chat5"), parseWebhookUrl(webhookUrl));
 * // { method: "POST", url: "https://x.bitrix24.ru/rest/1/abc123/im.dialog.writing",
 * //   headers: { "content-type": "application/json", accept: "application/json" },
 * //   body: '{"DIALOG_ID":"chat5"}' }
 * ```
 */
export function buildRequest(call: MethodCall, target: Target): HttpRequest {
  assertMethodName(call?.method);
  const params = call.params ?? {};
  need(
    typeof params === "object" && !Array.isArray(params),
    "params",
    "a plain object of parameter names and values",
    params,
  );
  const { url, body, secret } = address(call.method, params, target);
  let json: string;
  try {
    json = JSON.stringify(body);
  } catch (cause) {
    throw new ConfigError("params", `The params of ${call.method} cannot be sent as JSON`, {
      cause,
      secrets: [secret],
    });
  }
  return {
    method: "POST",
    url,
    headers: { "content-type": "application/json", accept: "application/json" },
    body: json,
  };
}

// One guard for targets that did not come from parseWebhookUrl or oauthTarget (plain
// objects): the right fields, and https (or http on loopback) before any secret is sent.
function address(method: string, params: object, target: Target) {
  const { clientEndpoint, accessToken, origin, userId, secret } = (target ?? {}) as Partial<
    OAuthTarget & WebhookTarget
  >;
  const oauth = typeof clientEndpoint === "string";
  const token = oauth ? accessToken : secret;
  const base = oauth ? clientEndpoint : `${origin}/rest/`;
  let ok = isVetted(target);
  if (!ok) {
    ok = typeof token === "string" && token !== "" && base.endsWith("/rest/");
    try {
      const url = checkUrl("target", base, "");
      ok &&=
        oauth || (url.origin === origin && Number.isSafeInteger(userId) && (userId as number) > 0);
    } catch {
      ok = false;
    }
  }
  need(
    ok,
    "target",
    'a target from parseWebhookUrl or oauthTarget: https (http on loopback), a "/rest/" endpoint, a user id ≥ 1 and a non-empty code or token',
  );
  return oauth
    ? { url: base + method, body: { ...params, auth: token }, secret: token as string }
    : {
        url: `${base}${userId}/${encodeURIComponent(token as string)}/${method}`,
        body: params,
        secret: token as string,
      };
}

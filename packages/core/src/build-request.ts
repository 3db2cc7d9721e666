import { ConfigError } from "./errors.js";
import type { HttpRequest } from "./http.js";
import type { MethodCall } from "./methods.js";
import { checkUrl, type Target } from "./target.js";

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
      `Invalid REST method name ${JSON.stringify(String(method)).slice(0, 80)}: use letters, digits, "_" and single dots, e.g. "im.dialog.writing"`,
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
  if (typeof params !== "object" || Array.isArray(params)) {
    throw new ConfigError("params", "params must be a plain object of parameter names and values");
  }
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

function address(method: string, params: object, target: Target) {
  const bad = (what: string) => new ConfigError("target", `The target needs ${what}`);
  if (typeof target !== "object" || target === null)
    throw bad("to come from parseWebhookUrl or oauthTarget");
  if ("clientEndpoint" in target) {
    const { clientEndpoint, accessToken } = target;
    if (typeof clientEndpoint !== "string" || !clientEndpoint.endsWith("/rest/")) {
      throw bad('a clientEndpoint ending with "/rest/"');
    }
    checkUrl(
      "target",
      clientEndpoint,
      `The target's clientEndpoint ${JSON.stringify(clientEndpoint)}`,
      "a target from oauthTarget",
    );
    if (typeof accessToken !== "string" || !accessToken) throw bad("a non-empty accessToken");
    return {
      url: clientEndpoint + method,
      body: { ...params, auth: accessToken },
      secret: accessToken,
    };
  }
  const { origin, userId, secret } = target;
  if (
    typeof origin !== "string" ||
    checkUrl(
      "target",
      origin,
      `The target's origin ${JSON.stringify(origin)}`,
      "a target from parseWebhookUrl",
    ).origin !== origin
  ) {
    throw bad('an origin such as "https://x.bitrix24.ru"');
  }
  if (!Number.isSafeInteger(userId) || userId < 1) throw bad("a positive integer userId");
  if (typeof secret !== "string" || !secret) throw bad("the webhook code as secret");
  return {
    url: `${origin}/rest/${userId}/${encodeURIComponent(secret)}/${method}`,
    body: params,
    secret,
  };
}

import { type Params, parsePhpQuery } from "./php-query.js";

function parseJsonObject(body: string): Params {
  try {
    const parsed: unknown = JSON.parse(body);
    return typeof parsed === "object" && parsed !== null && !Array.isArray(parsed)
      ? (parsed as Params)
      : {};
  } catch {
    // The real server reads malformed JSON as "no parameters" rather than failing.
    return {};
  }
}

/**
 * Merges the query string and the body into one parameter map, body values winning,
 * reading the body as JSON when the content type says so and as a PHP form otherwise.
 *
 * @example
 * ```ts
 * readParams("a=1&b=2", '{"b":3}', "application/json; charset=utf-8"); // { a: "1", b: 3 }
 * ```
 */
export function readParams(query: string, body: string, contentType: string | undefined): Params {
  const fromQuery = parsePhpQuery(query);
  if (body === "") return fromQuery;
  const isJson = contentType !== undefined && /^\s*application\/json\s*(;|$)/i.test(contentType);
  const fromBody = isJson ? parseJsonObject(body) : parsePhpQuery(body);
  return Object.assign(fromQuery, fromBody);
}

/**
 * Upper-cases top-level keys, as the server does for `im` and `imbot` methods.
 *
 * @example
 * ```ts
 * upperCaseKeys({ dialog_id: "chat1" }); // { DIALOG_ID: "chat1" }
 * ```
 */
export function upperCaseKeys(params: Params): Params {
  const upper: Params = {};
  for (const key in params) upper[key.toUpperCase()] = params[key];
  return upper;
}

/**
 * A parameter as text, the way PHP compares it: a string, or a number written out. An array
 * or a map (what `X[a]=1` or a JSON object arrives as) is no text: `undefined`.
 *
 * @example
 * ```ts
 * textParam(100); // "100"
 * textParam({ toString: {} }); // undefined
 * ```
 */
export function textParam(value: unknown): string | undefined {
  return typeof value === "string" || typeof value === "number" ? String(value) : undefined;
}

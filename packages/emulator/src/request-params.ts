import { type Params, parsePhpQuery } from "./php-query.js";

/**
 * PHP's `json_decode` default depth: JSON nested deeper does not decode at all.
 *
 * @example
 * ```ts
 * readParams("", `{"a":${"[".repeat(MAX_JSON_DEPTH)}…`, "application/json"); // {}
 * ```
 */
export const MAX_JSON_DEPTH = 512;

// Walks the value without recursion: is it nested deeper than `limit`?
function deeperThan(value: unknown, limit: number): boolean {
  const stack: [unknown, number][] = [[value, 1]];
  while (stack.length > 0) {
    const [item, depth] = stack.pop() as [unknown, number];
    if (typeof item !== "object" || item === null) continue;
    if (depth > limit) return true;
    for (const inner of Object.values(item)) {
      if (typeof inner === "object" && inner !== null) stack.push([inner, depth + 1]);
    }
  }
  return false;
}

function parseJsonObject(body: string): Params {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    // The real server reads malformed JSON as "no parameters" rather than failing.
    return {};
  }
  // Too deep for PHP's decoder is "no parameters" too; it also keeps every later walk over
  // the parameters (batch references, key case) far from the stack's limit.
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) return {};
  return deeperThan(parsed, MAX_JSON_DEPTH) ? {} : (parsed as Params);
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

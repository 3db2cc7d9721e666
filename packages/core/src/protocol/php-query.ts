import { ConfigError } from "./errors.js";

// PHP, which decodes a batch's command strings, reads no deeper than this by default
// (`max_input_nesting_level`).
const MAX_DEPTH = 64;

/**
 * Encodes parameters as a PHP-style query string, the form of `batch` command strings:
 * nested objects and arrays become bracketed keys (`FIELDS[PHONE][0][VALUE]=…`). Like PHP's
 * `http_build_query`, `true`/`false` become `1`/`0` and `null`/`undefined` (and empty
 * arrays or objects) are left out; a `Date` becomes its ISO text. Names and values are
 * encoded with `encodeURIComponent`, brackets stay literal. What cannot be sent throws
 * `ConfigError("params")` naming the parameter, as `buildRequest` does for a plain call:
 * functions, symbols, lone surrogates, an invalid `Date`, a value that contains itself, one
 * nested deeper than 64 levels, or a property whose getter throws.
 *
 * @example
 * ```ts
 * encodePhpQuery({ DIALOG_ID: "chat5", FIELDS: { PHONE: [{ VALUE: "+7 900" }] }, ACTIVE: true });
 * // "DIALOG_ID=chat5&FIELDS[PHONE][0][VALUE]=%2B7%20900&ACTIVE=1"
 * ```
 */
export function encodePhpQuery(params: Record<string, unknown>): string {
  const pairs: string[] = [];
  // The objects on the path to the value being encoded: meeting one again is a cycle.
  const path = new Set<object>();
  const add = (key: string, value: unknown): void => {
    if (value === null || value === undefined) return;
    if (typeof value === "object" && !(value instanceof Date)) {
      if (path.has(value)) throw cannotSend(key, "contains itself");
      if (path.size >= MAX_DEPTH) throw cannotSend(key, `nests deeper than ${MAX_DEPTH} levels`);
      path.add(value);
      for (const [name, inner] of entriesOf(key, value)) add(`${key}[${encode(name)}]`, inner);
      path.delete(value);
      return;
    }
    if (typeof value === "function" || typeof value === "symbol") {
      throw cannotSend(key, `is a ${typeof value}`);
    }
    if (value instanceof Date && Number.isNaN(value.getTime())) {
      throw cannotSend(key, "is an invalid Date");
    }
    const text =
      value instanceof Date
        ? value.toISOString()
        : typeof value === "boolean"
          ? Number(value)
          : value;
    pairs.push(`${key}=${encode(text)}`);
  };
  path.add(params);
  for (const [name, value] of entriesOf("params", params)) add(encode(name), value);
  return pairs.join("&");
}

function cannotSend(key: string, why: string, cause?: unknown): ConfigError {
  return new ConfigError("params", `${key} ${why}, which cannot be sent`, { cause });
}

// Reading the properties runs the caller's getters, which may throw anything.
function entriesOf(key: string, value: object): Array<[string, unknown]> {
  try {
    return Object.entries(value);
  } catch (cause) {
    throw cannotSend(key, "has a property that throws when read", cause);
  }
}

function encode(value: unknown): string {
  try {
    return encodeURIComponent(String(value));
  } catch {
    throw new ConfigError(
      "params",
      "A parameter contains a lone surrogate, which cannot be URL-encoded",
    );
  }
}

import { ConfigError } from "./errors.js";

/**
 * Encodes parameters as a PHP-style query string, the form of `batch` command strings:
 * nested objects and arrays become bracketed keys (`FIELDS[PHONE][0][VALUE]=…`). Like PHP's
 * `http_build_query`, `true`/`false` become `1`/`0` and `null`/`undefined` (and empty
 * arrays or objects) are left out; a `Date` becomes its ISO text. Names and values are
 * encoded with `encodeURIComponent`, brackets stay literal. Functions, symbols and lone
 * surrogates throw `ConfigError("params")`.
 *
 * @example
 * ```ts
 * encodePhpQuery({ DIALOG_ID: "chat5", FIELDS: { PHONE: [{ VALUE: "+7 900" }] }, ACTIVE: true });
 * // "DIALOG_ID=chat5&FIELDS[PHONE][0][VALUE]=%2B7%20900&ACTIVE=1"
 * ```
 */
export function encodePhpQuery(params: Record<string, unknown>): string {
  const pairs: string[] = [];
  const add = (key: string, value: unknown): void => {
    if (value === null || value === undefined) return;
    if (typeof value === "object" && !(value instanceof Date)) {
      for (const [name, inner] of Object.entries(value)) add(`${key}[${encode(name)}]`, inner);
      return;
    }
    if (typeof value === "function" || typeof value === "symbol") {
      throw new ConfigError("params", `${key} is a ${typeof value}, which cannot be sent`);
    }
    const text =
      value instanceof Date
        ? value.toISOString()
        : typeof value === "boolean"
          ? Number(value)
          : value;
    pairs.push(`${key}=${encode(text)}`);
  };
  for (const [name, value] of Object.entries(params)) add(encode(name), value);
  return pairs.join("&");
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

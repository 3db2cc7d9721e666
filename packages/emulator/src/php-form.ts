// PHP's urlencode: RFC 1738 — letters, digits and "-_." stay, a space is "+", everything
// else (brackets too) is percent-encoded from its UTF-8 bytes.
function urlencode(text: string): string {
  return encodeURIComponent(text)
    .replace(/[!'()*~]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
    .replace(/%20/g, "+");
}

function scalar(value: unknown): string {
  if (value === true) return "1";
  if (value === false) return "0";
  if (value === null || value === undefined) return "";
  return String(value);
}

/**
 * Encodes a value the way PHP's `http_build_query` does, as Bitrix24 encodes the events it
 * POSTs: nested keys `data[bot][id]`, list items by index, every scalar as text — numbers
 * written out, `true` → `"1"`, `false` → `"0"`, `null` → `""` (as the platform's docs
 * state). Empty arrays and objects add no key at all, as in PHP.
 *
 * @example
 * ```ts
 * buildPhpQuery({ event: "X", data: { bot: { id: 100 }, ok: true, none: null, list: [1] } });
 * // "event=X&data%5Bbot%5D%5Bid%5D=100&data%5Bok%5D=1&data%5Bnone%5D=&data%5Blist%5D%5B0%5D=1"
 * ```
 */
export function buildPhpQuery(value: Record<string, unknown>): string {
  const pairs: string[] = [];
  // Iterative, so a deeply nested value cannot exhaust the stack.
  const stack: [string, unknown][] = Object.entries(value).reverse();
  while (stack.length > 0) {
    const [key, item] = stack.pop() as [string, unknown];
    if (typeof item === "object" && item !== null) {
      const entries = Object.entries(item);
      for (let i = entries.length - 1; i >= 0; i--) {
        const [inner, innerValue] = entries[i] as [string, unknown];
        stack.push([`${key}[${inner}]`, innerValue]);
      }
    } else if (typeof item !== "function" && typeof item !== "symbol") {
      pairs.push(`${urlencode(key)}=${urlencode(scalar(item))}`);
    }
  }
  return pairs.join("&");
}

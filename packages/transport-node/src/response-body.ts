import type { Dispatcher } from "undici";

/**
 * Response headers as undici's dispatch handler receives them: lower-case names, a repeated
 * header as an array.
 *
 * @example
 * ```ts
 * const headers: ResponseHeaders = { "content-type": "application/json", "set-cookie": ["a=1", "b=2"] };
 * ```
 */
export type ResponseHeaders = Parameters<
  NonNullable<Dispatcher.DispatchHandler["onResponseStart"]>
>[2];

/**
 * One string per lower-case header name, as `HttpResponse` holds them: undici gives a repeated
 * header (set-cookie) as an array, which is joined with ", ".
 *
 * @example
 * ```ts
 * flattenHeaders({ "Set-Cookie": ["a=1", "b=2"] }); // { "set-cookie": "a=1, b=2" }
 * ```
 */
export function flattenHeaders(headers: ResponseHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (value !== undefined)
      out[name.toLowerCase()] = Array.isArray(value) ? value.join(", ") : value;
  }
  return out;
}

/**
 * The body's bytes as text, as `TextDecoder` (and so undici's `body.text()`) reads them: a
 * character cut between two chunks is joined, and a leading byte-order mark is not text.
 * Throws when a chunk is no `Uint8Array` (a dispatcher of the caller's may hand anything).
 *
 * @example
 * ```ts
 * decodeUtf8([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from("{}")]); // "{}"
 * ```
 */
export function decodeUtf8(chunks: readonly Uint8Array[]): string {
  const [only] = chunks;
  // One Buffer (the usual answer) is read in place; a custom dispatcher may hand over plain
  // Uint8Arrays, whose toString() would not decode.
  const bytes = chunks.length === 1 && Buffer.isBuffer(only) ? only : Buffer.concat(chunks);
  const text = bytes.toString("utf8");
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/**
 * The start of a body for an error's snippet: a few hundred bytes are more than the 120
 * characters an error shows, and decoding no more keeps a huge answer from being copied.
 *
 * @example
 * ```ts
 * headOf(chunk); // '{"result":[{"ID":"1",…'
 * ```
 */
export function headOf(chunk: Uint8Array | undefined): string {
  if (!(chunk instanceof Uint8Array)) return "";
  return Buffer.from(chunk.buffer, chunk.byteOffset, Math.min(chunk.byteLength, 512)).toString();
}

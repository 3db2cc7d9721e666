import { joinBytes } from "./bytes.js";

/**
 * A body as text, or the status that refuses it: 413 too large, 400 broken off.
 *
 * @example
 * ```ts
 * const body: BodyText = await readBody(request, MAX_WEBHOOK_BODY_BYTES);
 * if ("refused" in body) return new Response(null, { status: body.refused });
 * ```
 */
export type BodyText = { text: string } | { refused: 400 | 413 };

/**
 * Reads a request's body as UTF-8 text, refusing one longer than `maxBytes` — checked on the
 * declared `Content-Length` first and on the bytes as they arrive, so an oversized body is
 * never held whole.
 *
 * @example
 * ```ts
 * const body = await readBody(request, 1_048_576);
 * if ("refused" in body) return new Response(null, { status: body.refused });
 * ```
 */
export async function readBody(request: Request, maxBytes: number): Promise<BodyText> {
  const declared = Number(request.headers.get("content-length") ?? "0");
  if (declared > maxBytes) return { refused: 413 };
  if (request.body === null) return { text: "" };
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let length = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      length += value.byteLength;
      if (length > maxBytes) {
        await reader.cancel().catch(() => {});
        return { refused: 413 };
      }
      chunks.push(value);
    }
  } catch {
    return { refused: 400 };
  }
  return { text: new TextDecoder().decode(joinBytes(chunks, length)) };
}

import type { IncomingMessage } from "node:http";

/**
 * The default cap of a request body: far above any REST call, far below harm.
 *
 * @example
 * ```ts
 * await readBody(req, options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES);
 * ```
 */
export const DEFAULT_MAX_BODY_BYTES = 8 * 1024 * 1024;

/**
 * A body past the limit: the request must be answered 413 and its connection closed.
 *
 * @example
 * ```ts
 * if (error instanceof BodyTooLargeError) answer413(res);
 * ```
 */
export class BodyTooLargeError extends Error {
  constructor(readonly limitBytes: number) {
    super(`request body exceeds ${limitBytes} bytes`);
    this.name = "BodyTooLargeError";
  }
}

/**
 * Reads a request body as UTF-8, refusing one past `limitBytes` as a portal's web server
 * does: a `Content-Length` over the limit is refused before a byte is read, and a streamed
 * body stops being read (and buffered) the moment it passes the limit.
 *
 * @example
 * ```ts
 * const text = await readBody(req, 8 * 1024 * 1024); // or rejects with BodyTooLargeError
 * ```
 */
export function readBody(req: IncomingMessage, limitBytes: number): Promise<string> {
  const declared = Number(req.headers["content-length"]);
  if (Number.isFinite(declared) && declared > limitBytes) {
    return Promise.reject(new BodyTooLargeError(limitBytes));
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > limitBytes) {
        cleanup();
        chunks.length = 0;
        req.pause();
        reject(new BodyTooLargeError(limitBytes));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = (): void => {
      cleanup();
      if (chunks.length === 0) resolve("");
      else resolve(chunks.length === 1 ? String(chunks[0]) : Buffer.concat(chunks).toString());
    };
    const onError = (error: Error): void => {
      cleanup();
      reject(error);
    };
    // A client gone mid-body: settle, whichever of "error" and "close" comes.
    const onClose = (): void => {
      if (!req.complete) onError(new Error("aborted"));
    };
    const cleanup = (): void => {
      req.off("data", onData);
      req.off("end", onEnd);
      req.off("error", onError);
      req.off("close", onClose);
    };
    req.on("data", onData);
    req.on("end", onEnd);
    req.on("error", onError);
    req.on("close", onClose);
  });
}

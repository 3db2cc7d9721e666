import {
  B24Error,
  checkNumber,
  createDeadline,
  type HttpRequest,
  type HttpResponse,
  isFunction,
  isObject,
  need,
  PortalMovedError,
  responseTooLarge,
  secretsOf,
  type Transport,
  TransportError,
  type TransportSendOptions,
} from "@b24im/core";

// Named in the "answer too large" error, whose fix is this factory's option.
const FACTORY = "createFetchTransport";

/**
 * Options of {@link createFetchTransport}.
 *
 * @example
 * ```ts
 * import { createFetchTransport, type FetchTransportOptions } from "@b24im/transport-fetch";
 *
 * const options: FetchTransportOptions = { fetch: tracedFetch, maxResponseBytes: 8 * 1024 * 1024 };
 * const transport = createFetchTransport(options);
 * ```
 */
export interface FetchTransportOptions {
  /**
   * The fetch to use; default: the global `fetch` at the time of each call. Pass one to add
   * instrumentation, a polyfill, or a test double.
   */
  fetch?: typeof fetch | undefined;
  /**
   * The largest answer read, in bytes (after any decompression); default 64 MiB. A bigger
   * answer — announced by `Content-Length` or counted as it arrives — is not read past the
   * limit: its body is cancelled and the call rejects with a `ProtocolError` that is not
   * retryable and names this option.
   */
  maxResponseBytes?: number | undefined;
}

/**
 * A {@link Transport} over WHATWG `fetch`: browsers, Node, Deno, Bun and edge workers. It
 * follows no redirect (`redirect: "manual"`), sends no cookies (`credentials: "omit"`), adds
 * no header of its own, reads no more than `maxResponseBytes` of an answer, and ends each
 * request at the caller's abort or after `timeoutMs`, whichever comes first — even when a
 * fetch of the caller's ignores its signal.
 *
 * @example
 * ```ts
 * import { createClient } from "@b24im/core";
 * import { createFetchTransport } from "@b24im/transport-fetch";
 *
 * const client = createClient({ webhook: "https://x.bitrix24.ru/rest/1/CODE/", transport: createFetchTransport() });
 * await client.writing("chat5");
 * ```
 */
export function createFetchTransport(options: FetchTransportOptions = {}): Transport {
  // Checked here, not on each call: a wrong option is a ConfigError, not a retried failure.
  need(isObject(options), "options", "an object such as { fetch, maxResponseBytes }", options);
  const { fetch: fetchFn, maxResponseBytes = 64 * 1024 * 1024 } = options;
  need(fetchFn === undefined || isFunction(fetchFn), "fetch", "a fetch function", fetchFn);
  const limit = checkNumber("maxResponseBytes", maxResponseBytes, { min: 1, integer: true });
  return {
    send: (request, sendOptions) => send(fetchFn ?? globalThis.fetch, limit, request, sendOptions),
  };
}

async function send(
  // Called as a plain function: a browser's fetch throws "Illegal invocation" on another `this`.
  fetchFn: typeof fetch,
  limit: number,
  request: HttpRequest,
  { signal, timeoutMs }: TransportSendOptions,
): Promise<HttpResponse> {
  if (signal?.aborted) throw signal.reason;
  // One signal for both reasons to stop: AbortSignal.any is missing in older browsers.
  const deadline = createDeadline(signal, timeoutMs);
  // Every wait races the deadline: a fetch (or a body) of the caller's that ignores the
  // signal cannot hold a call past it. The signal is this call's own: one listener, no more.
  const ended = new Promise<never>((_, reject) => {
    deadline.signal.addEventListener("abort", () => reject(deadline.signal.reason));
  });
  let reader: ReadableStreamDefaultReader<Uint8Array> | undefined;
  try {
    const response = await Promise.race([
      fetchFn(request.url, {
        method: request.method,
        headers: request.headers,
        body: request.body,
        redirect: "manual",
        credentials: "omit",
        signal: deadline.signal,
      }),
      ended,
    ]);
    // A browser hides a redirect's status and Location from scripts: all it says is that one happened.
    if (response.type === "opaqueredirect") {
      throw new PortalMovedError(302, "", { secrets: secretsOf(request) });
    }
    reader = response.body?.getReader();
    // Announced too large: refused before a byte of it is read.
    if (Number(response.headers.get("content-length")) > limit) {
      throw responseTooLarge(request, response.status, limit, "", FACTORY);
    }
    // Counted as it arrives too: Content-Length may be missing, and for a compressed answer it
    // counts the bytes before decompression. Read from the stream every time: at loopback
    // that costs no more CPU per call than `response.text()` did (within the noise of a
    // 10 000-call run), and `text()` cannot be stopped at a limit.
    let bytes = 0;
    let body = "";
    const decoder = new TextDecoder();
    while (reader) {
      const { done, value } = await Promise.race([reader.read(), ended]);
      if (done) break;
      bytes += value.byteLength;
      if (bytes > limit) throw responseTooLarge(request, response.status, limit, body, FACTORY);
      body += decoder.decode(value, { stream: true });
    }
    body += decoder.decode();
    let headers: Record<string, string> | undefined;
    return {
      status: response.status,
      body,
      // Copying fetch's Headers costs about 3 % of a call, and most answers are never asked
      // for theirs (a redirect or a logging hook is): copied on first read, then kept.
      get headers() {
        headers ??= copyHeaders(response.headers);
        return headers;
      },
    };
  } catch (error) {
    // Releases the connection of an answer left unread (too large, timed out, aborted).
    reader?.cancel().catch(() => {});
    deadline.throwIfEnded(error, request);
    if (error instanceof B24Error) throw error;
    throw new TransportError(`${request.method} ${request.url} failed: ${describe(error)}`, {
      cause: error,
      secrets: secretsOf(request),
    });
  } finally {
    deadline.clear();
  }
}

/**
 * A `ProtocolError` for an answer over `maxResponseBytes`, never retryable whatever its status:
 * the same request would bring the same answer, and reading it again would cost as much.
 */
function copyHeaders(source: Headers): Record<string, string> {
  const out: Record<string, string> = {};
  source.forEach((value, name) => {
    out[name] = value;
  });
  return out;
}

// Node's fetch says only "fetch failed" and keeps the reason (ECONNREFUSED, a TLS error) in `cause`.
function describe(error: unknown): string {
  const reason = (error as { cause?: { message?: string } } | undefined)?.cause?.message;
  const message = error instanceof Error ? error.message : String(error);
  return reason ? `${message} (${reason})` : message;
}

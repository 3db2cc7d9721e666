import {
  ConfigError,
  createDeadline,
  type HttpRequest,
  type HttpResponse,
  PortalMovedError,
  secretsOf,
  type Transport,
  TransportError,
  type TransportSendOptions,
} from "@b24im/core";

/** Options of {@link createFetchTransport}. */
export interface FetchTransportOptions {
  /**
   * The fetch to use; default: the global `fetch` at the time of each call. Pass one to add
   * instrumentation, a polyfill, or a test double.
   */
  fetch?: typeof fetch;
}

/**
 * A {@link Transport} over WHATWG `fetch`: browsers, Node, Deno, Bun and edge workers. It
 * follows no redirect (`redirect: "manual"`), sends no cookies (`credentials: "omit"`), adds
 * no header of its own, and ends each request at the caller's abort or after `timeoutMs`,
 * whichever comes first.
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
  const shape = typeof options === "object" && options !== null;
  if (!shape || (options.fetch !== undefined && typeof options.fetch !== "function")) {
    throw new ConfigError(
      shape ? "fetch" : "options",
      "createFetchTransport takes { fetch?: a fetch function }",
    );
  }
  return {
    send: (request, sendOptions) => send(options.fetch ?? globalThis.fetch, request, sendOptions),
  };
}

async function send(
  // Called as a plain function: a browser's fetch throws "Illegal invocation" on another `this`.
  fetchFn: typeof fetch,
  request: HttpRequest,
  { signal, timeoutMs }: TransportSendOptions,
): Promise<HttpResponse> {
  if (signal?.aborted) throw signal.reason;
  // One signal for both reasons to stop: AbortSignal.any is missing in older browsers.
  const deadline = createDeadline(signal, timeoutMs);
  try {
    const response = await fetchFn(request.url, {
      method: request.method,
      headers: request.headers,
      body: request.body,
      redirect: "manual",
      credentials: "omit",
      signal: deadline.signal,
    });
    // A browser hides a redirect's status and Location from scripts: all it says is that one happened.
    if (response.type === "opaqueredirect") {
      throw new PortalMovedError(302, "", { secrets: secretsOf(request) });
    }
    const body = await response.text();
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
    deadline.throwIfEnded(error, request);
    if (error instanceof PortalMovedError) throw error;
    throw new TransportError(`${request.method} ${request.url} failed: ${describe(error)}`, {
      cause: error,
      secrets: secretsOf(request),
    });
  } finally {
    deadline.clear();
  }
}

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

import {
  type HttpRequest,
  type HttpResponse,
  secretsOf,
  TimeoutError,
  type TransportSendOptions,
} from "@b24im/core";
import type { Dispatcher } from "undici";
import type { NodeTransportOptions } from "./options.js";
import { transportErrorFrom } from "./undici-errors.js";

type Controller = Parameters<NonNullable<Dispatcher.DispatchHandler["onRequestStart"]>>[0];
type ResponseHeaders = Parameters<NonNullable<Dispatcher.DispatchHandler["onResponseStart"]>>[2];

/**
 * Sends one request on undici's low-level `dispatch` API and collects the whole answer.
 *
 * Why not `dispatcher.request()`: that wraps every answer in a stream and takes its deadline
 * as an `AbortSignal`, so each call would pay for a stream, an `AbortController` and the
 * listeners undici adds to it — a fifth to a quarter of a client's CPU per call at loopback. Here one handler
 * object and one timer do the same. The deadline covers the whole exchange (waiting for a
 * pooled socket included), and a call that ends early (time-out or the caller's abort)
 * settles at once, even while its request still waits in the pool.
 *
 * @example
 * ```ts
 * const response = await exchange(new Agent(), request, { timeoutMs: 30_000 }, {}, "b24im/1.0.0");
 * ```
 */
export function exchange(
  dispatcher: Dispatcher,
  request: HttpRequest,
  { signal, timeoutMs }: TransportSendOptions,
  options: NodeTransportOptions,
  userAgent: string,
): Promise<HttpResponse> {
  if (signal?.aborted) return Promise.reject(signal.reason);
  return new Promise((resolve, reject) => {
    const handler = new CollectingHandler(request, options, signal, timeoutMs, resolve, reject);
    try {
      const url = new URL(request.url);
      dispatcher.dispatch(
        {
          origin: url.origin,
          path: url.pathname + url.search,
          method: request.method,
          headers: { "user-agent": userAgent, ...request.headers },
          body: request.body ?? null,
        },
        handler,
      );
    } catch (error) {
      handler.onResponseError(undefined, error as Error);
    }
  });
}

class CollectingHandler implements Dispatcher.DispatchHandler {
  #controller: Controller | undefined;
  #ended: unknown;
  #settled = false;
  #status = 0;
  #headers: ResponseHeaders = {};
  #chunks: Uint8Array[] = [];
  readonly #timer: ReturnType<typeof setTimeout>;
  readonly #onAbort: (() => void) | undefined;

  constructor(
    readonly request: HttpRequest,
    readonly options: NodeTransportOptions,
    readonly signal: AbortSignal | undefined,
    timeoutMs: number,
    readonly resolve: (response: HttpResponse) => void,
    readonly reject: (error: unknown) => void,
  ) {
    this.#timer = setTimeout(() => {
      this.#end(new TimeoutError(timeoutMs, { secrets: secretsOf(request) }));
    }, timeoutMs);
    if (signal) {
      this.#onAbort = () => this.#end(signal.reason);
      signal.addEventListener("abort", this.#onAbort, { once: true });
    }
  }

  onRequestStart(controller: Controller): void {
    // A call that ended while its request waited for a socket is cut off here.
    if (this.#settled) controller.abort(this.#ended as Error);
    else this.#controller = controller;
  }

  onResponseStart(_controller: Controller, status: number, headers: ResponseHeaders): void {
    // Called again after a 1xx answer: the last one is the answer.
    this.#status = status;
    this.#headers = headers;
  }

  onResponseData(_controller: Controller, chunk: Buffer): void {
    this.#chunks.push(chunk);
  }

  onResponseEnd(): void {
    if (!this.#finish()) return;
    this.resolve({
      status: this.#status,
      headers: flatten(this.#headers),
      body: decodeUtf8(this.#chunks),
    });
  }

  onResponseError(_controller: Controller | undefined, error: Error): void {
    if (this.#finish()) this.reject(transportErrorFrom(error, this.request, this.options));
  }

  /** Ends the call early with `reason` (time-out or abort) and cancels its request. */
  #end(reason: unknown): void {
    if (!this.#finish()) return;
    this.#ended = reason;
    this.reject(reason);
    this.#controller?.abort(reason as Error);
  }

  /** Settles once: true for the first caller, false for anyone after it. */
  #finish(): boolean {
    if (this.#settled) return false;
    this.#settled = true;
    clearTimeout(this.#timer);
    if (this.#onAbort) this.signal?.removeEventListener("abort", this.#onAbort);
    return true;
  }
}

// undici gives repeated headers (set-cookie) as arrays; HttpResponse holds one string per name.
function flatten(headers: ResponseHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (value !== undefined)
      out[name.toLowerCase()] = Array.isArray(value) ? value.join(", ") : value;
  }
  return out;
}

// As `TextDecoder` (and so undici's `body.text()`): a leading byte-order mark is not text.
function decodeUtf8(chunks: Uint8Array[]): string {
  const [only] = chunks;
  // One Buffer (the usual answer) is read in place; a custom dispatcher may hand over plain
  // Uint8Arrays, whose toString() would not decode.
  const bytes = chunks.length === 1 && Buffer.isBuffer(only) ? only : Buffer.concat(chunks);
  const text = bytes.toString("utf8");
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

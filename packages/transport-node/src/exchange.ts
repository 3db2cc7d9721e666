import type { HttpRequest, HttpResponse, TransportSendOptions } from "@b24im/core";
import type { Dispatcher } from "undici";
import { CollectingHandler } from "./collecting-handler.js";
import type { InFlight } from "./in-flight.js";
import { DEFAULT_MAX_RESPONSE_BYTES, type NodeTransportOptions } from "./options.js";

/**
 * What every exchange of one transport shares.
 *
 * @example
 * ```ts
 * const context: ExchangeContext = { dispatcher: new Agent(), options: {}, userAgent: "b24im/1.0.0", inFlight: createInFlight() };
 * ```
 */
export interface ExchangeContext {
  readonly dispatcher: Dispatcher;
  readonly options: NodeTransportOptions;
  /** The `User-Agent` header sent with each request. */
  readonly userAgent: string;
  /** Told when a call starts and when it settles; `close()` waits on it. */
  readonly inFlight?: InFlight;
}

/**
 * Sends one request on undici's low-level `dispatch` API and collects the whole answer, up to
 * `options.maxResponseBytes`.
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
 * const context = { dispatcher: new Agent(), options: {}, userAgent: "b24im/1.0.0" };
 * const response = await exchange(context, request, { timeoutMs: 30_000 });
 * ```
 */
export function exchange(
  { dispatcher, options, userAgent, inFlight }: ExchangeContext,
  request: HttpRequest,
  { signal, timeoutMs }: TransportSendOptions,
): Promise<HttpResponse> {
  if (signal?.aborted) return Promise.reject(signal.reason);
  const maxResponseBytes = options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
  return new Promise((resolve, reject) => {
    const settled = inFlight?.done;
    const call = {
      request,
      options,
      maxResponseBytes,
      signal,
      timeoutMs,
      resolve,
      reject,
      settled,
    };
    const handler = new CollectingHandler(call);
    // Counted once the handler exists: from here on it settles the call, and says so once.
    inFlight?.add();
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
      handler.dispatchFailed(error);
    }
  });
}

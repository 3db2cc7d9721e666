import {
  type HttpRequest,
  type HttpResponse,
  onAbort,
  ProtocolError,
  responseTooLarge,
  secretsOf,
  TimeoutError,
  TransportError,
} from "@b24im/core";
import type { Dispatcher } from "undici";
import type { NodeTransportOptions } from "./options.js";
import { decodeUtf8, flattenHeaders, headOf, type ResponseHeaders } from "./response-body.js";
import { transportErrorFrom } from "./undici-errors.js";

type Controller = Parameters<NonNullable<Dispatcher.DispatchHandler["onRequestStart"]>>[0];

/**
 * One call as its handler sees it: the request, what of the transport's options it needs, and
 * how to settle it.
 *
 * @example
 * ```ts
 * const call: CollectedCall = { request, options: {}, maxResponseBytes: 1024, signal, timeoutMs: 5000, resolve, reject };
 * ```
 */
export interface CollectedCall {
  readonly request: HttpRequest;
  readonly options: NodeTransportOptions;
  /** The largest body read, in bytes. */
  readonly maxResponseBytes: number;
  readonly signal: AbortSignal | undefined;
  readonly timeoutMs: number;
  readonly resolve: (response: HttpResponse) => void;
  readonly reject: (error: unknown) => void;
  /** Called once, right after the call was resolved or rejected. */
  readonly settled?: () => void;
}

/**
 * The dispatch handler of one call: it collects the answer up to `maxResponseBytes` and
 * settles the call exactly once, whichever way the exchange ends — the answer, undici's error,
 * the deadline, the caller's abort, an answer too large, or a callback of its own that throws
 * (a body that cannot become text, a dispatcher of the caller's handing over something odd).
 * Every one of those goes through `#settle`, which also clears the timer and the abort
 * listener, so nothing of the call outlives it.
 *
 * @example
 * ```ts
 * const handler = new CollectingHandler({ request, options, maxResponseBytes, signal, timeoutMs, resolve, reject });
 * dispatcher.dispatch(dispatchOptions, handler);
 * ```
 */
export class CollectingHandler implements Dispatcher.DispatchHandler {
  #controller: Controller | undefined;
  #ended: unknown;
  #settled = false;
  #status = 0;
  #headers: ResponseHeaders = {};
  #chunks: Uint8Array[] = [];
  #bytes = 0;
  readonly #timer: ReturnType<typeof setTimeout>;
  readonly #stopListening: (() => void) | undefined;

  constructor(readonly call: CollectedCall) {
    const { request, signal, timeoutMs } = call;
    // One listener of ours on the caller's signal however many calls share it (core's
    // onAbort): Node warns past ten. Registered before the timer: should a signal that is no
    // AbortSignal make it throw, no timer is left running.
    if (signal) this.#stopListening = onAbort(signal, () => this.#end(signal.reason));
    this.#timer = setTimeout(() => {
      this.#end(new TimeoutError(timeoutMs, { secrets: secretsOf(request) }));
    }, timeoutMs);
  }

  onRequestStart(controller: Controller): void {
    // A call that ended while its request waited for a socket is cut off here.
    if (this.#settled) abortQuietly(controller, this.#ended);
    else this.#controller = controller;
  }

  onResponseStart(controller: Controller, status: number, headers: ResponseHeaders): void {
    if (this.#settled) return;
    // Called again after a 1xx answer: the last one is the answer.
    this.#status = status;
    this.#headers = headers;
    try {
      // A body announced too large is refused before a byte of it is read.
      const declared = Number(headers?.["content-length"]);
      if (declared > this.call.maxResponseBytes) this.#tooLarge(controller, undefined);
    } catch (error) {
      this.#fail(controller, this.#unreadable(error));
    }
  }

  onResponseData(controller: Controller, chunk: Buffer): void {
    // After an early end a dispatcher that does not honour abort may go on: nothing is kept.
    if (this.#settled) return;
    if (!(chunk instanceof Uint8Array)) {
      this.#fail(controller, this.#unreadable(new TypeError("a body chunk is no Uint8Array")));
      return;
    }
    this.#bytes += chunk.byteLength;
    // Checked before the chunk is kept: the body held never exceeds the limit.
    if (this.#bytes > this.call.maxResponseBytes) this.#tooLarge(controller, chunk);
    else this.#chunks.push(chunk);
  }

  onResponseEnd(controller: Controller): void {
    if (this.#settled) return;
    let response: HttpResponse;
    try {
      // Decoded before the call settles: were it to throw after, nothing would settle it.
      response = {
        status: this.#status,
        headers: flattenHeaders(this.#headers),
        body: decodeUtf8(this.#chunks),
      };
    } catch (error) {
      this.#fail(controller, this.#unreadable(error));
      return;
    }
    this.#settle(true, response);
  }

  onResponseError(_controller: Controller | undefined, error: unknown): void {
    if (this.#settled) return;
    this.#settle(false, this.#transportError(error));
  }

  /** Ends the call when `dispatch` itself threw, and cuts off whatever it may have started. */
  dispatchFailed(error: unknown): void {
    if (this.#settled) return;
    this.#fail(this.#controller, this.#transportError(error));
  }

  #tooLarge(controller: Controller, chunk: Uint8Array | undefined): void {
    const { request, maxResponseBytes } = this.call;
    const head = headOf(this.#chunks[0] ?? chunk);
    this.#fail(
      controller,
      responseTooLarge(request, this.#status, maxResponseBytes, head, "createNodeTransport"),
    );
  }

  // An answer came but could not be read (no text, no headers): not a network failure.
  #unreadable(error: unknown): ProtocolError {
    const { request } = this.call;
    return new ProtocolError(
      `${request.method} ${request.url}: the answer could not be read (${describe(error)})`,
      this.#status,
      "",
      { cause: error, secrets: secretsOf(request) },
    );
  }

  #transportError(error: unknown): TransportError {
    try {
      return transportErrorFrom(error, this.call.request, this.call.options);
    } catch {
      // Something thrown that cannot even be printed (a custom dispatcher may throw anything).
      const { method, url } = this.call.request;
      const secrets = secretsOf(this.call.request);
      return new TransportError(`${method} ${url} failed`, { secrets });
    }
  }

  /** Ends the call early with `reason` (time-out or abort) and cancels its request. */
  #end(reason: unknown): void {
    this.#fail(this.#controller, reason);
  }

  /**
   * Rejects with `reason` and cuts the request off, so that its socket is released; a request
   * still waiting for a socket is cut off in `onRequestStart`.
   */
  #fail(controller: Controller | undefined, reason: unknown): void {
    if (this.#settled) return;
    this.#ended = reason;
    this.#settle(false, reason);
    if (controller) abortQuietly(controller, reason);
  }

  /**
   * The one way out: marks the call settled, frees its timer, abort listener and body, then
   * resolves or rejects it and tells `settled` — after, so that whoever waits for the
   * transport to be idle comes after the caller's own handlers.
   */
  #settle(ok: boolean, outcome: unknown): void {
    this.#settled = true;
    this.#chunks = [];
    clearTimeout(this.#timer);
    this.#stopListening?.();
    if (ok) this.call.resolve(outcome as HttpResponse);
    else this.call.reject(outcome);
    this.call.settled?.();
  }
}

// The call has settled by then. A throwing abort (a dispatcher of the caller's) must not
// escape into the timer or the caller's abort event, where it would be an uncaught exception.
function abortQuietly(controller: Controller, reason: unknown): void {
  try {
    controller.abort(reason as Error);
  } catch {
    // Nothing more can be done for a request its dispatcher refuses to cut off.
  }
}

function describe(error: unknown): string {
  try {
    return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  } catch {
    return "a value that cannot be printed";
  }
}

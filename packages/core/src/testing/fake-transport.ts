import { type Clock, stopwatchOf } from "../async/clock.js";
import { onAbort } from "../async/on-abort.js";
import { TimeoutError } from "../protocol/errors.js";
import type {
  HttpRequest,
  HttpResponse,
  Transport,
  TransportSendOptions,
} from "../protocol/http.js";
import { isObject } from "../protocol/option-check.js";

/**
 * One request the fake transport received, with what the client told it.
 *
 * @example
 * ```ts
 * await client.writing("chat5");
 * const [first]: FakeExchange[] = transport.requests;
 * first?.body; // { DIALOG_ID: "chat5" }
 * first?.timeoutMs; // 30000
 * ```
 */
export interface FakeExchange {
  request: HttpRequest;
  /** The JSON body, parsed; `undefined` for a GET or a body that is no JSON. */
  body: Record<string, unknown> | undefined;
  timeoutMs: number;
  signal: AbortSignal | undefined;
  /**
   * When the request arrived: the clock's `monotonic()` reading (its `now()` for a clock
   * without one), so stepping a fake clock's wall time does not move it; 0 without a clock.
   */
  at: number;
  /** 0 for the first request. */
  index: number;
}

/**
 * What answers a request: a response, an error to reject with, or a function of the exchange
 * returning either (possibly later: a promise that never settles models a hung server).
 *
 * @example
 * ```ts
 * const hung: FakeResponder = () => new Promise<never>(() => {}); // the server never answers
 * const echo: FakeResponder = (exchange) => jsonResponse({ result: exchange.body });
 * transport.enqueue(hung, echo, new TypeError("fetch failed"));
 * ```
 */
export type FakeResponder =
  | HttpResponse
  | Error
  | ((exchange: FakeExchange) => HttpResponse | Error | Promise<HttpResponse | Error>);

/**
 * A scriptable in-memory {@link Transport} that records every request.
 *
 * @example
 * ```ts
 * const transport: FakeTransport = createFakeTransport();
 * const client = createClient({ webhook: "https://x.bitrix24.ru/rest/1/code1234/", transport });
 * await client.writing("chat5");
 * transport.requests[0]?.request.url; // "https://x.bitrix24.ru/rest/1/code1234/im.dialog.writing"
 * ```
 */
export interface FakeTransport extends Transport {
  /** Every request in arrival order. */
  readonly requests: FakeExchange[];
  /** How many times `close()` was called. */
  readonly closeCalls: number;
  /** Answers the next requests, one responder each, before the default responder. */
  enqueue(...responders: FakeResponder[]): void;
  /** Replaces the responder used once the queue is empty. */
  setDefault(responder: FakeResponder): void;
}

/**
 * Options for {@link createFakeTransport}.
 *
 * @example
 * ```ts
 * const options: FakeTransportOptions = {
 *   clock: createFakeClock(),
 *   respond: errorResponse("ACCESS_ERROR", 403),
 * };
 * const transport = createFakeTransport(options);
 * ```
 */
export interface FakeTransportOptions {
  /** Stamps requests with its time and enforces `timeoutMs` on answers that do not come. */
  clock?: Clock;
  /** The answer when no enqueued one is left; default `{"result": true}`. */
  respond?: FakeResponder;
}

/**
 * A JSON answer, `{"result": …}` by default or any envelope given as `body`.
 *
 * @example
 * ```ts
 * jsonResponse({ result: true, time: { operating: 1 } });
 * jsonResponse({ error: "ACCESS_ERROR", error_description: "no" }, 403);
 * ```
 */
export function jsonResponse(
  body: unknown,
  status = 200,
  headers: Record<string, string> = {},
): HttpResponse {
  return {
    status,
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify(body),
  };
}

/**
 * A Bitrix24 error envelope `{error, error_description}` with its HTTP status.
 *
 * @example
 * ```ts
 * transport.enqueue(errorResponse("QUERY_LIMIT_EXCEEDED", 503));
 * ```
 */
export function errorResponse(code: string, status = 400, description = ""): HttpResponse {
  return jsonResponse({ error: code, error_description: description }, status);
}

/**
 * Makes a {@link FakeTransport} for tests of a client without a network.
 *
 * @example
 * ```ts
 * import { createClient } from "@b24im/core";
 * import { createFakeClock, createFakeTransport, errorResponse } from "@b24im/core/testing";
 *
 * const clock = createFakeClock();
 * const transport = createFakeTransport({ clock });
 * transport.enqueue(errorResponse("ACCESS_ERROR", 403));
 * const client = createClient({ webhook: "https://x.bitrix24.ru/rest/1/code1234/", transport, clock });
 * await client.writing("chat5").catch((e) => e.code); // "ACCESS_ERROR"
 * transport.requests.length; // 1
 * ```
 */
export function createFakeTransport(options: FakeTransportOptions = {}): FakeTransport {
  const { clock } = options;
  const elapsed = clock && stopwatchOf(clock);
  const requests: FakeExchange[] = [];
  const queue: FakeResponder[] = [];
  let fallback: FakeResponder = options.respond ?? jsonResponse({ result: true });
  let closeCalls = 0;

  const answer = async (
    exchange: FakeExchange,
    responder: FakeResponder,
  ): Promise<HttpResponse> => {
    const outcome = typeof responder === "function" ? await responder(exchange) : responder;
    if (outcome instanceof Error) throw outcome;
    return outcome;
  };

  return {
    requests,
    get closeCalls() {
      return closeCalls;
    },
    enqueue: (...responders) => {
      queue.push(...responders);
    },
    setDefault: (responder) => {
      fallback = responder;
    },
    send(request: HttpRequest, sendOptions: TransportSendOptions): Promise<HttpResponse> {
      const { signal, timeoutMs } = sendOptions;
      const exchange: FakeExchange = {
        request,
        body: parseJson(request.body),
        timeoutMs,
        signal,
        at: elapsed?.() ?? 0,
        index: requests.length,
      };
      requests.push(exchange);
      const responder = queue.length > 0 ? (queue.shift() as FakeResponder) : fallback;
      return new Promise<HttpResponse>((resolve, reject) => {
        if (signal?.aborted) return reject(signal.reason);
        const timer = clock?.setTimeout(
          () => finish(() => reject(new TimeoutError(timeoutMs))),
          timeoutMs,
        );
        const finish = (settle: () => void) => {
          if (clock) clock.clearTimeout(timer);
          stop?.();
          settle();
        };
        const stop = signal && onAbort(signal, () => finish(() => reject(signal.reason)));
        answer(exchange, responder).then(
          (response) => finish(() => resolve(response)),
          (error: unknown) => finish(() => reject(error)),
        );
      });
    },
    async close() {
      closeCalls++;
    },
  };
}

function parseJson(body: string | undefined): Record<string, unknown> | undefined {
  if (body === undefined) return undefined;
  try {
    const parsed: unknown = JSON.parse(body);
    return isObject(parsed) ? parsed : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The wire-level shapes that cross between `@b24im/core` and a transport. Core builds an
 * {@link HttpRequest}, a transport sends it and hands back an {@link HttpResponse}; core
 * never touches a socket itself.
 *
 * @example
 * ```ts
 * import type { Transport } from "@b24im/core";
 *
 * const echo: Transport = {
 *   async send(request) {
 *     return { status: 200, headers: { "content-type": "application/json" }, body: '{"result":true}' };
 *   },
 * };
 * ```
 * @module
 */

/**
 * An HTTP request as core built it. Method calls are POSTs; only the OAuth refresh is a GET.
 *
 * @example
 * ```ts
 * const request: HttpRequest = {
 *   method: "POST",
 *   url: "https://x.bitrix24.ru/rest/1/code1234/im.dialog.writing",
 *   headers: { "content-type": "application/json", accept: "application/json" },
 *   body: '{"DIALOG_ID":"chat5"}',
 * };
 * ```
 */
export interface HttpRequest {
  method: "GET" | "POST";
  url: string;
  headers: Record<string, string>;
  body?: string;
}

/**
 * An HTTP answer as a transport received it. Header names are lower case.
 *
 * @example
 * ```ts
 * const response: HttpResponse = {
 *   status: 200,
 *   headers: { "content-type": "application/json" },
 *   body: '{"result":true}',
 * };
 * parseResponse(imDialogWriting("chat5"), response).result; // true
 * ```
 */
export interface HttpResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/**
 * What a transport is told for each request.
 *
 * @example
 * ```ts
 * const options: TransportSendOptions = { signal: controller.signal, timeoutMs: 30_000 };
 * const response = await transport.send(request, options);
 * ```
 */
export interface TransportSendOptions {
  /** The caller's signal: on abort, reject with `signal.reason`, as fetch does. */
  signal?: AbortSignal;
  /** No answer within this many milliseconds rejects with a `TimeoutError`. */
  timeoutMs: number;
}

/**
 * The only I/O in b24im: bytes in, bytes out. A transport follows no redirect, maps network
 * failures to `TransportError` / `TimeoutError`, and returns every HTTP answer, whatever its
 * status, as an {@link HttpResponse}.
 *
 * @example
 * ```ts
 * import { createClient } from "@b24im/core";
 * import { createFetchTransport } from "@b24im/transport-fetch";
 *
 * const client = createClient({ webhook: process.env.B24_WEBHOOK_URL, transport: createFetchTransport() });
 * ```
 */
export interface Transport {
  send(request: HttpRequest, options: TransportSendOptions): Promise<HttpResponse>;
  /** Releases pooled connections. Called once by `client.close()`. */
  close?(): Promise<void>;
}

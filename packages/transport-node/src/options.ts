import type { Dispatcher } from "undici";

/**
 * Options of `createNodeTransport`. They live in a file of their own, which imports nothing of
 * the package, so that every module reading them (the transport, the exchange, the option
 * check, the error mapping) depends on this one and none on another: the import graph stays
 * acyclic.
 *
 * @example
 * ```ts
 * import { createNodeTransport, type NodeTransportOptions } from "@b24im/transport-node";
 *
 * const options: NodeTransportOptions = { connections: 4, proxy: "env", headersTimeoutMs: 60_000 };
 * const transport = createNodeTransport(options);
 * ```
 */
export interface NodeTransportOptions {
  /** Most sockets open to one portal at a time. Default 10. */
  connections?: number | undefined;
  /** How long an idle socket stays open for reuse, in ms. Default 4 000 (undici's default). */
  keepAliveTimeoutMs?: number | undefined;
  /** Extra trusted CA certificate(s) in PEM, for portals behind a corporate or self-signed certificate. */
  ca?: string | Buffer | Array<string | Buffer> | undefined;
  /** `false` accepts any certificate. Default `true`; prefer `ca` over turning this off. */
  rejectUnauthorized?: boolean | undefined;
  /**
   * A forward proxy: its URL (`http://user:pass@proxy:3128`), or `"env"` for `HTTP_PROXY`,
   * `HTTPS_PROXY` and `NO_PROXY` (also lower case), read when the transport is created.
   */
  proxy?: string | undefined;
  /**
   * Your own undici dispatcher (Agent, Pool, MockAgent, …). The options above that configure
   * connections are then ignored, and `close()` leaves it open: you own it.
   */
  dispatcher?: Dispatcher | undefined;
  /** Time to open a TCP (and TLS) connection, in ms. Default 10 000. */
  connectTimeoutMs?: number | undefined;
  /** Time from sending the request to the response headers, in ms. Default 300 000. */
  headersTimeoutMs?: number | undefined;
  /** Longest pause between two chunks of the response body, in ms. Default 300 000. */
  bodyTimeoutMs?: number | undefined;
  /**
   * The largest answer read, in bytes. Default 64 MiB; at most 536 870 888 (the longest string
   * Node can hold). A bigger answer — announced by `Content-Length` or counted as it arrives —
   * is not read past the limit: the request is cut off (its socket closed) and the call rejects
   * with a `ProtocolError` that is not retryable and names this option.
   */
  maxResponseBytes?: number | undefined;
}

/**
 * {@link NodeTransportOptions.maxResponseBytes} when not given: 64 MiB — the answers of the
 * chat methods many times over, and far below the longest string Node can hold.
 *
 * @example
 * ```ts
 * const limit = options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
 * ```
 */
export const DEFAULT_MAX_RESPONSE_BYTES = 64 * 1024 * 1024;

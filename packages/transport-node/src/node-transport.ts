import type { Transport } from "@b24im/core";
import { Agent, type Dispatcher, EnvHttpProxyAgent, ProxyAgent } from "undici";
import { version } from "../package.json";
import { exchange } from "./exchange.js";
import { checkNodeTransportOptions } from "./transport-options.js";

/** Options of {@link createNodeTransport}. */
export interface NodeTransportOptions {
  /** Most sockets open to one portal at a time. Default 10. */
  connections?: number;
  /** How long an idle socket stays open for reuse, in ms. Default 4 000 (undici's default). */
  keepAliveTimeoutMs?: number;
  /** Extra trusted CA certificate(s) in PEM, for portals behind a corporate or self-signed certificate. */
  ca?: string | Buffer | Array<string | Buffer>;
  /** `false` accepts any certificate. Default `true`; prefer `ca` over turning this off. */
  rejectUnauthorized?: boolean;
  /**
   * A forward proxy: its URL (`http://user:pass@proxy:3128`), or `"env"` for `HTTP_PROXY`,
   * `HTTPS_PROXY` and `NO_PROXY` (also lower case), read when the transport is created.
   */
  proxy?: string;
  /**
   * Your own undici dispatcher (Agent, Pool, MockAgent, …). The options above that configure
   * connections are then ignored, and `close()` leaves it open: you own it.
   */
  dispatcher?: Dispatcher;
  /** Time to open a TCP (and TLS) connection, in ms. Default 10 000. */
  connectTimeoutMs?: number;
  /** Time from sending the request to the response headers, in ms. Default 300 000. */
  headersTimeoutMs?: number;
  /** Longest pause between two chunks of the response body, in ms. Default 300 000. */
  bodyTimeoutMs?: number;
}

const DEFAULT_CONNECTIONS = 10;
const USER_AGENT = `b24im/${version}`;

/**
 * A {@link Transport} over undici for Node: a keep-alive pool of its own, optional proxy and
 * custom CA, no automatic redirects, and a `User-Agent: b24im/<version>` header. `close()`
 * ends its pool.
 *
 * @example
 * ```ts
 * import { createClient } from "@b24im/core";
 * import { createNodeTransport } from "@b24im/transport-node";
 *
 * const transport = createNodeTransport({ connections: 4, proxy: "env" });
 * const client = createClient({ webhook: process.env.B24_WEBHOOK_URL, transport });
 * await client.writing("chat5");
 * await client.close(); // also closes the transport's pool
 * ```
 */
export function createNodeTransport(given?: NodeTransportOptions): Transport {
  const options = checkNodeTransportOptions(given);
  const dispatcher = options.dispatcher ?? createDispatcher(options);
  let closing: Promise<void> | undefined;
  return {
    send: (request, sendOptions) => exchange(dispatcher, request, sendOptions, options, USER_AGENT),
    close() {
      if (options.dispatcher) return Promise.resolve();
      closing ??= dispatcher.close();
      return closing;
    },
  };
}

function createDispatcher(options: NodeTransportOptions): Dispatcher {
  // undici reads an undefined option as its default.
  const tls = {
    ca: options.ca,
    rejectUnauthorized: options.rejectUnauthorized,
    timeout: options.connectTimeoutMs,
  };
  const pool = {
    connections: options.connections ?? DEFAULT_CONNECTIONS,
    keepAliveTimeout: options.keepAliveTimeoutMs,
    headersTimeout: options.headersTimeoutMs,
    bodyTimeout: options.bodyTimeoutMs,
    // A proxy connection is configured by proxyTls, the portal's through it by requestTls.
    connect: tls,
    requestTls: tls,
    proxyTls: tls,
  };
  if (options.proxy === "env") return new EnvHttpProxyAgent(pool);
  if (options.proxy) return new ProxyAgent({ ...pool, uri: options.proxy });
  return new Agent(pool);
}

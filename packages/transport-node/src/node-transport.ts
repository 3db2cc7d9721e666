import type { Transport } from "@b24im/core";
import { Agent, type Dispatcher, EnvHttpProxyAgent, ProxyAgent } from "undici";
import { version } from "../package.json";
import { exchange } from "./exchange.js";
import { createInFlight } from "./in-flight.js";
import type { NodeTransportOptions } from "./options.js";
import { checkNodeTransportOptions } from "./transport-options.js";

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
  const inFlight = createInFlight();
  const context = { dispatcher, options, userAgent: USER_AGENT, inFlight };
  let closing = false;
  return {
    send: (request, sendOptions) => exchange(context, request, sendOptions),
    close() {
      if (!options.dispatcher && !closing) {
        closing = true;
        // undici refuses new requests at once, lets those in flight finish, then destroys the
        // sockets. That last step waits for the sockets' "close" events — a turn of the event
        // loop — so it is not awaited: see createInFlight for why close() must not take one.
        // Closing an Agent does not fail; there is nobody to tell if it did.
        dispatcher.close().catch(() => {});
      }
      return inFlight.idle();
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

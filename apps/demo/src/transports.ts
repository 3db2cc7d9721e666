import type { Transport } from "@b24im/core";
import { createFetchTransport } from "@b24im/transport-fetch";
import { createNodeTransport } from "@b24im/transport-node";
import type { TransportName } from "./args.js";

/**
 * The transport a real-portal mode sends through: `node` is `@b24im/transport-node` (undici),
 * `fetch` is `@b24im/transport-fetch` (WHATWG fetch).
 *
 * @example
 * ```ts
 * const client = createClient({ webhook, transport: makeTransport("fetch") });
 * ```
 */
export function makeTransport(name: TransportName): Transport {
  return name === "fetch" ? createFetchTransport() : createNodeTransport();
}

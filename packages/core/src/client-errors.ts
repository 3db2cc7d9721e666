import { B24Error } from "./errors.js";

/**
 * The client was closed: the call was not sent (it was still waiting for the rate limiter,
 * the operating-time hold or a backoff), or it was made after `close()`.
 *
 * @example
 * ```ts
 * const pending = client.writing("chat5");
 * await client.close();
 * await pending.catch((e) => e instanceof ClientClosedError); // true if it had not been sent
 * ```
 */
export class ClientClosedError extends B24Error {
  override get name(): string {
    return "ClientClosedError";
  }

  constructor() {
    super("The client is closed; the call was not sent", "CLIENT_CLOSED", false);
  }
}

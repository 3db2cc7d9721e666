import { ProtocolError } from "./errors.js";
import type { HttpRequest } from "./http.js";
import { secretsOf } from "./redact.js";

// Enough of the answer to tell what it was; the error keeps 120 characters of it, redacted.
const HEAD_CHARS = 512;

/**
 * A transport's error for an answer bigger than its `maxResponseBytes`. A `ProtocolError` —
 * an answer came, but not one the SDK can use — carrying the answer's status and the start of
 * its body, and never retryable, whatever the status: the same request would bring the same
 * answer, and reading it again would cost as much. The message names the option and the
 * transport factory that sets it; the request's secrets are redacted.
 *
 * @example
 * ```ts
 * throw responseTooLarge(request, 200, 64 * 1024 * 1024, firstBytes, "createFetchTransport");
 * ```
 */
export function responseTooLarge(
  request: HttpRequest,
  status: number,
  limit: number,
  head: string,
  factory: string,
): ProtocolError {
  const error = new ProtocolError(
    `${request.method} ${request.url}: the answer is larger than maxResponseBytes (${limit} bytes) ` +
      `and was cut off; if the portal's answers really are this large, raise ${factory}({ maxResponseBytes })`,
    status,
    head.slice(0, HEAD_CHARS),
    { secrets: secretsOf(request) },
  );
  // ProtocolError makes any 5xx answer retryable; this one is not (see above).
  (error as { retryable: boolean }).retryable = false;
  return error;
}

import { type HttpRequest, ProtocolError, secretsOf } from "@b24im/core";

/**
 * The error for an answer bigger than `maxResponseBytes`. A `ProtocolError` — an answer came,
 * but not one the SDK can use — carrying the answer's status and the start of its body, and
 * never retryable, whatever the status: the same request would bring the same answer, and
 * reading it again would cost as much. The message names the option and the fix; the
 * request's secrets are redacted.
 *
 * @example
 * ```ts
 * reject(responseTooLarge(request, 200, 64 * 1024 * 1024, firstBytes));
 * ```
 */
export function responseTooLarge(
  request: HttpRequest,
  status: number,
  limit: number,
  head: string,
): ProtocolError {
  const error = new ProtocolError(
    `${request.method} ${request.url}: the answer is larger than maxResponseBytes (${limit} bytes) ` +
      "and was cut off; if the portal's answers really are this large, raise " +
      "createNodeTransport({ maxResponseBytes })",
    status,
    head,
    { secrets: secretsOf(request) },
  );
  // ProtocolError makes any 5xx answer retryable; this one is not (see above).
  (error as { retryable: boolean }).retryable = false;
  return error;
}

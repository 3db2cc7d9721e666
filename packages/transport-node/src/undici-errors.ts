import { type HttpRequest, secretsOf, TimeoutError, TransportError } from "@b24im/core";
import type { NodeTransportOptions } from "./options.js";

// undici's own limits, which apply when the matching option is not given.
const UNDICI_CONNECT_TIMEOUT_MS = 10_000;
const UNDICI_HEADERS_TIMEOUT_MS = 300_000;
const UNDICI_BODY_TIMEOUT_MS = 300_000;

// OpenSSL's verdicts on a certificate chain that a `ca` option can fix.
const UNTRUSTED_CERTIFICATE_CODES: ReadonlySet<string> = new Set([
  "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
  "DEPTH_ZERO_SELF_SIGNED_CERT",
  "SELF_SIGNED_CERT_IN_CHAIN",
  "UNABLE_TO_GET_ISSUER_CERT",
  "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
  "UNABLE_TO_GET_LOCAL_ISSUER_CERT",
  "CERT_UNTRUSTED",
]);

/**
 * Turns what undici threw into the core error a caller can act on: one of undici's own
 * timeouts becomes a `TimeoutError`; anything else (refused, reset, DNS, TLS) a
 * `TransportError` whose message says what failed and, for a certificate problem, how to fix
 * it. Secrets of the request are removed from the message and the cause.
 *
 * @example
 * ```ts
 * try { await dispatcher.request(...); }
 * catch (error) { throw transportErrorFrom(error, request, options); }
 * ```
 */
export function transportErrorFrom(
  error: unknown,
  request: HttpRequest,
  options: NodeTransportOptions,
): TransportError {
  const secrets = secretsOf(request);
  const code = codeOf(error);
  const limit = undiciTimeoutOf(code, options);
  if (limit !== undefined) return new TimeoutError(limit, { cause: error, secrets });
  const message = error instanceof Error ? error.message : String(error);
  const named = code && !message.includes(code) ? ` (${code})` : "";
  const what = `${request.method} ${request.url} failed: ${message}${named}`;
  return new TransportError(`${what}${adviceFor(code, request.url)}`, { cause: error, secrets });
}

function undiciTimeoutOf(
  code: string | undefined,
  options: NodeTransportOptions,
): number | undefined {
  if (code === "UND_ERR_CONNECT_TIMEOUT")
    return options.connectTimeoutMs ?? UNDICI_CONNECT_TIMEOUT_MS;
  if (code === "UND_ERR_HEADERS_TIMEOUT")
    return options.headersTimeoutMs ?? UNDICI_HEADERS_TIMEOUT_MS;
  if (code === "UND_ERR_BODY_TIMEOUT") return options.bodyTimeoutMs ?? UNDICI_BODY_TIMEOUT_MS;
  return undefined;
}

function adviceFor(code: string | undefined, url: string): string {
  if (code === undefined) return "";
  if (UNTRUSTED_CERTIFICATE_CODES.has(code)) {
    return (
      `. The TLS certificate of ${hostOf(url)} is not signed by a trusted authority (a corporate or ` +
      `self-signed certificate): pass its CA certificate in PEM as createNodeTransport({ ca }).`
    );
  }
  if (code === "CERT_HAS_EXPIRED" || code === "CERT_NOT_YET_VALID") {
    return `. The TLS certificate of ${hostOf(url)} is outside its validity period: renew it on the portal.`;
  }
  if (code === "ERR_TLS_CERT_ALTNAME_INVALID") {
    return `. The TLS certificate does not name ${hostOf(url)}: use the host name the certificate was issued for.`;
  }
  return "";
}

// undici sometimes wraps the system error (ECONNRESET, a TLS verdict) in its own.
function codeOf(error: unknown): string | undefined {
  for (let current = error, depth = 0; current && depth < 3; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === "string" && code !== "UND_ERR_SOCKET") return code;
    current = (current as { cause?: unknown }).cause;
  }
  return (error as { code?: string } | undefined)?.code;
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return "the portal";
  }
}

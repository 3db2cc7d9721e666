import { constants } from "node:buffer";
import { ConfigError } from "@b24im/core";
import type { NodeTransportOptions } from "./options.js";

const TIMEOUTS = ["connectTimeoutMs", "headersTimeoutMs", "bodyTimeoutMs"] as const;

/**
 * Checks the options of `createNodeTransport` when the transport is made, so that a wrong one
 * is a `ConfigError` naming it — not a retryable `TransportError` on every call. Values are
 * never quoted: a proxy URL may hold a password, a CA is long.
 *
 * @example
 * ```ts
 * checkNodeTransportOptions({ connections: 4, proxy: "env" }); // the same object
 * checkNodeTransportOptions({ connections: "4" }); // ConfigError: connections must be …
 * ```
 */
export function checkNodeTransportOptions(options: unknown): NodeTransportOptions {
  if (options === undefined) return {};
  need(isRecord(options), "options", "an object such as { connections: 10 }");
  const o = options as NodeTransportOptions;
  need(o.connections === undefined || isInteger(o.connections, 1), "connections", "an integer ≥ 1");
  need(
    o.keepAliveTimeoutMs === undefined || isInteger(o.keepAliveTimeoutMs, 1),
    "keepAliveTimeoutMs",
    "an integer number of milliseconds ≥ 1",
  );
  for (const key of TIMEOUTS) {
    need(
      o[key] === undefined || isInteger(o[key], 0),
      key,
      "an integer number of milliseconds ≥ 0 (0: no limit)",
    );
  }
  need(
    o.ca === undefined ||
      isPem(o.ca) ||
      (Array.isArray(o.ca) && o.ca.length > 0 && o.ca.every(isPem)),
    "ca",
    "a PEM certificate as a string or Buffer (or a list of them)",
  );
  need(
    o.rejectUnauthorized === undefined || typeof o.rejectUnauthorized === "boolean",
    "rejectUnauthorized",
    "true or false",
  );
  need(
    o.proxy === undefined || o.proxy === "env" || isProxyUrl(o.proxy),
    "proxy",
    '"env" or an http(s):// proxy URL',
  );
  need(
    o.maxResponseBytes === undefined ||
      (isInteger(o.maxResponseBytes, 1) && o.maxResponseBytes <= constants.MAX_STRING_LENGTH),
    "maxResponseBytes",
    // Past the longest string, the answer could be read but never turned into text.
    `an integer number of bytes from 1 to ${constants.MAX_STRING_LENGTH}`,
  );
  need(
    o.dispatcher === undefined ||
      (isRecord(o.dispatcher) && typeof o.dispatcher.dispatch === "function"),
    "dispatcher",
    "an undici Dispatcher (Agent, Pool, ProxyAgent, MockAgent, …)",
  );
  return o;
}

function need(ok: boolean, option: string, what: string): void {
  if (!ok) throw new ConfigError(option, `createNodeTransport: ${option} must be ${what}`);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isInteger(value: unknown, min: number): boolean {
  return Number.isSafeInteger(value) && (value as number) >= min;
}

function isPem(value: unknown): boolean {
  return (typeof value === "string" && value.trim() !== "") || value instanceof Uint8Array;
}

function isProxyUrl(value: unknown): boolean {
  if (typeof value !== "string") return false;
  try {
    return /^https?:$/.test(new URL(value).protocol);
  } catch {
    return false;
  }
}

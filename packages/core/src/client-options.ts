import type { Clock } from "./clock.js";
import { ConfigError } from "./errors.js";
import type { ClientHooks } from "./hooks.js";
import type { Transport } from "./http.js";
import {
  createLeakyBucket,
  type LeakyBucketOptions,
  RATE_LIMIT_PRESETS,
  type RateLimiter,
} from "./leaky-bucket.js";
import type { OAuthOptions } from "./oauth.js";
import type { RetryOptions } from "./retry.js";
import type { TypingOptions } from "./typing-options.js";

/** The options of `createClient`. Exactly one of `webhook` and `oauth` is required. */
export interface ClientOptions {
  /** The inbound webhook URL, `https://PORTAL/rest/USER_ID/CODE/`. */
  webhook?: string;
  /** An OAuth application's tokens; with `refreshToken`, `clientId` and `clientSecret` it refreshes itself. */
  oauth?: OAuthOptions;
  /** Sends the requests, e.g. `createFetchTransport()`. */
  transport: Transport;
  /**
   * The portal's request rate limit to stay under; default `"standard"` (2/s, bucket 50),
   * which is safe on every plan. `false` turns the limiter off; a {@link RateLimiter} replaces it.
   */
  rateLimit?: "standard" | "enterprise" | false | LeakyBucketOptions | RateLimiter;
  /** Retries of transient failures; default 3 attempts in all. `false`: one attempt. */
  retry?: false | RetryOptions;
  /** Per attempt, passed to the transport; default 30 000 ms. */
  timeoutMs?: number;
  /** Re-send the same POST once to a moved portal's new address; default `false` (throw `PortalMovedError`). */
  followPortalMoves?: boolean;
  /** Defaults for every `typing()` / `whileTyping()` lease. */
  typing?: TypingOptions;
  /** Where time comes from; default the system clock. Inject a fake one in tests. */
  clock?: Clock;
  /** Observers that see redacted requests, answers, retries and errors. */
  hooks?: ClientHooks;
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null;
const isFunction = (value: unknown) => typeof value === "function";
const positive = (value: unknown) =>
  typeof value === "number" && value > 0 && value < Number.POSITIVE_INFINITY;
const nonNegative = (value: unknown) =>
  value === undefined ||
  (typeof value === "number" && value >= 0 && value < Number.POSITIVE_INFINITY);

function need(ok: unknown, option: string, message: string): void {
  if (!ok) throw new ConfigError(option, `${option} ${message}`);
}

/**
 * Checks `createClient` options; a wrong one throws `ConfigError` naming it and the fix.
 * The webhook URL and OAuth endpoint are checked where they are parsed.
 *
 * @example
 * ```ts
 * checkClientOptions({ webhook, transport, timeoutMs: -1 }); // ConfigError: "timeoutMs must be …"
 * ```
 */
export function checkClientOptions(options: ClientOptions): void {
  need(isObject(options), "options", "must be an object: createClient({ webhook, transport })");
  const { webhook, oauth, transport, retry, hooks, clock } = options;
  need(
    (webhook === undefined) !== (oauth === undefined),
    "webhook",
    "or oauth is required, not both",
  );
  need(
    oauth === undefined || isObject(oauth),
    "oauth",
    "must be an object { clientEndpoint, accessToken, … }",
  );
  need(
    isObject(transport) && isFunction(transport.send),
    "transport",
    "must have send(), e.g. createFetchTransport()",
  );
  need(
    options.timeoutMs === undefined || positive(options.timeoutMs),
    "timeoutMs",
    "must be a positive number of ms",
  );
  const follow = options.followPortalMoves;
  need(
    follow === undefined || typeof follow === "boolean",
    "followPortalMoves",
    "must be true or false",
  );
  need(
    clock === undefined ||
      (isObject(clock) && isFunction(clock.now) && isFunction(clock.setTimeout)),
    "clock",
    "must have now(), setTimeout() and clearTimeout()",
  );
  need(
    hooks === undefined ||
      (isObject(hooks) && Object.values(hooks).every((h) => h === undefined || isFunction(h))),
    "hooks",
    "must be an object of functions",
  );
  if (retry !== undefined && retry !== false) {
    need(isObject(retry), "retry", "must be false or { attempts, baseDelayMs, maxDelayMs }");
    const { attempts } = retry;
    need(
      attempts === undefined || (Number.isInteger(attempts) && attempts >= 1 && attempts <= 100),
      "retry.attempts",
      "must be an integer from 1 to 100 (total attempts, the first included)",
    );
    need(nonNegative(retry.baseDelayMs), "retry.baseDelayMs", "must be a finite number ≥ 0");
    need(nonNegative(retry.maxDelayMs), "retry.maxDelayMs", "must be a finite number ≥ 0");
    need(
      retry.random === undefined || isFunction(retry.random),
      "retry.random",
      "must be a function returning [0, 1)",
    );
  }
}

/**
 * The limiter the `rateLimit` option asks for, or `undefined` for `false`.
 *
 * @example
 * ```ts
 * rateLimiterFor("enterprise", clock); // a leaky bucket draining 5/s with a bucket of 250
 * ```
 */
export function rateLimiterFor(
  rateLimit: ClientOptions["rateLimit"],
  clock: Clock,
): RateLimiter | undefined {
  if (rateLimit === false) return undefined;
  if (isObject(rateLimit) && isFunction(rateLimit.acquire) && isFunction(rateLimit.saturate)) {
    return rateLimit as RateLimiter;
  }
  const preset =
    typeof rateLimit === "string"
      ? RATE_LIMIT_PRESETS[rateLimit]
      : (rateLimit ?? RATE_LIMIT_PRESETS.standard);
  const bucket = preset as Partial<LeakyBucketOptions> | undefined;
  need(
    isObject(bucket) &&
      positive(bucket.drainPerSecond) &&
      Number.isInteger(bucket.bucketSize) &&
      (bucket.bucketSize as number) >= 1,
    "rateLimit",
    'must be "standard", "enterprise", false, { drainPerSecond > 0, bucketSize ≥ 1 (integer) } or a RateLimiter',
  );
  return createLeakyBucket({ ...(bucket as LeakyBucketOptions), clock });
}

import type { Clock } from "../async/clock.js";
import type { Transport } from "../protocol/http.js";
import { checkDelay, checkNumber, isFunction, isObject, need } from "../protocol/option-check.js";
import { checkCoordinator, type TypingCoordinator } from "../typing/coordinator.js";
import type { TypingOptions } from "../typing/options.js";
import type { ClientHooks } from "./hooks.js";
import {
  createLeakyBucket,
  type LeakyBucketOptions,
  RATE_LIMIT_PRESETS,
  type RateLimiter,
} from "./leaky-bucket.js";
import type { OAuthOptions } from "./oauth.js";
import type { RetryOptions } from "./retry.js";

/**
 * The options of `createClient`. Exactly one of `webhook` and `oauth` is required.
 *
 * @example
 * ```ts
 * const options: ClientOptions = {
 *   webhook: "https://example.bitrix24.com/rest/1/<code>/",
 *   transport: createFetchTransport(),
 *   rateLimit: "enterprise",
 *   retry: { attempts: 5 },
 * };
 * const client = createClient(options);
 * ```
 */
export interface ClientOptions {
  /** The inbound webhook URL, `https://PORTAL/rest/USER_ID/CODE/`. */
  webhook?: string | undefined;
  /** An OAuth application's tokens; with `refreshToken`, `clientId` and `clientSecret` it refreshes itself. */
  oauth?: OAuthOptions | undefined;
  /** Sends the requests, e.g. `createFetchTransport()`. */
  transport: Transport;
  /**
   * The portal's request rate limit to stay under; default `"standard"` (2/s, bucket 50),
   * which is safe on every plan. `false` turns the limiter off; a {@link RateLimiter} replaces it.
   */
  rateLimit?: "standard" | "enterprise" | false | LeakyBucketOptions | RateLimiter | undefined;
  /** Retries of transient failures; default 3 attempts in all. `false`: one attempt. */
  retry?: false | RetryOptions | undefined;
  /** Per attempt, passed to the transport; default 30 000 ms, at most 2^31 − 1 (what timers honour). */
  timeoutMs?: number | undefined;
  /** Re-send the same POST once to a moved portal's new address; default `false` (throw `PortalMovedError`). */
  followPortalMoves?: boolean | undefined;
  /**
   * Defaults for every `typing()` / `whileTyping()` lease and, beside them, the client's
   * `coordinator`: a fleet of processes sharing each dialog's schedule.
   */
  typing?: ClientTypingOptions | undefined;
  /**
   * Where time comes from; default the system clock. Inject a fake one in tests. Intervals are
   * measured on its `monotonic()` (when it has one), so a step of the wall clock changes nothing.
   */
  clock?: Clock | undefined;
  /** Observers that see redacted requests, answers, retries and errors. */
  hooks?: ClientHooks | undefined;
}

/**
 * The client's `typing` option: every lease's defaults, and the client's fleet.
 *
 * @example
 * ```ts
 * const typing: ClientTypingOptions = {
 *   refreshMs: 15_000,
 *   coordinator: createRedisTypingCoordinator({ redis, key: "b24im:typing:your.bitrix24.ru" }),
 * };
 * ```
 */
export interface ClientTypingOptions extends TypingOptions {
  /**
   * Shares every (sender, dialog) typing schedule with the other processes that use the same
   * coordinator key: each refresh goes out once for the fleet, not once per process holding a
   * lease. `createRedisTypingCoordinator` from `@b24im/limiter-redis`, or
   * `createMemoryTypingCoordinator()` for clients of one process. Default: none (this client
   * types alone, and pays nothing for it).
   */
  coordinator?: TypingCoordinator | undefined;
}

/**
 * Splits the `typing` option into the leases' defaults and the coordinator, checked. A value
 * that is no object is passed on as the defaults, whose check names what is wrong.
 *
 * @example
 * ```ts
 * const { defaults, coordinator } = typingParts({ refreshMs: 15_000, coordinator });
 * ```
 */
export function typingParts(typing: ClientOptions["typing"]): {
  defaults: TypingOptions | undefined;
  coordinator: TypingCoordinator | undefined;
} {
  if (!isObject(typing) || !Object.hasOwn(typing, "coordinator")) {
    return { defaults: typing, coordinator: undefined };
  }
  const { coordinator, ...defaults } = typing;
  return {
    defaults,
    coordinator: coordinator === undefined ? undefined : checkCoordinator(coordinator),
  };
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
  need(isObject(options), "options", "an object: createClient({ webhook, transport })", options);
  const { webhook, oauth, transport, retry, hooks, clock, timeoutMs, followPortalMoves } = options;
  need(
    webhook !== undefined || oauth !== undefined,
    "webhook",
    "your inbound webhook URL, https://PORTAL/rest/USER_ID/CODE/ (or pass oauth instead); it is undefined — if you read it from process.env.B24_WEBHOOK_URL, set that variable",
  );
  need(
    webhook === undefined || oauth === undefined,
    "webhook",
    "left out when oauth is given: pass one of them",
  );
  need(
    oauth === undefined || isObject(oauth),
    "oauth",
    "{ clientEndpoint, accessToken, … }",
    oauth,
  );
  need(
    isObject(transport) && isFunction(transport.send),
    "transport",
    "an object with send(), e.g. createFetchTransport()",
    transport,
  );
  if (timeoutMs !== undefined) checkDelay("timeoutMs", timeoutMs, { above: true });
  need(
    followPortalMoves === undefined || typeof followPortalMoves === "boolean",
    "followPortalMoves",
    "true or false",
    followPortalMoves,
  );
  need(
    clock === undefined ||
      (isObject(clock) &&
        isFunction(clock.now) &&
        (clock.monotonic === undefined || isFunction(clock.monotonic)) &&
        isFunction(clock.setTimeout) &&
        isFunction(clock.clearTimeout)),
    "clock",
    "an object with now(), setTimeout(), clearTimeout() and optionally monotonic()",
    clock,
  );
  need(
    hooks === undefined ||
      (isObject(hooks) && Object.values(hooks).every((h) => h === undefined || isFunction(h))),
    "hooks",
    "an object of functions",
    hooks,
  );
  if (retry === undefined || retry === false) return;
  need(isObject(retry), "retry", "false or { attempts, baseDelayMs, maxDelayMs, random }", retry);
  const { attempts, baseDelayMs, maxDelayMs, random } = retry;
  if (attempts !== undefined) {
    checkNumber("retry.attempts", attempts, { min: 1, max: 100, integer: true });
  }
  if (baseDelayMs !== undefined) checkDelay("retry.baseDelayMs", baseDelayMs);
  if (maxDelayMs !== undefined) checkDelay("retry.maxDelayMs", maxDelayMs);
  need(
    random === undefined || isFunction(random),
    "retry.random",
    "a function returning [0, 1)",
    random,
  );
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
      typeof bucket.drainPerSecond === "number" &&
      bucket.drainPerSecond > 0 &&
      bucket.drainPerSecond < Number.POSITIVE_INFINITY &&
      Number.isInteger(bucket.bucketSize) &&
      (bucket.bucketSize as number) >= 1,
    "rateLimit",
    '"standard", "enterprise", false, { drainPerSecond > 0, bucketSize: an integer ≥ 1 } or a RateLimiter',
  );
  return createLeakyBucket({ ...(bucket as LeakyBucketOptions), clock });
}

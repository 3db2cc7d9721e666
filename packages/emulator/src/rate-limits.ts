import type { RateLimit } from "./emulator-types.js";
import { LeakyBucket } from "./leaky-bucket.js";

/**
 * The leaky bucket for a {@link RateLimit} option, or undefined when limits are off.
 *
 * @example
 * ```ts
 * leakyBucketFor("standard"); // drains 2/s, holds 50
 * leakyBucketFor(false);      // undefined
 * ```
 */
export function leakyBucketFor(limit: RateLimit | undefined): LeakyBucket | undefined {
  if (limit === undefined || limit === false) return undefined;
  if (limit === "standard") return new LeakyBucket(2, 50);
  if (limit === "enterprise") return new LeakyBucket(5, 250);
  return new LeakyBucket(limit.drainPerSecond, limit.bucketSize);
}

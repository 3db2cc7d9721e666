const BUCKETS = 10;
const MINUTE_MS = 60_000;

interface MinuteBuckets {
  minutes: Float64Array;
  seconds: Float64Array;
}

/**
 * What a credential has spent on a method in the rolling ten-minute window.
 *
 * @example
 * ```ts
 * const key = `${caller.credential}\nim.dialog.writing`;
 * const { seconds, resetAt }: OperatingUsage = operating.usage(key, Date.now());
 * if (seconds >= operating.budgetSeconds) console.log(`blocked until ${new Date(resetAt * 1000)}`);
 * ```
 */
export interface OperatingUsage {
  /** Seconds of server time summed over the window. */
  seconds: number;
  /** Unix time (seconds) when the oldest counted minute drops out of the window. */
  resetAt: number;
}

/**
 * Operating time per method per credential, summed over ten rolling one-minute buckets.
 *
 * @example
 * ```ts
 * const time = new OperatingTime(480);
 * time.add("webhook:1\nim.dialog.writing", Date.now(), 0.02);
 * time.exhausted("webhook:1\nim.dialog.writing", Date.now()); // false
 * ```
 */
export class OperatingTime {
  readonly #usage = new Map<string, MinuteBuckets>();

  constructor(readonly budgetSeconds: number) {}

  /** The usage of `key` (credential + method) at `nowMs`. */
  usage(key: string, nowMs: number): OperatingUsage {
    const minute = Math.floor(nowMs / MINUTE_MS);
    const buckets = this.#usage.get(key);
    let seconds = 0;
    let oldest = minute;
    if (buckets !== undefined) {
      for (let i = 0; i < BUCKETS; i++) {
        const bucketMinute = buckets.minutes[i] as number;
        if (bucketMinute > minute - BUCKETS && (buckets.seconds[i] as number) > 0) {
          seconds += buckets.seconds[i] as number;
          if (bucketMinute < oldest) oldest = bucketMinute;
        }
      }
    }
    return { seconds, resetAt: ((oldest + BUCKETS) * MINUTE_MS) / 1000 };
  }

  /** True when `key` has used up its budget and its next call must be refused. */
  exhausted(key: string, nowMs: number): boolean {
    return this.usage(key, nowMs).seconds >= this.budgetSeconds;
  }

  /** Adds `seconds` of server time to `key` in the current minute. */
  add(key: string, nowMs: number, seconds: number): void {
    const minute = Math.floor(nowMs / MINUTE_MS);
    let buckets = this.#usage.get(key);
    if (buckets === undefined) {
      buckets = { minutes: new Float64Array(BUCKETS).fill(-1), seconds: new Float64Array(BUCKETS) };
      this.#usage.set(key, buckets);
    }
    const slot = minute % BUCKETS;
    if (buckets.minutes[slot] !== minute) {
      buckets.minutes[slot] = minute;
      buckets.seconds[slot] = 0;
    }
    buckets.seconds[slot] = (buckets.seconds[slot] as number) + seconds;
  }

  /** Forgets all usage. */
  clear(): void {
    this.#usage.clear();
  }
}

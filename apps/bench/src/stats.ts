/**
 * Median and spread of repeated measurements of one figure.
 *
 * @example
 * ```ts
 * const throughput: Summary = summarize(perRun);
 * spread(throughput, "/s"); // "412,000/s (243,000–435,000)"
 * ```
 */
export interface Summary {
  median: number;
  min: number;
  max: number;
  /** Number of runs summarised. */
  runs: number;
}

/**
 * The value below which `fraction` of the sorted sample lies (nearest rank).
 *
 * @example
 * ```ts
 * percentile([1, 2, 3, 4], 0.5); // 2
 * ```
 */
export function percentile(sorted: ArrayLike<number>, fraction: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil(fraction * sorted.length) - 1;
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank))] as number;
}

/**
 * Median, min and max of a set of runs.
 *
 * @example
 * ```ts
 * summarize([3, 1, 2]); // { median: 2, min: 1, max: 3, runs: 3 }
 * ```
 */
export function summarize(values: readonly number[]): Summary {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  const median =
    sorted.length % 2 === 1
      ? (sorted[middle] as number)
      : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
  return {
    median: sorted.length === 0 ? Number.NaN : median,
    min: sorted[0] ?? Number.NaN,
    max: sorted[sorted.length - 1] ?? Number.NaN,
    runs: sorted.length,
  };
}

/**
 * Latency percentiles of one run, in milliseconds.
 *
 * @example
 * ```ts
 * latencyPercentiles(new Float64Array([1, 2, 3]), 3); // { p50: 2, p99: 3 }
 * ```
 */
export function latencyPercentiles(
  samples: Float64Array,
  count: number,
): { p50: number; p99: number } {
  const sorted = samples.slice(0, count).sort();
  return { p50: percentile(sorted, 0.5), p99: percentile(sorted, 0.99) };
}

/**
 * A number rounded for a report: three significant digits, whole numbers above 1,000.
 *
 * @example
 * ```ts
 * round(1234.567); // 1235
 * round(0.012345); // 0.0123
 * ```
 */
export function round(value: number): number {
  if (!Number.isFinite(value)) return value;
  if (Math.abs(value) >= 1000) return Math.round(value);
  return Number(value.toPrecision(3));
}

/**
 * Adds `by` to the count kept under `key`: errors by code, faults by name.
 *
 * @example
 * ```ts
 * const errors: Record<string, number> = {};
 * tally(errors, "TIMEOUT"); // errors.TIMEOUT === 1
 * ```
 */
export function tally(counts: Record<string, number>, key: string, by = 1): void {
  counts[key] = (counts[key] ?? 0) + by;
}

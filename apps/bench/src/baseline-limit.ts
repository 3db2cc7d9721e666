/**
 * The largest baseline that never overflows the bucket within `durationMs`: every dialog
 * sends at t = 0, interval, 2·interval, … so the k-th burst meets a level of
 * k·N − (k − 1)·drain·interval.
 *
 * @example
 * ```ts
 * baselineLimit(105_000, 2, 50, 15_000); // 32
 * ```
 */
export function baselineLimit(
  durationMs: number,
  drainPerSecond: number,
  bucketSize: number,
  intervalMs: number,
): number {
  const bursts = Math.floor(durationMs / intervalMs) + 1;
  const drainedPerInterval = (drainPerSecond * intervalMs) / 1000;
  let dialogs = bucketSize;
  while (dialogs > 0) {
    let fits = true;
    for (let k = 1; k <= bursts && fits; k++)
      fits = k * dialogs - (k - 1) * drainedPerInterval <= bucketSize;
    if (fits) return dialogs;
    dialogs--;
  }
  return 0;
}

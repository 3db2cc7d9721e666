/**
 * The portal's leaky bucket as BITRIX24.md describes it, fed with the moments requests
 * left: how far above its size it would have gone (0 when it never overflowed).
 *
 * @example
 * ```ts
 * overflow({ drainPerSecond: 20, bucketSize: 10, startLevel: 10 }, admittedAt); // 0
 * ```
 */
export function overflow(
  o: { drainPerSecond: number; bucketSize: number; startLevel: number; startAt?: number },
  arrivals: readonly number[],
): number {
  const sorted = [...arrivals].sort((a, b) => a - b);
  let level = o.startLevel;
  let now = o.startAt ?? sorted[0] ?? 0;
  let worst = 0;
  for (const at of sorted) {
    level = Math.max(0, level - ((at - now) * o.drainPerSecond) / 1000) + 1;
    now = at;
    worst = Math.max(worst, level - o.bucketSize);
  }
  return worst;
}

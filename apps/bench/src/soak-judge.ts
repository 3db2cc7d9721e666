import type { TypingStat } from "@b24im/emulator";

/** What the chaos soak recorded, as the judge reads it. */
export interface SoakRecord {
  /** The dialogs typed in, all through the run. */
  dialogs: string[];
  /** The sender whose lines count: the token's user. */
  senderId: number;
  /** The emulator's recipient view at the end (`typingStats()`). */
  stats: TypingStat[];
  /** When the view was read, on the emulator's clock (epoch ms). */
  endedAt: number;
  /** How long a line lives after an event. */
  ttlMs: number;
  /** Dialogs whose typing `onError` was told a send failed for good: a fault outlasted the margin. */
  reportedDialogs: ReadonlySet<string>;
  unhandledRejections: number;
  /** Process warnings (timer overflow, listener leaks, …), by text. */
  processWarnings: string[];
  /** Failed attempts and failed calls the client reported: `onRetry` + `onError` events. */
  hookReports: number;
  /** Failed requests the server saw: answers with an error, resets, hangs, and cut JSON. */
  failedRequests: number;
  /**
   * Typing sends that ended at their `sendTimeoutMs`. Each is reported to `onError` once, and
   * when it ended while waiting (for the limiter, a backoff) no failed request stands for it.
   */
  deadlineEnds: number;
  /** The caller's own calls that had not settled when the run ended. */
  unsettledCalls: number;
  /** Heap used after a full GC, MiB, sampled through the run. */
  heapMiB: number[];
}

/** The verdict on a soak. */
export interface SoakVerdict {
  lapsedDialogs: number;
  /** Lapsed dialogs whose send was reported failed: the fault outlasted the margin. */
  excusedLapsedDialogs: number;
  /** Lapsed dialogs with no failure reported: the client let them lapse. Must be 0. */
  unexplainedLapsedDialogs: number;
  maxGapMs: number;
  heapGrowthMiB: number;
  passed: boolean;
  reasons: string[];
}

/** Growth of the heap (after GC) from the first sample to the last that still counts as flat. */
export const FLAT_HEAP_MIB = 10;

/**
 * Judges a soak: it passes with no unhandled rejection, no process warning, no call left
 * unsettled, every failed request reported exactly once to the hooks (reports beyond the
 * failed requests only for sends that ended at their deadline), no lapse the client did not
 * report, and a flat heap.
 *
 * @example
 * ```ts
 * const verdict = judgeSoak(record);
 * if (!verdict.passed) console.log(verdict.reasons.join("; "));
 * ```
 */
export function judgeSoak(record: SoakRecord): SoakVerdict {
  const byDialog = new Map(
    record.stats.filter((s) => s.senderId === record.senderId).map((s) => [s.dialogId, s]),
  );
  let lapsedDialogs = 0;
  let excused = 0;
  let maxGapMs = 0;
  for (const dialog of record.dialogs) {
    const stat = byDialog.get(dialog);
    const aliveAtEnd = stat !== undefined && stat.lastAt + record.ttlMs >= record.endedAt;
    const lapsed =
      stat === undefined || stat.lapses > 0 || stat.maxGapMs >= record.ttlMs || !aliveAtEnd;
    maxGapMs = Math.max(maxGapMs, stat?.maxGapMs ?? 0);
    if (!lapsed) continue;
    lapsedDialogs++;
    if (record.reportedDialogs.has(dialog)) excused++;
  }
  const unexplained = lapsedDialogs - excused;
  const heap = record.heapMiB;
  const heapGrowthMiB = heap.length < 2 ? 0 : (heap.at(-1) as number) - (heap[0] as number);
  const reasons: string[] = [];
  if (record.unhandledRejections > 0)
    reasons.push(`${record.unhandledRejections} unhandled rejections`);
  if (record.processWarnings.length > 0)
    reasons.push(`process warnings: ${[...new Set(record.processWarnings)].join("; ")}`);
  if (record.unsettledCalls > 0) reasons.push(`${record.unsettledCalls} calls never settled`);
  const { hookReports, failedRequests, deadlineEnds } = record;
  if (hookReports < failedRequests)
    reasons.push(`${failedRequests} failed requests but only ${hookReports} hook reports`);
  if (hookReports > failedRequests + deadlineEnds)
    reasons.push(
      `${hookReports} hook reports for ${failedRequests} failed requests and ${deadlineEnds} sends ended at their deadline`,
    );
  if (unexplained > 0) reasons.push(`${unexplained} dialogs lapsed with no failure reported`);
  if (heapGrowthMiB > FLAT_HEAP_MIB)
    reasons.push(`heap grew ${heapGrowthMiB.toFixed(1)} MiB (over ${FLAT_HEAP_MIB})`);
  return {
    lapsedDialogs,
    excusedLapsedDialogs: excused,
    unexplainedLapsedDialogs: unexplained,
    maxGapMs,
    heapGrowthMiB,
    passed: reasons.length === 0,
    reasons,
  };
}

import type { TypingStat } from "@b24im/emulator";
import { lapsesOf, linesOf } from "./recipient-view.js";
import type { Expiry } from "./typing-expiries.js";

/**
 * A moment something happened to one dialog, on the emulator's clock (epoch ms).
 *
 * @example
 * ```ts
 * const reported: DialogMoment[] = [];
 * reported.push({ dialogId, at: Date.now() }); // in typing's onError: a send failed there
 * ```
 */
export interface DialogMoment {
  dialogId: string;
  at: number;
}

/**
 * What the chaos soak recorded, as the judge reads it.
 *
 * @example
 * ```ts
 * // What the run counted, with the recipients' view read at its end:
 * const record: SoakRecord = { ...counted, stats: await emulator.typingStats(), endedAt: Date.now() };
 * judgeSoak(record).passed;
 * ```
 */
export interface SoakRecord {
  /** The dialogs typed in, all through the run. */
  dialogs: string[];
  /** The sender whose lines count: the token's user. */
  senderId: number;
  /** The emulator's recipient view at the end (`typingStats()`). */
  stats: TypingStat[];
  /** Lines that went out while typing ran (the emulator's `typing.expired` events). */
  expiries: readonly Expiry[];
  /** When the view was read; expiries after it are the leases' own end. */
  endedAt: number;
  /** How long a line lives after an event. */
  ttlMs: number;
  /** Typing sends reported failed to `onError`, per dialog: a fault that outlasted the margin. */
  reported: readonly DialogMoment[];
  /** When the portal answered 503 `QUERY_LIMIT_EXCEEDED`: its bucket was full, and refreshes had to wait. */
  portalFull: readonly number[];
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

/**
 * The verdict on a soak.
 *
 * @example
 * ```ts
 * const verdict: SoakVerdict = judgeSoak(record);
 * if (!verdict.passed) log(`  soak failed: ${verdict.reasons.join("; ")}`);
 * verdict.unexplainedLapses; // 0: every lapse had a fault that explains it
 * ```
 */
export interface SoakVerdict {
  /** Times an indicator went out while typing ran, and in how many dialogs. */
  lapses: number;
  lapsedDialogs: number;
  /** Lapses within a line's life of a failed send reported for that dialog. */
  lapsesAfterFailedSend: number;
  /** Lapses within a line's life of the portal saying its bucket was full (503). */
  lapsesAfterFullPortal: number;
  /** Lapses with neither, or dialogs never shown or off at the end. Must be 0. */
  unexplainedLapses: number;
  maxGapMs: number;
  heapGrowthMiB: number;
  passed: boolean;
  reasons: string[];
}

/**
 * Growth of the heap (after GC) from the first sample to the last that still counts as flat.
 *
 * @example
 * ```ts
 * const flat = last - first <= FLAT_HEAP_MIB;
 * ```
 */
export const FLAT_HEAP_MIB = 10;

/**
 * Judges a soak: it passes with no unhandled rejection, no process warning, no call left
 * unsettled, every failed request reported exactly once to the hooks (reports beyond the
 * failed requests only for sends that ended at their deadline), no lapse without a fault
 * that outlasted the margin — a failed send reported for that dialog, or the portal's bucket
 * full (503) within the line's life before it — and a flat heap.
 *
 * @example
 * ```ts
 * const verdict = judgeSoak(record);
 * if (!verdict.passed) console.log(verdict.reasons.join("; "));
 * ```
 */
export function judgeSoak(record: SoakRecord): SoakVerdict {
  const { ttlMs, senderId } = record;
  const lapses = lapsesOf(record.expiries, record);
  const near = (times: Iterable<number>, at: number, before: number, after: number) => {
    for (const time of times) if (time >= at - before && time <= at + after) return true;
    return false;
  };
  // Grouped once: a dialog's reports are looked up per lapse.
  const reportsOf = new Map<string, number[]>();
  for (const { dialogId, at } of record.reported) {
    const times = reportsOf.get(dialogId);
    if (times === undefined) reportsOf.set(dialogId, [at]);
    else times.push(at);
  }
  let afterFailedSend = 0;
  let afterFullPortal = 0;
  let unexplained = 0;
  for (const lapse of lapses) {
    if (near(reportsOf.get(lapse.dialogId) ?? [], lapse.at, ttlMs, ttlMs)) afterFailedSend++;
    else if (near(record.portalFull, lapse.at, ttlMs, 0)) afterFullPortal++;
    else unexplained++;
  }
  // A dialog never shown, or off at the end of a calm finish, is unexplained too.
  const byDialog = linesOf(record.stats, senderId);
  let maxGapMs = 0;
  for (const dialog of record.dialogs) {
    const stat = byDialog.get(dialog);
    maxGapMs = Math.max(maxGapMs, stat?.maxGapMs ?? 0);
    if (stat === undefined || stat.lastAt + ttlMs < record.endedAt) unexplained++;
  }
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
  if (unexplained > 0) reasons.push(`${unexplained} lapses with no fault that explains them`);
  if (heapGrowthMiB > FLAT_HEAP_MIB)
    reasons.push(`heap grew ${heapGrowthMiB.toFixed(1)} MiB (over ${FLAT_HEAP_MIB})`);
  return {
    lapses: lapses.length,
    lapsedDialogs: new Set(lapses.map((l) => l.dialogId)).size,
    lapsesAfterFailedSend: afterFailedSend,
    lapsesAfterFullPortal: afterFullPortal,
    unexplainedLapses: unexplained,
    maxGapMs,
    heapGrowthMiB,
    passed: reasons.length === 0,
    reasons,
  };
}

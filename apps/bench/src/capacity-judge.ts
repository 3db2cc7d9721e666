import type { TypingStat } from "@b24im/emulator";
import { linesOf } from "./recipient-view.js";
import type { CapacityProbe } from "./results.js";

/**
 * What one capacity probe left behind, as the judge reads it.
 *
 * @example
 * ```ts
 * const { rejected503, requests } = await emulator.counters();
 * const record: ProbeRecord = { strategy: "b24im", dialogs: benchDialogs(1_500), senderId: 1,
 *   stats: await emulator.typingStats(), rejected503, requests, startedAt, endedAt, ttlMs, windowMs };
 * judgeProbe(record).passed;
 * ```
 */
export interface ProbeRecord {
  strategy: CapacityProbe["strategy"];
  /** The dialogs the probe kept typing in. */
  dialogs: string[];
  /** The sender whose lines count: the webhook's user. */
  senderId: number;
  /** The emulator's recipient view at the end (`typingStats()`). */
  stats: TypingStat[];
  rejected503: number;
  requests: number;
  /** When typing started and when the probe was read, on the emulator's clock (epoch ms). */
  startedAt: number;
  endedAt: number;
  /** How long a line lives after an event. */
  ttlMs: number;
  /** How long every dialog must have been shown typing without a break. */
  windowMs: number;
}

/**
 * Judges one probe from the recipients' side. It passes when the portal answered no 503 and
 * every dialog's indicator came on, never went out (no gap as long as the line's life, no
 * event after the line had expired), was still on at the end, and had been on for at least
 * the window.
 *
 * @example
 * ```ts
 * const probe = judgeProbe({ strategy: "b24im", dialogs, senderId: 1, stats, rejected503: 0,
 *   requests, startedAt, endedAt: Date.now(), ttlMs: 35_000, windowMs: 90_000 });
 * probe.passed; // true
 * ```
 */
export function judgeProbe(record: ProbeRecord): CapacityProbe {
  const { stats, startedAt, endedAt, ttlMs } = record;
  const byDialog = linesOf(stats, record.senderId);
  let lapsedDialogs = 0;
  let maxGapMs = 0;
  let rampMs = 0;
  let minTypedMs = Number.POSITIVE_INFINITY;
  for (const id of record.dialogs) {
    const stat = byDialog.get(id);
    if (stat === undefined) {
      lapsedDialogs++;
      minTypedMs = 0;
      continue;
    }
    maxGapMs = Math.max(maxGapMs, stat.maxGapMs);
    rampMs = Math.max(rampMs, stat.firstAt - startedAt);
    const aliveAtEnd = stat.lastAt + ttlMs >= endedAt;
    const unbroken = stat.lapses === 0 && stat.maxGapMs < ttlMs && aliveAtEnd;
    if (!unbroken) lapsedDialogs++;
    minTypedMs = Math.min(minTypedMs, unbroken ? endedAt - stat.firstAt : 0);
  }
  const reasons: string[] = [];
  if (record.rejected503 > 0) reasons.push(`${record.rejected503} answers 503`);
  if (lapsedDialogs > 0) reasons.push(`${lapsedDialogs} dialogs lapsed`);
  if (lapsedDialogs === 0 && minTypedMs < record.windowMs)
    reasons.push("a dialog typed for less than the window");
  return {
    strategy: record.strategy,
    dialogs: record.dialogs.length,
    passed: reasons.length === 0,
    rejected503: record.rejected503,
    lapsedDialogs,
    maxGapMs,
    rampMs,
    minTypedMs: Number.isFinite(minTypedMs) ? minTypedMs : 0,
    requests: record.requests,
    ...(reasons.length === 0 ? {} : { reason: reasons.join(", ") }),
  };
}

import type { TypingStat } from "@b24im/emulator";
import type { Expiry } from "./typing-expiries.js";

/**
 * One sender's lines in the emulator's recipient view (`typingStats()`), by dialog: the
 * judges count only the bench's own sender.
 *
 * @example
 * ```ts
 * const byDialog = linesOf(await emulator.typingStats(), 1);
 * byDialog.get("chat1")?.maxGapMs;
 * ```
 */
export function linesOf(stats: readonly TypingStat[], senderId: number): Map<string, TypingStat> {
  return new Map(stats.filter((s) => s.senderId === senderId).map((s) => [s.dialogId, s]));
}

/**
 * The expiries that were lapses: one sender's lines in the given dialogs that went out before
 * `endedAt` (later ones are the leases' own end).
 *
 * @example
 * ```ts
 * const lapses = lapsesOf(watch.expiries, { dialogs, senderId: 1, endedAt });
 * ```
 */
export function lapsesOf(
  expiries: readonly Expiry[],
  o: { dialogs: readonly string[]; senderId: number; endedAt: number },
): Expiry[] {
  const dialogs = new Set(o.dialogs);
  return expiries.filter(
    (e) => e.senderId === o.senderId && dialogs.has(e.dialogId) && e.at < o.endedAt,
  );
}

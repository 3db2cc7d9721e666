import { counts, num, seconds, table } from "./markdown.js";
import type { BenchResults, ChaosSoakResult } from "./results.js";
import { FLAT_HEAP_MIB } from "./soak-judge.js";
import type { TargetRow } from "./target-row.js";

/**
 * The soak's line in the targets table: the problems it found, which must be none.
 *
 * @example
 * ```ts
 * const row = soakTarget(results.chaosSoak); // { name: "chaos soak: problems found …", … }
 * ```
 */
export function soakTarget(soak: ChaosSoakResult): TargetRow {
  const problems = soak.verdict.reasons.length;
  const faults = Object.values(soak.faults).reduce((sum, n) => sum + n, 0);
  return {
    name: `chaos soak: problems found (${num(soak.dialogs)} dialogs, ${num(faults)} faults${soak.timeScale === 1 ? "" : `, time ×${soak.timeScale}`})`,
    value: problems === 0 ? "0" : `${problems}: ${soak.verdict.reasons.join("; ")}`,
    target: { op: "<=", value: 0, met: soak.verdict.passed },
    shown: "<= 0",
  };
}

/**
 * Figure 6 of the report: what the chaos soak did and what it found.
 *
 * @example
 * ```ts
 * soakSection(results, lines);
 * ```
 */
export function soakSection(results: BenchResults, lines: string[]): void {
  const soak = results.chaosSoak;
  if (soak === undefined) return;
  const { verdict, userCalls } = soak;
  const scaled =
    soak.timeScale === 1
      ? "Real time."
      : `**Time scaled ×${soak.timeScale}** (every duration ${soak.timeScale}× shorter, the drain ${soak.timeScale}× faster): a smoke run.`;
  const steps = soak.wallClockSteps
    .map(
      (step) =>
        `${step.byMs < 0 ? "−" : "+"}${num(Math.abs(step.byMs) / 3_600_000)} h at ${seconds(step.atMs)}`,
    )
    .join(", ");
  const [firstHeap = 0, lastHeap = 0] = [soak.heapMiB[0], soak.heapMiB.at(-1)];
  lines.push(
    "## 6. Chaos soak",
    "",
    `${num(soak.dialogs)} dialogs typing (\`client.typing\`) through an OAuth client on an emulated standard portal ` +
      `(drain ${num(soak.portal.drainPerSecond)}/s, bucket ${soak.portal.bucketSize}, indicator life ${seconds(soak.portal.typingTtlMs)}) for ${seconds(soak.durationMs)}, ` +
      "while the caller's own calls stream alongside (every tenth a 60-command batch), under a seeded random mix of server faults, " +
      "every access token expiring now and then, and the client's wall clock stepping an hour back and then forward; the last quarter is calm. " +
      `${scaled} It passes with no unhandled rejection or process warning, every call settled, every failed request reported exactly once ` +
      `to the hooks (\`onRetry\` + \`onError\` = the failed requests the server saw, plus typing sends that ended at their deadline while waiting), no lapse without a fault that outlasted the margin ` +
      `(a failed send reported for that dialog, or the portal's bucket full — a 503 — within the line's life before it: such lapses are counted, and excused), and a flat heap (growth ≤ ${FLAT_HEAP_MIB} MiB after GC).`,
    "",
    `Reproduce: \`${soak.command}\``,
    "",
    `**${verdict.passed ? "Passed" : "Failed"}${verdict.passed ? "" : `: ${verdict.reasons.join("; ")}`}.**`,
    "",
    table(
      ["", ""],
      [
        ["faults injected", counts(soak.faults)],
        ["every access token expired", `${num(soak.tokenExpiries)} times`],
        ["the client's wall clock stepped", steps],
        [
          "requests / failed / reported to the hooks / typing sends ended at their deadline",
          `${num(soak.requests)} / ${num(soak.failedRequests)} / ${num(soak.hookReports)} / ${num(soak.deadlineEnds)}`,
        ],
        [
          "the caller's calls: sent / fulfilled / rejected / unsettled",
          `${num(userCalls.sent)} / ${num(userCalls.fulfilled)} / ${num(userCalls.rejected)} / ${num(userCalls.unsettled)}`,
        ],
        ["their errors (batch commands included)", counts(soak.callErrors)],
        ["typing failures reported to onError", counts(soak.typingErrors)],
        [
          "indicator lapses (dialogs): all / after a failed send / after the portal was full / unexplained",
          `${num(verdict.lapses)} (${num(verdict.lapsedDialogs)}) / ${num(verdict.lapsesAfterFailedSend)} / ${num(verdict.lapsesAfterFullPortal)} / ${num(verdict.unexplainedLapses)}`,
        ],
        ["longest gap between two events of a dialog", seconds(verdict.maxGapMs)],
        [
          "unhandled rejections / process warnings",
          `${num(soak.unhandledRejections)} / ${num(soak.processWarnings.length)}`,
        ],
        [
          "heap after GC, first → last sample",
          `${num(firstHeap)} → ${num(lastHeap)} MiB (${verdict.heapGrowthMiB >= 0 ? "+" : ""}${num(verdict.heapGrowthMiB)})`,
        ],
      ],
    ),
    "",
  );
}

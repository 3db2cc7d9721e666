import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { num, spread, table } from "./markdown.js";
import { botSection } from "./report-bot.js";
import { fleetSection, fleetTarget, overheadSection } from "./report-fleet.js";
import { soakSection, soakTarget } from "./report-soak.js";
import type { BenchResults, CapacityProbe, ClientSpeed, RatioFigure, Target } from "./results.js";
import type { TargetRow } from "./target-row.js";

function verdict(target: Target | undefined): string {
  if (target === undefined) return "";
  return target.met ? "met" : "**missed**";
}

/** "missed by 12 %": how far a median is from its target, relative to the target. */
function shortfall(value: number, target: Target): string {
  const percent = Math.abs((value - target.value) / target.value) * 100;
  return `${num(value)} against ${target.op} ${num(target.value)}: ${target.op === ">=" ? "short" : "over"} by ${num(percent)} %`;
}

function speedTable(clients: ClientSpeed[]): string {
  return table(
    [
      "client",
      "protocol",
      "calls/s",
      "p50 ms",
      "p99 ms",
      "client CPU µs/call",
      "server CPU µs/call",
      "errors",
    ],
    clients.map((c) => [
      c.note ? `${c.client} ¹` : c.client,
      c.protocol,
      spread(c.throughput),
      spread(c.p50Ms),
      spread(c.p99Ms),
      spread(c.cpuPerCallUs),
      spread(c.serverCpuPerCallUs),
      c.errors === 0 ? "0" : `${c.errors} (${c.firstError ?? ""})`,
    ]),
  );
}

function ratioTable(ratios: RatioFigure[]): string {
  return table(
    ["ratio", "concurrency", "median (min–max)", "target", ""],
    ratios.map((r) => [
      r.name,
      String(r.concurrency),
      spread(r.summary, "×"),
      r.target ? `${r.target.op} ${r.target.value}×` : "",
      verdict(r.target),
    ]),
  );
}

function probeRow(p: CapacityProbe): string[] {
  return [
    p.strategy,
    num(p.dialogs),
    p.passed ? "yes" : "no",
    num(p.rejected503),
    num(p.lapsedDialogs),
    num(p.maxGapMs / 1000),
    num(p.rampMs / 1000),
    num(p.minTypedMs / 1000),
    num(p.requests),
    p.reason ?? "",
  ];
}

function callSpeedSection(results: BenchResults, lines: string[]): void {
  const speed = results.callSpeed;
  if (speed === undefined) return;
  lines.push("## 1. Call speed of `client.writing()`", "");
  lines.push(
    "Each client runs in its own process against the emulator in another (limits off on both sides), " +
      "closed loop: `concurrency` callers each send the next call when the last one answered. " +
      "calls/s = successful calls ÷ wall time; client CPU µs/call = the client process's CPU time ÷ calls the server saw; " +
      "server CPU µs/call = the emulator process's, which shows when the server (one core of two) was the limit. " +
      `Median (min–max) over the runs; the open clients were measured round-robin, ${speed.clients[0]?.throughput.runs ?? 0} runs of ${num((speed.clients[0]?.runMs ?? 0) / 1000)} s each, after a warm-up.`,
    "",
    `Reproduce: \`${speed.command}\``,
    "",
  );
  for (const concurrency of [...new Set(speed.clients.map((c) => c.concurrency))]) {
    lines.push(`### Concurrency ${concurrency}`, "");
    lines.push(speedTable(speed.clients.filter((c) => c.concurrency === concurrency)), "");
  }
  const notes = [
    ...new Map(speed.clients.filter((c) => c.note).map((c) => [c.client, c.note])).entries(),
  ];
  for (const [client, note] of notes) lines.push(`¹ ${client}: ${note}.`, "");
  lines.push("### Ratios (each taken within one round, then the median over rounds)", "");
  lines.push(ratioTable(speed.ratios), "");
}

function capacitySection(results: BenchResults, lines: string[]): void {
  const cap = results.typingCapacity;
  if (cap === undefined) return;
  lines.push("## 2. Typing capacity on a standard portal", "");
  const scaledNote =
    cap.timeScale === 1
      ? "Real time."
      : `**Time scaled ×${cap.timeScale}** (ttl, drain rate, refresh and window all ${cap.timeScale}× faster; counts unchanged): a smoke run, not the headline.`;
  lines.push(
    `Emulator: drain ${num(cap.portal.drainPerSecond)}/s, bucket ${cap.portal.bucketSize}, indicator life ${num(cap.portal.typingTtlMs / 1000)} s. ${scaledNote} ` +
      `A probe passes when the emulator answered no 503 and, in its recipient view, every dialog's indicator came on, never lapsed ` +
      `(no gap ≥ the indicator life), was still on at the end, and stayed on for at least ${num(cap.windowMs / 1000)} s. ` +
      `b24im: \`client.typing(dialog)\` per dialog with the default refresh (${num(cap.clientRefreshMs / 1000)} s) and \`rateLimit\` matching the portal. ` +
      `Baseline: no limiter, no retry, one plain loop per dialog calling \`im.dialog.writing\` every ${num(cap.baselineIntervalMs / 1000)} s from the start, as Bitrix24's web client paces it.`,
    "",
    `How it was searched: ${cap.search}.`,
    "",
    `Reproduce: \`${cap.command}\``,
    "",
    `**b24im kept ${num(cap.b24imMax)} dialogs typing; the baseline ${num(cap.baselineMax)}** ` +
      `(the bucket arithmetic gives the baseline ${num(cap.baselineExpected)} over this window, and ${num((cap.portal.drainPerSecond * cap.baselineIntervalMs) / 1000)} indefinitely: drain × interval).`,
    "",
    table(
      [
        "strategy",
        "dialogs",
        "passed",
        "503s",
        "lapsed dialogs",
        "max gap s",
        "ramp s",
        "min typed s",
        "requests",
        "why not",
      ],
      cap.probes.map(probeRow),
    ),
    "",
  );
}

function otherSections(results: BenchResults, lines: string[]): void {
  const size = results.bundleSize;
  if (size) {
    lines.push("## 3. Bundle size", "");
    lines.push(
      'An app that sends "typing" once through a webhook, bundled by esbuild (minify, platform browser, ESM), gzip level 9.',
      "",
      `Reproduce: \`${size.command}\``,
      "",
      table(
        ["app", "minified", "min + gzip"],
        size.apps.map((a) => [
          a.name,
          `${num(a.minifiedBytes / 1024)} KB`,
          `${num(a.gzipBytes / 1024)} KB`,
        ]),
      ),
      "",
    );
    if (size.largestModules.length > 0) {
      const modules = size.largestModules.map(
        (m) => `${m.module.replace(/^packages\//, "")} ${num(m.minifiedBytes / 1024)} KB`,
      );
      lines.push(
        "Where the b24im app's bytes come from (the same app bundled from core's sources; minified, before gzip): " +
          `${modules.join(", ")}.`,
        "",
      );
    }
  }
  const memory = results.leaseMemory;
  if (memory) {
    lines.push("## 4. Heap per open typing lease", "");
    lines.push(
      `${num(memory.leases)} leases open at once on distinct dialogs; heapUsed after two full GCs (\`--expose-gc\`) minus the same before opening, ÷ leases. ${memory.note}.`,
      "",
      `Reproduce: \`${memory.command}\``,
      "",
      `**${spread(memory.bytesPerLease, " B")} per lease** (target ≤ ${num(memory.target.value)} B: ${verdict(memory.target)}).`,
      "",
    );
  }
  const core = results.coreOps;
  if (core) {
    lines.push("## 5. Core alone", "");
    lines.push(
      "`parseDialogId` → `imDialogWriting` → `buildRequest` → `parseResponse` on a webhook target and a typical answer, one thread.",
      "",
      `Reproduce: \`${core.command}\``,
      "",
      table(
        ["operation", "ops/s"],
        [
          ["parseDialogId + buildRequest + parseResponse", spread(core.opsPerSecond)],
          ...core.steps.map((s) => [s.name, spread(s.opsPerSecond)]),
        ],
      ),
      "",
    );
  }
}

/** Every target with its measured median, for the headline table and the misses. */
function targets(results: BenchResults): TargetRow[] {
  const out: TargetRow[] = [];
  for (const r of results.callSpeed?.ratios ?? []) {
    if (r.target)
      out.push({
        name: `${r.name} (concurrency ${r.concurrency})`,
        value: `${num(r.summary.median)}×`,
        target: r.target,
        shown: `${r.target.op} ${r.target.value}×`,
        measured: r.summary.median,
      });
  }
  const cap = results.typingCapacity;
  if (cap)
    out.push({
      name: `dialogs kept typing (baseline ${cap.baselineMax})${cap.timeScale === 1 ? "" : ` — time ×${cap.timeScale}`}`,
      value: num(cap.b24imMax),
      target: cap.target,
      shown: `${cap.target.op} ${num(cap.target.value)}`,
      measured: cap.b24imMax,
    });
  const size = results.bundleSize;
  const ours = size?.apps[0];
  if (size && ours)
    out.push({
      name: `min+gz of a typing app (official SDK: ${num((size.apps[1]?.gzipBytes ?? 0) / 1024)} KB)`,
      value: `${num(ours.gzipBytes / 1024)} KB`,
      target: size.target,
      shown: `${size.target.op} ${num(size.target.value / 1024)} KB`,
    });
  const memory = results.leaseMemory;
  if (memory)
    out.push({
      name: `heap per open lease at ${num(memory.leases)} leases`,
      value: `${num(memory.bytesPerLease.median)} B`,
      target: memory.target,
      shown: `${memory.target.op} ${num(memory.target.value)} B`,
    });
  const soak = results.chaosSoak && soakTarget(results.chaosSoak);
  if (soak) out.push(soak);
  const fleet = results.fleet && fleetTarget(results.fleet);
  if (fleet) out.push(fleet);
  return out;
}

/**
 * The report as Markdown: machine, every figure with its median and spread, the ratios
 * and the command that reproduces each, and plain statements of the targets missed.
 *
 * @example
 * ```ts
 * const markdown = renderReport(results, explanations);
 * ```
 */
export function renderReport(
  results: BenchResults,
  explanations: Record<string, string> = {},
): string {
  const m = results.machine;
  const lines: string[] = [
    "# b24im benchmarks",
    "",
    `Generated by \`pnpm bench${results.quick ? " --quick" : ""}\` on ${results.startedAt} in ${num(results.durationSeconds)} s. ` +
      "Benchmarks, not tests: they measure, they assert nothing. What each figure means: [README.md](./README.md).",
    "",
    ...(results.updated ?? []).map(
      (update) =>
        `Figures ${update.figures.join(", ")} were measured again on ${update.at} (\`--only\`) and merged into this report.\n`,
    ),
    `Machine: ${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB, ${m.os}; Node ${m.node}. Everything on loopback. ` +
      `1-minute load average at the start: ${m.loadAverageAtStart}${m.loadAverageAtStart > 0.5 ? " (other work was running: figures are noisier than on an idle machine)" : ""}.`,
    "",
    "## Targets",
    "",
  ];
  const all = targets(results);
  lines.push(
    table(
      ["figure", "measured (median)", "target", ""],
      all.map((t) => [t.name, t.value, t.shown, verdict(t.target)]),
    ),
    "",
  );
  const missed = all.filter((t) => !t.target.met);
  if (missed.length > 0) {
    lines.push("### Missed", "");
    const explained = new Set<string>();
    for (const t of missed) {
      const [key, why] =
        Object.entries(explanations).find(([prefix]) => t.name.startsWith(prefix)) ?? [];
      const amount =
        t.measured === undefined
          ? `${t.value} against ${t.shown}`
          : shortfall(t.measured, t.target);
      // The same cause applies at both concurrencies: explain it once.
      const because =
        key === undefined ? "" : explained.has(key) ? " Why: as above." : ` Why: ${why}`;
      if (key !== undefined) explained.add(key);
      lines.push(`- ${t.name}: ${amount}.${because}`);
    }
    lines.push("");
  }
  for (const failure of results.failures)
    lines.push(`**${failure.figure} crashed:** ${failure.message}`, "");
  callSpeedSection(results, lines);
  capacitySection(results, lines);
  otherSections(results, lines);
  soakSection(results, lines);
  botSection(results, lines);
  fleetSection(results, lines);
  overheadSection(results, lines);
  return `${lines.join("\n").trimEnd()}\n`;
}

/**
 * Writes `RESULTS.md` and `results.json` into `dir`.
 *
 * @example
 * ```ts
 * await writeReport("apps/bench", results);
 * ```
 */
export async function writeReport(
  dir: string,
  results: BenchResults,
  explanations?: Record<string, string>,
): Promise<void> {
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, "results.json"), `${JSON.stringify(results, null, 2)}\n`);
  await writeFile(join(dir, "RESULTS.md"), renderReport(results, explanations));
}

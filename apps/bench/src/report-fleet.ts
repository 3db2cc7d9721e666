import { MAX_REFRESHES_PER_PERIOD } from "./fleet-judge.js";
import { counts, num, seconds, table } from "./markdown.js";
import type { BenchResults, FleetResult, LimiterOverheadResult } from "./results.js";
import type { TargetRow } from "./target-row.js";

/**
 * The fleet's line in the targets table: the problems it found, which must be none.
 *
 * @example
 * ```ts
 * const row = fleetTarget(results.fleet); // { name: "fleet: problems found …", … }
 * ```
 */
export function fleetTarget(fleet: FleetResult): TargetRow {
  const problems = fleet.verdict.reasons.length;
  return {
    name: `fleet: problems found (${fleet.workers} workers, ${num(fleet.dialogs)} dialogs, 3 runs${fleet.timeScale === 1 ? "" : `, time ×${fleet.timeScale}`})`,
    value: problems === 0 ? "0" : `${problems}: ${fleet.verdict.reasons.join("; ")}`,
    target: { op: "<=", value: 0, met: fleet.verdict.passed },
    shown: "<= 0",
  };
}

function fleetArithmetic(fleet: FleetResult, lines: string[]): void {
  const drain = fleet.portal.drainPerSecond;
  const perSecond = fleet.dialogs / (fleet.refreshMs / 1000);
  const batches = perSecond / 50;
  lines.push(
    "What it proves, in numbers: " +
      `${num(fleet.dialogs)} dialogs refreshed every ${seconds(fleet.refreshMs)} are ${num(perSecond)} typing events a second, ` +
      `${num(batches)} batches of 50 — ${num((100 * batches) / drain)} % of the portal's ${num(drain)} requests a second, ` +
      "the whole standard budget. " +
      `Without a shared schedule each of the ${fleet.workers} workers would refresh every dialog it holds: ` +
      `${num(fleet.workers * batches)} batches a second, ${num(fleet.workers)}× the budget — no limiter can make that fit, and the ` +
      "dialogs would lapse by the thousand. With the coordinator the fleet's typing costs one schedule's worth, and typing " +
      "goes before the workers' own calls at the limiter (a refresh is worth nothing late), so those calls get what typing leaves " +
      "and, past their wait limit, fail at once, typed (`LIMITER_MAX_WAIT`) and unsent. The run proves: no 503, the admitted rate " +
      "at the drain, each dialog refreshed about once per period, no line lapsing — also with 2 workers SIGKILLed mid-run — and " +
      "through a Redis crash, every call settled typed within its deadline, none shown twice, no 503 once Redis is back.",
    "",
  );
}

/**
 * Figure 8 of the report: the fleet's three runs.
 *
 * @example
 * ```ts
 * fleetSection(results, lines);
 * ```
 */
export function fleetSection(results: BenchResults, lines: string[]): void {
  const fleet = results.fleet;
  if (fleet === undefined) return;
  lines.push("## 8. A fleet: one rate limit and one typing schedule through Redis", "");
  lines.push(
    `${fleet.workers} worker processes (half on \`@redis/client\`, half on \`ioredis\`) share one emulated standard portal ` +
      `(drain ${num(fleet.portal.drainPerSecond)}/s, bucket ${fleet.portal.bucketSize}, a line lives ${seconds(fleet.portal.typingTtlMs)}) ` +
      "and one `redis-server` (started by the bench, stopped by PID): each has `createRedisRateLimiter` and " +
      `\`createRedisTypingCoordinator\`, holds a lease (default options: refresh ${seconds(fleet.refreshMs)}, send limit ` +
      `${seconds(fleet.sendTimeoutMs)}) on the same ${num(fleet.dialogs)} dialogs, and calls \`writing()\` on a dialog of its own ` +
      `in ${fleet.concurrency} loops as fast as the limit lets it (each call's deadline ${seconds(fleet.callDeadlineMs)}, ` +
      "the limiter's `maxWaitMs` 80 % of it). Each run on a fresh emulator and Redis; rates and refreshes count from " +
      `${seconds(fleet.rampMs)} in (the first events going out). Command: \`${fleet.command}\`` +
      (fleet.timeScale === 1
        ? "."
        : ` — time ×${fleet.timeScale} (every duration divided, the drain multiplied).`),
    "",
  );
  fleetArithmetic(fleet, lines);
  lines.push(
    table(
      [
        "run",
        "mid-run",
        "503",
        "admitted/s",
        "typing / writing requests",
        "refreshes per dialog per period (min–max)",
        "longest gap",
        "lapses",
        "writing() calls: ok / failed",
        "slowest call",
        "Redis calls per admitted request (limiter + coordinator)",
      ],
      fleet.runs.map((run) => [
        `${run.name} (${seconds(run.durationMs)})`,
        run.event ? `${run.event.what} at ${seconds(run.event.atMs)}` : "—",
        run.rejected503AfterEvent === undefined
          ? num(run.rejected503)
          : `${num(run.rejected503)} (${num(run.rejected503AfterEvent)} after the restart)`,
        `${num(run.admittedPerSecond)} (${num((100 * run.admittedPerSecond) / fleet.portal.drainPerSecond)} %)`,
        `${num(run.typingRequests)} / ${num(run.writingRequests)}`,
        `${run.refreshesPerPeriod.mean.toFixed(3)} (${run.refreshesPerPeriod.min.toFixed(2)}–${run.refreshesPerPeriod.max.toFixed(2)})`,
        seconds(run.maxGapMs),
        run.lapses === 0
          ? "0"
          : `${num(run.lapses)} in ${num(run.lapsedDialogs)} dialogs (${num(run.lapsesAfterEvent)} within a line's life of the event)`,
        `${num(run.writing.ok)} / ${counts(run.writing.failed)}`,
        seconds(run.writing.maxMs),
        `${run.redisCallsPerAdmitted.limiter.toFixed(2)} + ${run.redisCallsPerAdmitted.coordinator.toFixed(2)}`,
      ]),
    ),
    "",
  );
  lines.push(
    "Refreshes per dialog per period: each leased dialog's events on the recipient view (the emulator's `typingStats`) " +
      `from the end of the ramp, ÷ the periods in that time — 1 is once per period for the whole fleet (${fleet.workers} would be ` +
      `every worker); up to ${MAX_REFRESHES_PER_PERIOD} passes (a refresh may go a tenth of its period early to share a batch). ` +
      "Lapses: the emulator's `typing.expired` events of leased dialogs while the fleet typed. Writing calls: every call of the " +
      "workers that were stopped (not killed); 'shown twice' compares each worker's successful calls with the events on its own dialog. " +
      "Redis calls: script calls of the reporting workers ÷ their share of the admitted requests.",
    "",
  );
  for (const run of fleet.runs) {
    const w = run.writing;
    lines.push(
      `- ${run.name}: ${num(w.calls)} calls, ${num(w.untyped)} untyped, ${num(w.unsettled)} unsettled, ` +
        `${num(w.overDeadline)} past their deadline, ${num(w.sentTwice)} shown twice; typing errors: ${counts(run.typingErrors)}; ` +
        `unhandled rejections ${num(run.unhandledRejections)}; ${run.workersReporting} of ${run.workers} workers reported.`,
    );
  }
  lines.push("");
  lines.push(
    fleet.verdict.passed
      ? "Verdict: **passed**."
      : `Verdict: **failed** — ${fleet.verdict.reasons.join("; ")}.`,
    "",
  );
}

/**
 * Figure 9 of the report: what a limiter costs per call, in memory and through Redis.
 *
 * @example
 * ```ts
 * overheadSection(results, lines);
 * ```
 */
export function overheadSection(results: BenchResults, lines: string[]): void {
  const overhead: LimiterOverheadResult | undefined = results.limiterOverhead;
  if (overhead === undefined) return;
  lines.push("## 9. Limiter overhead per call", "");
  lines.push(
    `\`acquire()\` back to back for ${overhead.secondsPerRow} s a row: core's in-memory leaky bucket beside ` +
      "`createRedisRateLimiter` on each client library, against a `redis-server` on loopback. 'Never waits' rows open the " +
      "bucket wide (10^6/s), so the latency is the limiter's own cost: for Redis, one round trip (one `EVALSHA`) and, with " +
      "many callers, the queue behind a process's one reservation. The last row of each limiter is a real limit (20/s, " +
      "bucket 10) shared by 4 processes: the Redis limiter keeps the portal's bucket from overflowing, 4 in-memory ones " +
      "(each believing it owns the budget) do not. 'Processes' are limiters with their own connection in one Node process. " +
      `Command: \`${overhead.command}\`.`,
    "",
  );
  lines.push(
    table(
      [
        "scenario",
        "limiter",
        "admitted",
        "admitted/s",
        "acquire p50 ms",
        "acquire p99 ms",
        "Redis calls / admitted",
        "Redis CPU µs / admitted",
        "portal overflow",
      ],
      overhead.rows.map((row) => [
        row.scenario,
        row.limiter,
        num(row.admitted),
        num(row.perSecond),
        num(row.p50Ms),
        num(row.p99Ms),
        row.redisCallsPerAdmitted === undefined ? "" : row.redisCallsPerAdmitted.toFixed(3),
        row.redisCpuUsPerAdmitted === undefined ? "" : num(row.redisCpuUsPerAdmitted),
        row.overflow === undefined ? "" : num(row.overflow),
      ]),
    ),
    "",
  );
}

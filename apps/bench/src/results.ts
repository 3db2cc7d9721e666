import type { FleetRun } from "./fleet-judge.js";
import type { MachineInfo } from "./machine.js";
import type { SoakVerdict } from "./soak-judge.js";
import type { Summary } from "./stats.js";

/**
 * A target from issue 8 and whether the median met it.
 *
 * @example
 * ```ts
 * const target: Target = judgeTarget(">=", 0.85, summary.median);
 * if (!target.met) console.log(`missed: ${summary.median} against ${target.op} ${target.value}`);
 * ```
 */
export interface Target {
  /** `>=`: the figure must reach `value`; `<=`: it must stay at or below it. */
  op: ">=" | "<=";
  value: number;
  met: boolean;
}

/**
 * The target `op value` and whether `median` met it.
 *
 * @example
 * ```ts
 * judgeTarget("<=", 1024, 980); // { op: "<=", value: 1024, met: true }
 * ```
 */
export function judgeTarget(op: Target["op"], value: number, median: number): Target {
  return { op, value, met: op === ">=" ? median >= value : median <= value };
}

/**
 * A ratio of two clients' figures, taken run by run (both measured in the same round).
 *
 * @example
 * ```ts
 * const missed: RatioFigure[] = speed.ratios.filter((ratio) => ratio.target?.met === false);
 * ```
 */
export interface RatioFigure {
  name: string;
  concurrency: number;
  summary: Summary;
  perRun: number[];
  target?: Target;
}

/**
 * One client at one concurrency.
 *
 * @example
 * ```ts
 * const atConcurrency32: ClientSpeed[] = speed.clients.filter((c) => c.concurrency === 32);
 * for (const c of atConcurrency32) console.log(c.client, spread(c.throughput, "/s"));
 * ```
 */
export interface ClientSpeed {
  client: string;
  concurrency: number;
  protocol: "http" | "https";
  /** Calls per second (successful calls ÷ wall time). */
  throughput: Summary;
  p50Ms: Summary;
  p99Ms: Summary;
  /** Client process CPU µs ÷ calls the server saw. */
  cpuPerCallUs: Summary;
  /** Emulator process CPU µs ÷ calls it saw: shows when the server, not the client, was the limit. */
  serverCpuPerCallUs: Summary;
  runMs: number;
  errors: number;
  firstError?: string;
  note?: string;
}

/**
 * Figure 1.
 *
 * @example
 * ```ts
 * const speed: CallSpeedResult = await runCallSpeed(FULL_SPEED_PLAN, certificate, log, command);
 * ```
 */
export interface CallSpeedResult {
  command: string;
  clients: ClientSpeed[];
  ratios: RatioFigure[];
}

/**
 * One probe of figure 2: `dialogs` kept typing by one strategy on its own emulator.
 *
 * @example
 * ```ts
 * const probe: CapacityProbe = judgeProbe(record);
 * if (!probe.passed) console.log(`${probe.dialogs} dialogs: ${probe.reason}`);
 * ```
 */
export interface CapacityProbe {
  strategy: "b24im" | "baseline";
  dialogs: number;
  passed: boolean;
  rejected503: number;
  /** Dialogs whose indicator went out at least once (or never came on, or was off at the end). */
  lapsedDialogs: number;
  /** Largest gap between two events of one dialog, in ms. */
  maxGapMs: number;
  /** Time from the start until the last dialog first showed the indicator, in ms. */
  rampMs: number;
  /** Shortest time a dialog was shown typing without a break, in ms. */
  minTypedMs: number;
  /** HTTP requests the emulator answered. */
  requests: number;
  reason?: string;
}

/**
 * Figure 2.
 *
 * @example
 * ```ts
 * const capacity: TypingCapacityResult = await runTypingCapacity(FULL_CAPACITY_PLAN, log, command);
 * console.log(`b24im ${capacity.b24imMax} dialogs, baseline ${capacity.baselineMax}`);
 * ```
 */
export interface TypingCapacityResult {
  command: string;
  portal: { drainPerSecond: number; bucketSize: number; typingTtlMs: number };
  /** 1 = real time; otherwise time ran this many times faster (ttl, drain and refresh scaled together). */
  timeScale: number;
  windowMs: number;
  clientRefreshMs: number;
  baselineIntervalMs: number;
  probes: CapacityProbe[];
  /** Largest passing probe of each strategy. */
  b24imMax: number;
  baselineMax: number;
  /** The baseline's limit worked out from the bucket arithmetic, for comparison. */
  baselineExpected: number;
  target: Target;
  search: string;
}

/**
 * Figure 3.
 *
 * @example
 * ```ts
 * const size: BundleSizeResult = await runBundleSize("pnpm bench --only=size");
 * size.apps[0]?.gzipBytes; // the b24im app, min + gzip
 * ```
 */
export interface BundleSizeResult {
  command: string;
  apps: { name: string; minifiedBytes: number; gzipBytes: number }[];
  /** The b24im app's largest modules, minified bytes before gzip (bundled from core's sources). */
  largestModules: { module: string; minifiedBytes: number }[];
  target: Target;
}

/**
 * Figure 4.
 *
 * @example
 * ```ts
 * const memory: LeaseMemoryResult = await runLeaseMemory(10_000, 5, "pnpm bench --only=memory");
 * memory.bytesPerLease.median;
 * ```
 */
export interface LeaseMemoryResult {
  command: string;
  leases: number;
  bytesPerLease: Summary;
  target: Target;
  note: string;
}

/**
 * Figure 5.
 *
 * @example
 * ```ts
 * const core: CoreOpsResult = runCoreOps(5, 1_000, "pnpm bench --only=core");
 * spread(core.opsPerSecond, "/s");
 * ```
 */
export interface CoreOpsResult {
  command: string;
  opsPerSecond: Summary;
  /** Each of the three steps alone, ops/s. */
  steps: { name: string; opsPerSecond: Summary }[];
}

/**
 * Figure 6: typing and calls through random faults, tokens expiring and wall-clock steps.
 *
 * @example
 * ```ts
 * const soak: ChaosSoakResult = await runChaosSoak(QUICK_SOAK_PLAN, log, command);
 * if (!soak.verdict.passed) console.error(soak.verdict.reasons.join("; "));
 * ```
 */
export interface ChaosSoakResult {
  command: string;
  /** 1 = real time; otherwise every duration ran this many times faster. */
  timeScale: number;
  /** How long typing ran, in (scaled) ms. */
  durationMs: number;
  dialogs: number;
  portal: { drainPerSecond: number; bucketSize: number; typingTtlMs: number };
  /** Faults injected, by name. */
  faults: Record<string, number>;
  /** Times every access token was expired at once (`expireAccessTokens`). */
  tokenExpiries: number;
  /** The client's wall clock steps: when (ms into the run) and by how much. */
  wallClockSteps: { atMs: number; byMs: number }[];
  /** The caller's own calls meanwhile. */
  userCalls: { sent: number; fulfilled: number; rejected: number; unsettled: number };
  /** Codes of the caller's calls that failed, and of the typing failures `onError` got. */
  callErrors: Record<string, number>;
  typingErrors: Record<string, number>;
  requests: number;
  failedRequests: number;
  hookReports: number;
  /** Typing sends that ended at their deadline (reported, with or without a failed request). */
  deadlineEnds: number;
  unhandledRejections: number;
  processWarnings: string[];
  /** Heap used after a full GC, MiB, through the run. */
  heapMiB: number[];
  verdict: SoakVerdict;
}

/**
 * Figure 7: events per second through `@b24im/bot`, beside a naive decode.
 *
 * @example
 * ```ts
 * const bot: BotEventsResult = await runBotEvents(5, 1_000, "pnpm bench --only=bot");
 * spread(bot.fetch, "/s");
 * ```
 */
export interface BotEventsResult {
  command: string;
  /** `bot.handle(event)`: dispatch of a decoded event to a handler that returns at once. */
  handle: Summary;
  /** `bot.fetch(request)`: read, decode, verify, type and dispatch one webhook POST. */
  fetch: Summary;
  /** `Object.fromEntries(new URLSearchParams(body))` of the same body: flat, unverified, untyped. */
  naiveDecode: Summary;
}

/**
 * Figure 8: a fleet of processes sharing one rate limit and one typing schedule through Redis.
 *
 * @example
 * ```ts
 * const fleet: FleetResult = await runFleet(QUICK_FLEET_PLAN, log, command);
 * if (!fleet.verdict.passed) console.error(fleet.verdict.reasons.join("; "));
 * ```
 */
export interface FleetResult {
  command: string;
  /** 1 = real time; otherwise every duration ran this many times faster. */
  timeScale: number;
  portal: { drainPerSecond: number; bucketSize: number; typingTtlMs: number };
  workers: number;
  dialogs: number;
  refreshMs: number;
  sendTimeoutMs: number;
  callDeadlineMs: number;
  rampMs: number;
  /** `writing()` loops per worker. */
  concurrency: number;
  runs: FleetRun[];
  verdict: { passed: boolean; reasons: string[] };
}

/**
 * One row of figure 9: what a limiter costs per admitted call.
 *
 * @example
 * ```ts
 * const viaRedis: LimiterOverheadRow[] = overhead.rows.filter((row) => row.limiter !== "in-memory");
 * ```
 */
export interface LimiterOverheadRow {
  scenario: string;
  limiter: "in-memory" | "@redis/client" | "ioredis";
  admitted: number;
  perSecond: number;
  /** `acquire()` latency, ms: the Redis round trip and the queue behind it, when nobody waits. */
  p50Ms: number;
  p99Ms: number;
  redisCallsPerAdmitted?: number;
  redisCpuUsPerAdmitted?: number;
  /** At a real limit: how far the portal's bucket, fed the admitted times, would overflow. */
  overflow?: number;
}

/**
 * Figure 9.
 *
 * @example
 * ```ts
 * const overhead: LimiterOverheadResult = await runLimiterOverhead(5, "pnpm bench --only=overhead");
 * ```
 */
export interface LimiterOverheadResult {
  command: string;
  secondsPerRow: number;
  rows: LimiterOverheadRow[];
}

/**
 * Everything `pnpm bench` measured; written to results.json and rendered into RESULTS.md.
 *
 * @example
 * ```ts
 * const results = JSON.parse(await readFile(join(dir, "results.json"), "utf8")) as BenchResults;
 * await writeReport(dir, results, explanations);
 * ```
 */
export interface BenchResults {
  startedAt: string;
  durationSeconds: number;
  quick: boolean;
  machine: MachineInfo;
  callSpeed?: CallSpeedResult;
  typingCapacity?: TypingCapacityResult;
  bundleSize?: BundleSizeResult;
  leaseMemory?: LeaseMemoryResult;
  coreOps?: CoreOpsResult;
  chaosSoak?: ChaosSoakResult;
  botEvents?: BotEventsResult;
  fleet?: FleetResult;
  limiterOverhead?: LimiterOverheadResult;
  /** Figures measured later than the rest (`--only`), merged into this report. */
  updated?: { figures: string[]; at: string }[];
  failures: { figure: string; message: string }[];
}

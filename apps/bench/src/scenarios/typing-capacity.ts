import { type B24Client, createClient, RATE_LIMIT_PRESETS } from "@b24im/core";
import { createNodeTransport } from "@b24im/transport-node";
import { baselineLimit } from "../baseline-limit.js";
import { judgeProbe } from "../capacity-judge.js";
import { type EmulatorProcess, spawnEmulator } from "../emulator-process.js";
import { benchDialogs } from "../portal-seed.js";
import type { CapacityProbe, TypingCapacityResult } from "../results.js";

/**
 * The standard cloud portal of BITRIX24.md and how long a dialog must stay "typing".
 *
 * @example
 * ```ts
 * const plan: CapacityPlan = { ...FULL_CAPACITY_PLAN, b24imLadder: [3_250], baselineLadder: [33] };
 * ```
 */
export interface CapacityPlan {
  /** 1 = real time; N runs every duration N times faster (ttl, drain rate, refresh, window). */
  timeScale: number;
  windowMs: number;
  /** Extra time for the first events of every dialog to go out. */
  rampAllowanceMs: number;
  b24imLadder: number[];
  baselineLadder: number[];
}

const PORTAL = { ...RATE_LIMIT_PRESETS.standard, typingTtlMs: 35_000 };
/** The client's default refresh (TypingOptions.refreshMs). */
const CLIENT_REFRESH_MS = 20_000;
/** Bitrix24's own web client sends the event at most once per 15 s. */
const BASELINE_INTERVAL_MS = 15_000;
const TARGET_DIALOGS = 1_500;

/**
 * The figure of `pnpm bench`: real time, a 90 s window, b24im probed from 2,000 dialogs up to
 * the 3,500 a standard portal can carry, and the baseline from 30 to 35, around the 32 its
 * bucket arithmetic gives.
 *
 * @example
 * ```ts
 * await runTypingCapacity(FULL_CAPACITY_PLAN, console.log, "pnpm bench --only=capacity");
 * ```
 */
export const FULL_CAPACITY_PLAN: CapacityPlan = {
  timeScale: 1,
  windowMs: 90_000,
  rampAllowanceMs: 15_000,
  // Up to where a standard portal stops: 100 commands/s × the 35 s indicator life = 3,500.
  b24imLadder: [2_000, 2_500, 3_000, 3_250, 3_500],
  baselineLadder: [30, 32, 33, 35],
};

/**
 * The figure of `pnpm bench --quick` (CI): the same window ten times faster, b24im only at the
 * target's 1,500 dialogs and the baseline at 30 and 35.
 *
 * @example
 * ```ts
 * await runTypingCapacity(QUICK_CAPACITY_PLAN, console.log, "pnpm bench --quick --only=capacity");
 * ```
 */
export const QUICK_CAPACITY_PLAN: CapacityPlan = {
  timeScale: 10,
  windowMs: 90_000,
  rampAllowanceMs: 15_000,
  b24imLadder: [1_500],
  baselineLadder: [30, 35],
};

interface Probe {
  strategy: CapacityProbe["strategy"];
  dialogs: number;
  emulator: EmulatorProcess;
  client: B24Client;
  stop(): void;
}

interface Scaled {
  ttlMs: number;
  drainPerSecond: number;
  refreshMs: number;
  baselineIntervalMs: number;
  windowMs: number;
  totalMs: number;
}

function scale(plan: CapacityPlan): Scaled {
  const s = plan.timeScale;
  return {
    ttlMs: PORTAL.typingTtlMs / s,
    drainPerSecond: PORTAL.drainPerSecond * s,
    refreshMs: CLIENT_REFRESH_MS / s,
    baselineIntervalMs: BASELINE_INTERVAL_MS / s,
    windowMs: plan.windowMs / s,
    totalMs: (plan.windowMs + plan.rampAllowanceMs) / s,
  };
}

function spawnPortal(dialogs: number, scaled: Scaled): Promise<EmulatorProcess> {
  return spawnEmulator({
    rateLimit: { drainPerSecond: scaled.drainPerSecond, bucketSize: PORTAL.bucketSize },
    chats: dialogs,
    typingTtlMs: scaled.ttlMs,
  });
}

function startProbe(
  strategy: Probe["strategy"],
  dialogs: number,
  emulator: EmulatorProcess,
  scaled: Scaled,
): Probe {
  const ids = benchDialogs(dialogs);
  // A failed call shows in the emulator's records (a 503, a lapse): that is what is judged.
  const ignore = () => undefined;
  if (strategy === "b24im") {
    const client = createClient({
      webhook: emulator.webhookUrl,
      transport: createNodeTransport(),
      rateLimit: { drainPerSecond: scaled.drainPerSecond, bucketSize: PORTAL.bucketSize },
    });
    const leases = ids.map((id) =>
      client.typing(id, {
        refreshMs: scaled.refreshMs,
        maxDurationMs: scaled.totalMs * 2,
        onError: ignore,
      }),
    );
    const stop = () => {
      for (const lease of leases) lease.stop();
    };
    return { strategy, dialogs, emulator, client, stop };
  }
  // The baseline: no limiter, no retry, one plain loop per dialog, every 15 s from the start.
  const client = createClient({
    webhook: emulator.webhookUrl,
    transport: createNodeTransport(),
    rateLimit: false,
    retry: false,
  });
  const send = (id: string) => client.writing(id).catch(ignore);
  const timers = ids.map((id) => {
    void send(id);
    return setInterval(() => void send(id), scaled.baselineIntervalMs);
  });
  const stop = () => {
    for (const timer of timers) clearInterval(timer);
  };
  return { strategy, dialogs, emulator, client, stop };
}

async function finishProbe(
  probe: Probe,
  startedAt: number,
  scaled: Scaled,
): Promise<CapacityProbe> {
  const endedAt = Date.now();
  const [stats, counters] = [await probe.emulator.typingStats(), await probe.emulator.counters()];
  probe.stop();
  await probe.client.close();
  await probe.emulator.close();
  return judgeProbe({
    strategy: probe.strategy,
    dialogs: benchDialogs(probe.dialogs),
    senderId: 1,
    stats,
    rejected503: counters.rejected503,
    requests: counters.requests,
    startedAt,
    endedAt,
    ttlMs: scaled.ttlMs,
    windowMs: scaled.windowMs,
  });
}

function largestPassing(probes: CapacityProbe[], strategy: CapacityProbe["strategy"]): number {
  return Math.max(
    0,
    ...probes.filter((p) => p.strategy === strategy && p.passed).map((p) => p.dialogs),
  );
}

/**
 * Figure 2: how many dialogs stay "typing" without a break and without a 503 on a standard
 * portal. Every probe gets its own emulator process (its own portal and bucket), so the
 * ladder of sizes runs side by side in one window instead of one window per size.
 *
 * @example
 * ```ts
 * const result = await runTypingCapacity(QUICK_CAPACITY_PLAN, console.log, "pnpm bench --only=capacity");
 * ```
 */
export async function runTypingCapacity(
  plan: CapacityPlan,
  log: (line: string) => void,
  command: string,
): Promise<TypingCapacityResult> {
  const scaled = scale(plan);
  const probes: Probe[] = [];
  try {
    // Emulators first, then every client at once: all probes share one start time.
    const pending = [
      ...plan.b24imLadder.map((n) => ["b24im", n] as const),
      ...plan.baselineLadder.map((n) => ["baseline", n] as const),
    ];
    const emulators = await Promise.all(pending.map(([, dialogs]) => spawnPortal(dialogs, scaled)));
    const startedAt = Date.now();
    pending.forEach(([strategy, dialogs], index) => {
      probes.push(startProbe(strategy, dialogs, emulators[index] as EmulatorProcess, scaled));
    });
    log(`  ${probes.length} probes typing for ${Math.round(scaled.totalMs / 1000)} s`);
    await new Promise((resolve) => setTimeout(resolve, scaled.totalMs));
    const results: CapacityProbe[] = [];
    for (const probe of probes) results.push(await finishProbe(probe, startedAt, scaled));
    probes.length = 0;
    const b24imMax = largestPassing(results, "b24im");
    return {
      command,
      portal: {
        drainPerSecond: scaled.drainPerSecond,
        bucketSize: PORTAL.bucketSize,
        typingTtlMs: scaled.ttlMs,
      },
      timeScale: plan.timeScale,
      windowMs: scaled.windowMs,
      clientRefreshMs: scaled.refreshMs,
      baselineIntervalMs: scaled.baselineIntervalMs,
      probes: results,
      b24imMax,
      baselineMax: largestPassing(results, "baseline"),
      baselineExpected: baselineLimit(
        scaled.totalMs,
        scaled.drainPerSecond,
        PORTAL.bucketSize,
        scaled.baselineIntervalMs,
      ),
      target: { op: ">=", value: TARGET_DIALOGS, met: b24imMax >= TARGET_DIALOGS },
      search:
        `a ladder of sizes (b24im: ${plan.b24imLadder.join(", ")}; baseline: ${plan.baselineLadder.join(", ")}) ` +
        "run side by side, each on its own emulator process (its own portal and bucket), in one window; " +
        "the figure is the largest size that passed, the next size up bounds it",
    };
  } finally {
    for (const probe of probes) {
      probe.stop();
      await probe.client.close().catch(() => undefined);
      await probe.emulator.close();
    }
  }
}

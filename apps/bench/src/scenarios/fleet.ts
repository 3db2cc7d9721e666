import { RATE_LIMIT_PRESETS, sleep, systemClock } from "@b24im/core";
import { CLIENT_KINDS } from "../../../../packages/limiter-redis/src/testing/clients.test-helpers.js";
import {
  type RedisServer,
  startRedisServer,
} from "../../../../packages/limiter-redis/src/testing/redis-server.test-helpers.js";
import { type EmulatorProcess, spawnEmulator } from "../emulator-process.js";
import {
  type FleetRecord,
  type FleetRun,
  fleetProblems,
  summarizeFleetRun,
} from "../fleet-judge.js";
import { type FleetWorkerProcess, spawnFleetWorker } from "../fleet-process.js";
import type { FleetWorkerSpec } from "../fleet-protocol.js";
import { benchDialogs } from "../portal-seed.js";
import type { FleetResult } from "../results.js";
import { watchExpiries } from "../typing-expiries.js";

/**
 * Figure 8's three runs; every time is real-time ms at scale 1.
 *
 * @example
 * ```ts
 * const plan: FleetPlan = { ...FULL_FLEET_PLAN, steadyMs: 60_000 };
 * ```
 */
export interface FleetPlan {
  /** 1 = real time; N runs every duration N times faster (drain rate multiplied by N). */
  timeScale: number;
  workers: number;
  dialogs: number;
  /** The steady run, and the two runs with something killed mid-way. */
  steadyMs: number;
  eventRunMs: number;
  /** When the workers or Redis are killed in those, ms into the run. */
  eventAtMs: number;
  /** How long Redis stays down before it is started again. */
  redisDownMs: number;
  killWorkers: number;
  /** The first events going out: refresh rates and the admitted rate count from its end. */
  rampMs: number;
  /** `writing()` loops per worker, each call's deadline. */
  concurrency: number;
  callDeadlineMs: number;
}

/**
 * The full figure: 8 workers, 2,000 dialogs, three minutes steady, then two runs of two
 * minutes with 2 workers killed and with Redis killed mid-way.
 *
 * @example
 * ```ts
 * await runFleet(FULL_FLEET_PLAN, console.log, "pnpm bench --only=fleet");
 * ```
 */
export const FULL_FLEET_PLAN: FleetPlan = {
  timeScale: 1,
  workers: 8,
  dialogs: 2_000,
  steadyMs: 180_000,
  eventRunMs: 120_000,
  eventAtMs: 60_000,
  redisDownMs: 3_000,
  killWorkers: 2,
  rampMs: 30_000,
  concurrency: 4,
  callDeadlineMs: 30_000,
};

/**
 * The quick figure (CI): the same ten times faster, 18 s and two runs of 12 s.
 *
 * @example
 * ```ts
 * await runFleet(QUICK_FLEET_PLAN, console.log, "pnpm bench --quick --only=fleet");
 * ```
 */
export const QUICK_FLEET_PLAN: FleetPlan = { ...FULL_FLEET_PLAN, timeScale: 10 };

const PORTAL = { ...RATE_LIMIT_PRESETS.standard, typingTtlMs: 35_000 };
/** The client's default refresh, and the default send time limit that goes with it. */
const REFRESH_MS = 20_000;
const SEND_TIMEOUT_MS = 10_000;
const SENDER_ID = 1;

type RunKind = "steady" | "kill" | "redis";

// The runs, in the order they run, by the name the report shows.
const RUN_NAMES: Record<RunKind, FleetRun["name"]> = {
  steady: "steady",
  kill: "2 workers killed",
  redis: "Redis killed and restarted",
};

/**
 * Figure 8: a fleet of worker processes sharing one portal through one Redis — one rate
 * limit (`createRedisRateLimiter`) and one typing schedule (`createRedisTypingCoordinator`) —
 * against the emulator at the standard limit, each calling `writing()` as fast as the limit
 * lets it and all holding leases on the same dialogs. Three runs, each on a fresh emulator
 * and Redis: steady; 2 workers SIGKILLed mid-run; Redis SIGKILLed mid-run and started again.
 *
 * @example
 * ```ts
 * const result = await runFleet(QUICK_FLEET_PLAN, console.log, "pnpm bench --quick --only=fleet");
 * ```
 */
export async function runFleet(
  plan: FleetPlan,
  log: (line: string) => void,
  command: string,
): Promise<FleetResult> {
  const s = plan.timeScale;
  const scaled = (ms: number) => ms / s;
  const rateLimit = { drainPerSecond: PORTAL.drainPerSecond * s, bucketSize: PORTAL.bucketSize };
  const runs = [];
  for (const kind of Object.keys(RUN_NAMES) as RunKind[]) {
    log(`  ${kind} run`);
    runs.push(summarizeFleetRun(await runOnce(kind, plan, scaled, rateLimit, log)));
  }
  const reasons = runs.flatMap((run) => fleetProblems(run, rateLimit.drainPerSecond));
  return {
    command,
    timeScale: s,
    portal: { ...rateLimit, typingTtlMs: scaled(PORTAL.typingTtlMs) },
    workers: plan.workers,
    dialogs: plan.dialogs,
    refreshMs: scaled(REFRESH_MS),
    sendTimeoutMs: scaled(SEND_TIMEOUT_MS),
    callDeadlineMs: scaled(plan.callDeadlineMs),
    rampMs: scaled(plan.rampMs),
    concurrency: plan.concurrency,
    runs,
    verdict: { passed: reasons.length === 0, reasons },
  };
}

async function runOnce(
  kind: RunKind,
  plan: FleetPlan,
  scaled: (ms: number) => number,
  rateLimit: { drainPerSecond: number; bucketSize: number },
  log: (line: string) => void,
): Promise<FleetRecord> {
  const dialogs = benchDialogs(plan.dialogs);
  const writingDialogs = benchDialogs(plan.dialogs + plan.workers).slice(plan.dialogs);
  let emulator: EmulatorProcess | undefined;
  let redis: RedisServer | undefined;
  const workers: FleetWorkerProcess[] = [];
  try {
    [emulator, redis] = await Promise.all([
      spawnEmulator({
        rateLimit,
        chats: plan.dialogs + plan.workers,
        typingTtlMs: scaled(PORTAL.typingTtlMs),
      }),
      startRedisServer(),
    ]);
    const server = redis;
    const specOf = (index: number): FleetWorkerSpec => ({
      index,
      webhookUrl: (emulator as EmulatorProcess).webhookUrl,
      redisPort: server.port,
      client: CLIENT_KINDS[index % CLIENT_KINDS.length] ?? "ioredis",
      rateLimit,
      limiterKey: "b24im:bench:127.0.0.1",
      coordinatorKey: "b24im:typing:bench",
      dialogs,
      writingDialog: writingDialogs[index] as string,
      refreshMs: scaled(REFRESH_MS),
      sendTimeoutMs: scaled(SEND_TIMEOUT_MS),
      concurrency: plan.concurrency,
      callDeadlineMs: scaled(plan.callDeadlineMs),
      // A call that would wait past its deadline fails at once, typed and unsent.
      maxWaitMs: scaled(plan.callDeadlineMs) * 0.8,
    });
    workers.push(
      ...(await Promise.all(
        Array.from({ length: plan.workers }, (_, i) => spawnFleetWorker(specOf(i))),
      )),
    );
    const watch = await watchExpiries(emulator.url);
    const startedAt = Date.now();
    await Promise.all(workers.map((worker) => worker.start()));
    const durationMs = scaled(kind === "steady" ? plan.steadyMs : plan.eventRunMs);
    const rampEndAt = startedAt + scaled(plan.rampMs);
    await sleep(systemClock, rampEndAt - Date.now());
    const [statsAtRampEnd, countersAtRampEnd] = [
      await emulator.typingStats(),
      await emulator.counters(),
    ];
    let event: FleetRecord["event"];
    let countersAfterEvent: FleetRecord["countersAfterEvent"];
    if (kind !== "steady") {
      await sleep(systemClock, startedAt + scaled(plan.eventAtMs) - Date.now());
      const at = Date.now();
      if (kind === "kill") {
        await Promise.all(workers.slice(0, plan.killWorkers).map((worker) => worker.kill()));
        event = { what: `${plan.killWorkers} workers SIGKILLed`, at, overAt: Date.now() };
      } else {
        // A crash, not a shutdown: the server gets no chance to say goodbye to its clients.
        process.kill(server.pid, "SIGKILL");
        await sleep(systemClock, scaled(plan.redisDownMs));
        await server.restart();
        event = { what: "Redis SIGKILLed, started again (empty)", at, overAt: Date.now() };
        countersAfterEvent = await emulator.counters();
      }
      log(`    ${event.what} at ${Math.round((at - startedAt) / 1000)} s`);
    }
    await sleep(systemClock, startedAt + durationMs - Date.now());
    const endedAt = Date.now();
    const [statsAtEnd, countersAtEnd] = [await emulator.typingStats(), await emulator.counters()];
    watch.close();
    const reports = await Promise.all(
      workers.filter((worker) => !worker.killed).map((worker) => worker.stop()),
    );
    return {
      name: RUN_NAMES[kind],
      dialogs,
      senderId: SENDER_ID,
      writingDialogs,
      workers: plan.workers,
      startedAt,
      rampEndAt,
      event,
      endedAt,
      refreshMs: scaled(REFRESH_MS),
      ttlMs: scaled(PORTAL.typingTtlMs),
      drainPerSecond: rateLimit.drainPerSecond,
      callDeadlineMs: scaled(plan.callDeadlineMs),
      statsAtRampEnd,
      statsAtEnd,
      countersAtRampEnd,
      countersAfterEvent,
      countersAtEnd,
      expiries: watch.expiries,
      reports,
    };
  } finally {
    // Whatever happened, no process of this run outlives it.
    await Promise.all(workers.filter((w) => !w.killed).map((w) => w.kill()));
    await emulator?.close();
    await redis?.stop();
  }
}

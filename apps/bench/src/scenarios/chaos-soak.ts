import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import {
  type B24Client,
  B24Error,
  type BatchResult,
  createClient,
  RATE_LIMIT_PRESETS,
  sleep,
  systemClock,
  TimeoutError,
  type TypingLease,
} from "@b24im/core";
import { createNodeTransport } from "@b24im/transport-node";
import { spawnEmulator } from "../emulator-process.js";
import { BENCH_OAUTH_APP, benchDialogs } from "../portal-seed.js";
import type { ChaosSoakResult } from "../results.js";
import { failuresOf, faultSequence, SOAK_FAULTS, type SoakFault } from "../soak-faults.js";
import { type DialogMoment, judgeSoak } from "../soak-judge.js";
import { tally } from "../stats.js";
import { steppedClock } from "../stepped-clock.js";
import { type ExpiryWatch, watchExpiries } from "../typing-expiries.js";

/**
 * How long the soak runs and how rough the weather is; every time is real-time ms at scale 1.
 *
 * @example
 * ```ts
 * const plan: SoakPlan = { ...QUICK_SOAK_PLAN, seed: 7 }; // other weather, same pace
 * ```
 */
export interface SoakPlan {
  /** 1 = real time; N runs every duration N times faster (drain rate multiplied by N). */
  timeScale: number;
  dialogs: number;
  /** The whole run; faults, token expiries and clock steps stop `calmMs` before its end. */
  durationMs: number;
  calmMs: number;
  faultEveryMs: number;
  tokenExpiryEveryMs: number;
  /** One call of the caller's own (a call, or every tenth a 60-command batch) this often. */
  callEveryMs: number;
  /** Seed of the fault sequence: the same seed meets the same weather. */
  seed: number;
}

/**
 * The soak of `pnpm bench`: real time, three minutes, a fault every 2.5 s.
 *
 * @example
 * ```ts
 * await runChaosSoak(FULL_SOAK_PLAN, console.log, "pnpm bench --only=soak");
 * ```
 */
export const FULL_SOAK_PLAN: SoakPlan = {
  timeScale: 1,
  dialogs: 1_000,
  durationMs: 180_000,
  calmMs: 45_000,
  faultEveryMs: 2_500,
  tokenExpiryEveryMs: 40_000,
  callEveryMs: 2_000,
  seed: 2026,
};

/**
 * The soak of `pnpm bench --quick` (CI): the same weather ten times faster, 18 s.
 *
 * @example
 * ```ts
 * await runChaosSoak(QUICK_SOAK_PLAN, console.log, "pnpm bench --quick --only=soak");
 * ```
 */
export const QUICK_SOAK_PLAN: SoakPlan = { ...FULL_SOAK_PLAN, timeScale: 10 };

const PORTAL = { ...RATE_LIMIT_PRESETS.standard, typingTtlMs: 35_000 };
const HOUR_MS = 3_600_000;
const USER_METHODS = ["server.time", "profile", "im.revision.get"] as const;

// A full GC before each heap sample, without running the whole bench under --expose-gc. The
// flag is set at the first sample, so a bench run without the soak never changes V8's flags.
let collectGarbage: (() => void) | undefined;
const heapMiB = () => {
  if (collectGarbage === undefined) {
    setFlagsFromString("--expose-gc");
    collectGarbage = runInNewContext("gc") as () => void;
  }
  collectGarbage();
  return process.memoryUsage().heapUsed / 2 ** 20;
};

/** What the process itself reported while the soak ran. */
function watchProcess() {
  const rejections: unknown[] = [];
  const warnings: string[] = [];
  const onRejection = (reason: unknown) => rejections.push(reason);
  const onWarning = (warning: Error) => warnings.push(`${warning.name}: ${warning.message}`);
  process.on("unhandledRejection", onRejection);
  process.on("warning", onWarning);
  return {
    rejections,
    warnings,
    stop() {
      process.off("unhandledRejection", onRejection);
      process.off("warning", onWarning);
    },
  };
}

/**
 * Figure 6: a chaos soak. 1,000 dialogs type through an OAuth client against an emulated
 * standard portal while the caller's own calls stream alongside, under a seeded random mix of
 * server faults (resets, hangs, 502 pages, cut JSON, 503 bursts, expired tokens), every access
 * token expiring now and then, and the client's wall clock stepping an hour back and then
 * forward. The verdict: no unhandled rejection or process warning, every call settled, every
 * failed request reported exactly once to the hooks, no lapse without a reported failure, and
 * a flat heap.
 *
 * @example
 * ```ts
 * const result = await runChaosSoak(QUICK_SOAK_PLAN, console.log, "pnpm bench --quick --only=soak");
 * ```
 */
export async function runChaosSoak(
  plan: SoakPlan,
  log: (line: string) => void,
  command: string,
): Promise<ChaosSoakResult> {
  const s = plan.timeScale;
  const scaled = (ms: number) => ms / s;
  const ttlMs = scaled(PORTAL.typingTtlMs);
  const portal = { drainPerSecond: PORTAL.drainPerSecond * s, bucketSize: PORTAL.bucketSize };
  const emulator = await spawnEmulator({
    rateLimit: portal,
    chats: plan.dialogs,
    typingTtlMs: ttlMs,
    logLimit: 1_000_000,
  });
  const watch = watchProcess();
  const timers: ReturnType<typeof setTimeout>[] = [];
  let client: B24Client | undefined;
  let expiryWatch: ExpiryWatch | undefined;
  try {
    expiryWatch = await watchExpiries(emulator.url);
    const tokens = await emulator.issueTokens();
    const clock = steppedClock();
    let hookReports = 0;
    const typingErrors: Record<string, number> = {};
    const reported: DialogMoment[] = [];
    // One error object per failed send, shared by its dialogs: those that ended at the deadline.
    const deadlineErrors = new Set<unknown>();
    const sendTimeoutMs = scaled(10_000);
    client = createClient({
      oauth: {
        clientEndpoint: tokens.client_endpoint,
        serverEndpoint: tokens.server_endpoint,
        accessToken: tokens.access_token,
        refreshToken: tokens.refresh_token,
        ...BENCH_OAUTH_APP,
      },
      transport: createNodeTransport(),
      rateLimit: portal,
      timeoutMs: scaled(30_000),
      retry: { baseDelayMs: scaled(500), maxDelayMs: scaled(30_000) },
      clock,
      hooks: {
        onRetry: () => void hookReports++,
        onError: () => void hookReports++,
      },
      typing: {
        refreshMs: scaled(20_000),
        sendTimeoutMs,
        maxDurationMs: Number.POSITIVE_INFINITY,
        onError: (error, dialogId) => {
          tally(typingErrors, error.code);
          reported.push({ dialogId, at: Date.now() });
          if (error instanceof TimeoutError && error.timeoutMs === sendTimeoutMs) {
            deadlineErrors.add(error);
          }
        },
      },
    });
    const dialogs = benchDialogs(plan.dialogs);
    const leases: TypingLease[] = dialogs.map((id) => (client as B24Client).typing(id));
    const at = (ms: number, run: () => unknown) => {
      timers.push(setTimeout(run, scaled(ms)));
    };
    const stormEnd = plan.durationMs - plan.calmMs;

    // The weather: faults, token expiries and two steps of the wall clock.
    const faults: Record<string, number> = {};
    const nextFault = faultSequence(plan.seed);
    for (let t = plan.faultEveryMs; t < stormEnd; t += plan.faultEveryMs) {
      const name: SoakFault = nextFault();
      at(t, () => {
        tally(faults, name);
        void emulator.addFault(SOAK_FAULTS[name]);
      });
    }
    let tokenExpiries = 0;
    for (let t = plan.tokenExpiryEveryMs; t < stormEnd; t += plan.tokenExpiryEveryMs) {
      at(t, () => {
        tokenExpiries++;
        void emulator.expireAccessTokens();
      });
    }
    const wallClockSteps = [
      { atMs: Math.round(stormEnd / 3), byMs: -HOUR_MS },
      { atMs: Math.round((2 * stormEnd) / 3), byMs: HOUR_MS },
    ];
    for (const step of wallClockSteps) at(step.atMs, () => clock.stepWall(step.byMs));

    // The caller's own calls, settled or not by the end.
    const userCalls = { sent: 0, fulfilled: 0, rejected: 0, unsettled: 0 };
    const callErrors: Record<string, number> = {};
    const pending = new Set<Promise<unknown>>();
    const failed = (error: unknown) =>
      tally(callErrors, error instanceof B24Error ? error.code : "not a B24Error");
    const callUntil = plan.durationMs - plan.calmMs / 2;
    for (let t = plan.callEveryMs, n = 0; t < callUntil; t += plan.callEveryMs, n++) {
      at(t, () => {
        const c = client as B24Client;
        userCalls.sent++;
        const call: Promise<unknown> =
          n % 10 === 9
            ? c.batch(Array.from({ length: 60 }, () => ({ method: "server.time", params: {} })))
            : c.call(USER_METHODS[n % USER_METHODS.length] as string);
        const settled = call.then(
          (value) => {
            userCalls.fulfilled++;
            if (Array.isArray(value)) {
              for (const entry of value as BatchResult)
                if (entry.status === "rejected") failed(entry.reason);
            }
          },
          (error: unknown) => {
            userCalls.rejected++;
            failed(error);
          },
        );
        pending.add(settled);
        void settled.finally(() => pending.delete(settled));
      });
    }

    // Heap after warm-up, through the storm, and at the end.
    const heap: number[] = [];
    for (const fraction of [0.15, 0.4, 0.6, stormEnd / plan.durationMs, 0.97]) {
      at(Math.round(plan.durationMs * fraction), () => heap.push(heapMiB()));
    }
    log(
      `  ${plan.dialogs} dialogs typing for ${Math.round(scaled(plan.durationMs) / 1000)} s under faults`,
    );
    await sleep(systemClock, scaled(plan.durationMs));

    const endedAt = Date.now();
    const stats = await emulator.typingStats();
    const expiries = [...expiryWatch.expiries];
    expiryWatch.close();
    for (const lease of leases) lease.stop();
    // Calls still out get a call's whole time limit, retries included, to settle.
    await Promise.race([Promise.allSettled([...pending]), sleep(systemClock, scaled(3 * 30_000))]);
    userCalls.unsettled = pending.size;
    await client.close();
    const [counters, requests] = [await emulator.counters(), await emulator.log()];
    // Every failed request carries its error in the log; a cut answer looks like a 200 there.
    const failedRequests =
      requests.filter((entry) => entry.error !== undefined).length +
      (faults["cut JSON"] ?? 0) * failuresOf("cut JSON");
    watch.stop();
    const verdict = judgeSoak({
      dialogs,
      senderId: tokens.user_id,
      stats,
      expiries,
      endedAt,
      ttlMs,
      reported,
      portalFull: requests
        .filter((entry) => entry.error === "QUERY_LIMIT_EXCEEDED")
        .map((entry) => entry.at),
      unhandledRejections: watch.rejections.length,
      processWarnings: watch.warnings,
      hookReports,
      failedRequests,
      deadlineEnds: deadlineErrors.size,
      unsettledCalls: userCalls.unsettled,
      heapMiB: heap,
    });
    log(`  soak ${verdict.passed ? "passed" : `failed: ${verdict.reasons.join("; ")}`}`);
    return {
      command,
      timeScale: s,
      durationMs: scaled(plan.durationMs),
      dialogs: plan.dialogs,
      portal: { ...portal, typingTtlMs: ttlMs },
      faults,
      tokenExpiries,
      wallClockSteps: wallClockSteps.map((step) => ({ ...step, atMs: scaled(step.atMs) })),
      userCalls,
      callErrors,
      typingErrors,
      requests: counters.requests,
      failedRequests,
      hookReports,
      deadlineEnds: deadlineErrors.size,
      unhandledRejections: watch.rejections.length,
      processWarnings: watch.warnings,
      heapMiB: heap,
      verdict,
    };
  } finally {
    for (const timer of timers) clearTimeout(timer);
    expiryWatch?.close();
    watch.stop();
    await client?.close().catch(() => undefined);
    await emulator.clearFaults().catch(() => undefined);
    await emulator.close();
  }
}

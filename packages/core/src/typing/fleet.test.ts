import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { sleep } from "../async/abort.js";
import type { Clock } from "../async/clock.js";
import type { BatchOutcome } from "../protocol/batch.js";
import type { B24Error } from "../protocol/errors.js";
import type { MethodCall } from "../protocol/methods.js";
import { createFakeClock } from "../testing/fake-clock.js";
import type { TypingCoordinator } from "./coordinator.js";
import { createMemoryTypingCoordinator } from "./memory-coordinator.js";
import type { TypingOptions } from "./options.js";
import { createTypingScheduler, type TypingSender } from "./scheduler.js";

const fulfilled: BatchOutcome = { status: "fulfilled", value: true };
const never = () => new Promise<never>(() => {});

interface Event {
  at: number;
  worker: number;
  dialog: string;
  status?: unknown;
}

/**
 * A fleet of typing schedulers ("workers", each its own client) on one fake clock, sharing one
 * coordinator. Every event a worker sends lands in `events`, the recipients' view. A worker
 * marked dead stops at once, as a killed process does: its sends and its coordinator calls
 * never answer, and nothing of it reaches the fleet any more.
 */
function fleetOf(
  workers: number,
  o: {
    latencyMs?: number;
    defaults?: TypingOptions;
    coordinator?: (clock: Clock) => TypingCoordinator;
    user?: (worker: number) => string;
    /** How long each worker's claims take (a coordinator far away). */
    claimMs?: (worker: number) => number;
  } = {},
) {
  const clock = createFakeClock({ now: 0 });
  const shared = o.coordinator?.(clock) ?? createMemoryTypingCoordinator({ clock });
  const events: Event[] = [];
  const dead = new Set<number>();
  const errors: Array<{ worker: number; code: string; dialogId: string }> = [];
  const schedulers = Array.from({ length: workers }, (_, worker) => {
    const send: TypingSender = async (calls, { signal }) => {
      if (dead.has(worker)) return never();
      // Recorded as they leave: an event on its way reaches the recipient whatever happens next.
      for (const call of calls) {
        events.push({
          at: clock.now(),
          worker,
          dialog: dialogOf(call),
          status: call.params.statusMessageCode,
        });
      }
      if (o.latencyMs) await sleep(clock, o.latencyMs, signal);
      if (dead.has(worker)) return never();
      return calls.map(() => fulfilled);
    };
    const own: TypingCoordinator = {
      join: (holds, call) => (dead.has(worker) ? never() : shared.join(holds, call)),
      claim: async (claims, call) => {
        if (dead.has(worker)) return never();
        const ms = o.claimMs?.(worker) ?? 0;
        if (ms > 0) await sleep(clock, ms);
        return shared.claim(claims, call);
      },
      settle: (outcome, call) => (dead.has(worker) ? never() : shared.settle(outcome, call)),
      leave: (keys, call) => (dead.has(worker) ? never() : shared.leave(keys, call)),
    };
    return createTypingScheduler({
      clock,
      send,
      defaults: {
        onError: (error: B24Error, dialogId: string) =>
          void errors.push({ worker, code: error.code, dialogId }),
        ...o.defaults,
      },
      fleet: { coordinator: own, user: o.user?.(worker) ?? "user:1" },
    });
  });
  const timesOf = (dialog: string, from = 0) =>
    events.filter((e) => e.dialog === dialog && e.at >= from).map((e) => e.at);
  const maxGap = (dialog: string, from: number, to: number) => {
    const times = [from, ...timesOf(dialog, from).filter((at) => at <= to), to];
    return Math.max(...times.slice(1).map((at, i) => at - (times[i] as number)));
  };
  return { clock, schedulers, events, dead, errors, timesOf, maxGap };
}

function dialogOf(call: MethodCall): string {
  return String(call.params.DIALOG_ID ?? call.params.dialogId);
}

const dialogs = (count: number) => Array.from({ length: count }, (_, i) => `chat${i + 1}`);
const REFRESH = { refreshMs: 1_000, sendTimeoutMs: 400, maxDurationMs: 1_000_000 };

describe("a fleet of schedulers sharing one coordinator", () => {
  it("sends each dialog's refresh once per period, not once per worker, in batches of 50", async () => {
    const t = fleetOf(3, { latencyMs: 20, defaults: REFRESH });
    const ids = dialogs(120);
    for (const scheduler of t.schedulers) for (const id of ids) scheduler.lease(id);
    await t.clock.advance(20_000);
    for (const id of ids) {
      // 21 events in 20 s at one a second (the first at 0), whichever worker sent each.
      expect(t.timesOf(id).length).toBeGreaterThanOrEqual(20);
      expect(t.timesOf(id).length).toBeLessThanOrEqual(22);
      expect(t.maxGap(id, 0, 20_000)).toBeLessThanOrEqual(1_000 + 50);
    }
    const byWorker = new Set(t.events.map((e) => e.worker));
    expect(byWorker.size).toBeGreaterThan(1);
    expect(t.errors).toEqual([]);
  });

  it("a new lease's first event waits only when the fleet sent one within the period", async () => {
    const t = fleetOf(3, { defaults: REFRESH });
    const [a, b, c] = t.schedulers;
    const leaseA = a?.lease("chat1");
    await t.clock.advance(300);
    const leaseB = b?.lease("chat1"); // the fleet sent one 300 ms ago: nothing now
    await t.clock.advance(1_800);
    expect(t.timesOf("chat1")).toEqual([0, 1_000, 2_000]);
    leaseA?.stop();
    await t.clock.advance(100);
    expect(t.timesOf("chat1")).toEqual([0, 1_000, 2_000]); // b holds it still
    leaseB?.stop();
    await t.clock.advance(100);
    // The last lease anywhere ended the schedule: a new one types at once.
    c?.lease("chat1");
    await t.clock.advance(1);
    expect(t.timesOf("chat1")).toEqual([0, 1_000, 2_000, 2_300]);
  });

  it("a worker that dies mid-send: its claims fall due for the others within the hold", async () => {
    const t = fleetOf(2, { latencyMs: 20, defaults: REFRESH });
    const ids = dialogs(60);
    for (const scheduler of t.schedulers) for (const id of ids) scheduler.lease(id);
    await t.clock.advance(5_000);
    // Worker 0 dies right as it claims: whatever it claims is never sent nor settled.
    t.dead.add(0);
    await t.clock.advance(10_000);
    for (const id of ids) {
      // Refresh 1 s, hold = sendTimeoutMs 400 ms: no gap beyond a period, a hold and a send.
      expect(t.maxGap(id, 0, 15_000)).toBeLessThanOrEqual(1_000 + 400 + 2 * 20 + 20);
      expect(t.timesOf(id, 6_000).length).toBeGreaterThanOrEqual(8);
    }
    expect(t.events.filter((e) => e.at > 5_500).every((e) => e.worker === 1)).toBe(true);
  });

  it("a dead worker's holds stop counting: the live one's leave ends the schedule", async () => {
    const t = fleetOf(3, { defaults: REFRESH });
    const [a, b, c] = t.schedulers;
    a?.lease("chat1");
    const leaseB = b?.lease("chat1");
    await t.clock.advance(500);
    t.dead.add(0);
    await t.clock.advance(3_000); // more than two periods and a hold since a last asked
    leaseB?.stop();
    await t.clock.advance(300);
    const before = t.timesOf("chat1").length;
    c?.lease("chat1");
    await t.clock.advance(1);
    expect(t.timesOf("chat1")).toHaveLength(before + 1);
  });

  it("two users typing in one dialog never suppress each other", async () => {
    const t = fleetOf(2, { defaults: REFRESH, user: (worker) => `user:${worker + 1}` });
    for (const scheduler of t.schedulers) scheduler.lease("chat5");
    await t.clock.advance(2_500);
    expect(t.events.map((e) => [e.at, e.worker])).toEqual([
      [0, 0],
      [0, 1],
      [1_000, 0],
      [1_000, 1],
      [2_000, 0],
      [2_000, 1],
    ]);
  });

  it("a v2 bot's new status goes out at once, although another worker sent the refresh", async () => {
    const t = fleetOf(2, { defaults: REFRESH });
    const as = { botId: 7, v2: true as const, statusMessageCode: "IMBOT_AGENT_ACTION_THINKING" };
    const [a, b] = t.schedulers;
    a?.lease("chat5", { as });
    const leaseB = b?.lease("chat5", { as });
    await t.clock.advance(400);
    leaseB?.setStatus("IMBOT_AGENT_ACTION_SEARCHING");
    await t.clock.advance(1);
    expect(t.events.map((e) => [e.at, e.worker, e.status])).toEqual([
      [0, 0, "IMBOT_AGENT_ACTION_THINKING"],
      [400, 1, "IMBOT_AGENT_ACTION_SEARCHING"],
    ]);
    // The next refresh is due a period after the new status, for the whole fleet.
    await t.clock.advance(1_100);
    expect(t.events.map((e) => e.at)).toEqual([0, 400, 1_400]);
  });

  it("a new status set while the fleet is asked goes out right after the answer", async () => {
    // b's claims take 60 ms (within their 100 ms deadline); a's are instant and win.
    const t = fleetOf(2, { defaults: REFRESH, claimMs: (worker) => (worker === 1 ? 60 : 0) });
    const as = { botId: 7, v2: true as const, statusMessageCode: "IMBOT_AGENT_ACTION_THINKING" };
    const [a, b] = t.schedulers;
    a?.lease("chat5", { as });
    const leaseB = b?.lease("chat5", { as });
    await t.clock.advance(1_030); // b is asking about the refresh a sends at 1,000
    leaseB?.setStatus("IMBOT_AGENT_ACTION_SEARCHING");
    await t.clock.advance(150);
    // Told "not yours", b asks again at once with the new status, forced: 60 ms later it goes.
    expect(t.events.map((e) => [e.at, e.worker, e.status])).toEqual([
      [0, 0, "IMBOT_AGENT_ACTION_THINKING"],
      [1_000, 0, "IMBOT_AGENT_ACTION_THINKING"],
      [1_120, 1, "IMBOT_AGENT_ACTION_SEARCHING"],
    ]);
    expect(t.errors).toEqual([]);
  });

  it("close() tells the fleet its leases ended: a new lease elsewhere types at once", async () => {
    const t = fleetOf(2, { defaults: REFRESH });
    const [a, b] = t.schedulers;
    a?.lease("chat1");
    await t.clock.advance(200);
    a?.close();
    await a?.idle();
    b?.lease("chat1");
    await t.clock.advance(1);
    expect(t.timesOf("chat1")).toEqual([0, 200]);
    b?.close();
    await b?.idle();
    expect(t.clock.pendingTimers).toBe(0);
  });
});

describe("a coordinator that fails", () => {
  // A coordinator that works, fails (rejects) or hangs, as the test switches it.
  const switchable = (clock: Clock) => {
    const memory = createMemoryTypingCoordinator({ clock });
    const state = { mode: "up" as "up" | "down" | "hung" | "garbled" };
    const coordinator: TypingCoordinator = {
      claim: async (claims, call) => {
        if (state.mode === "down") throw new Error("connect ECONNREFUSED 127.0.0.1:6379");
        if (state.mode === "hung") return never();
        if (state.mode === "garbled") return [{ send: true, dueInMs: 0 }];
        return memory.claim(claims, call);
      },
      join: (holds, call) => memory.join(holds, call),
      settle: (outcome, call) => memory.settle(outcome, call),
      leave: (keys, call) => memory.leave(keys, call),
    };
    return { coordinator, state };
  };

  it("typing goes on, every worker sending, reported once per outage to each handler", async () => {
    let control: ReturnType<typeof switchable> | undefined;
    const t = fleetOf(2, {
      defaults: REFRESH,
      coordinator: (clock) => {
        control = switchable(clock);
        return control.coordinator;
      },
    });
    for (const scheduler of t.schedulers) for (const id of dialogs(3)) scheduler.lease(id);
    await t.clock.advance(1_500);
    expect(t.timesOf("chat1")).toEqual([0, 1_000]);
    if (control) control.state.mode = "down";
    await t.clock.advance(2_000);
    // Both workers send every refresh: duplicates beat lapses.
    expect(t.timesOf("chat1", 1_500)).toEqual([2_000, 2_000, 3_000, 3_000]);
    expect(t.errors).toEqual([
      { worker: 0, code: "TYPING_COORDINATOR_FAILED", dialogId: "chat1" },
      { worker: 1, code: "TYPING_COORDINATOR_FAILED", dialogId: "chat1" },
    ]);
    if (control) control.state.mode = "up";
    await t.clock.advance(3_000);
    expect(t.timesOf("chat1", 3_500)).toEqual([4_000, 5_000, 6_000]);
    if (control) control.state.mode = "garbled";
    await t.clock.advance(1_000);
    expect(t.errors).toHaveLength(4);
  });

  it("a coordinator that never answers delays a round by a quarter of its time limit at most", async () => {
    let control: ReturnType<typeof switchable> | undefined;
    const t = fleetOf(1, {
      defaults: REFRESH,
      coordinator: (clock) => {
        control = switchable(clock);
        control.state.mode = "hung";
        return control.coordinator;
      },
    });
    t.schedulers[0]?.lease("chat1");
    await t.clock.advance(2_500);
    // sendTimeoutMs 400: each claim waits 100 ms, then the round goes; the period is kept.
    expect(t.timesOf("chat1")).toEqual([100, 1_100, 2_100]);
    expect(t.errors.map((e) => e.code)).toEqual(["TYPING_COORDINATOR_FAILED"]);
  });

  it("a coordinator's call signal aborts when the scheduler stops waiting for it", async () => {
    const signals: AbortSignal[] = [];
    const t = fleetOf(1, {
      defaults: REFRESH,
      coordinator: (clock) => {
        const memory = createMemoryTypingCoordinator({ clock });
        return {
          ...memory,
          claim: (_claims, call) => {
            signals.push(call.signal);
            return never();
          },
        };
      },
    });
    t.schedulers[0]?.lease("chat1");
    await t.clock.advance(50);
    expect(signals.length).toBe(1);
    expect(signals[0]?.aborted).toBe(false);
    // sendTimeoutMs 400: the claim is waited for 100 ms.
    await t.clock.advance(60);
    expect(signals[0]?.aborted).toBe(true);
  });

  it("a coordinator that throws instead of rejecting is a failure like any other", async () => {
    const broken: TypingCoordinator = {
      join: async () => {},
      claim: () => {
        throw new TypeError("not a coordinator after all");
      },
      settle: async () => {},
      leave: async () => {},
    };
    const t = fleetOf(1, { defaults: REFRESH, coordinator: () => broken });
    const lease = t.schedulers[0]?.lease("chat1");
    await t.clock.advance(1_500);
    expect(t.timesOf("chat1")).toEqual([0, 1_000]);
    expect(t.errors.map((e) => e.code)).toEqual(["TYPING_COORDINATOR_FAILED"]);
    lease?.stop();
    await t.schedulers[0]?.idle();
    expect(t.clock.pendingTimers).toBe(0);
  });
});

describe("any sequence of leases, stops and time across three workers", () => {
  const REFRESH_MS = 300;
  const LATENCY_MS = 10;
  const ids = ["chat1", "chat2", "13"];
  const step = fc.oneof(
    fc.record({
      op: fc.constant("open" as const),
      worker: fc.integer({ min: 0, max: 2 }),
      dialog: fc.constantFrom(...ids),
    }),
    fc.record({ op: fc.constant("stop" as const), pick: fc.nat() }),
    fc.record({ op: fc.constant("wait" as const), ms: fc.integer({ min: 1, max: 900 }) }),
  );

  it("types where some worker holds a lease, keeps it alive, and refreshes it once per period", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 30 }), async (steps) => {
        const t = fleetOf(3, {
          latencyMs: LATENCY_MS,
          defaults: { refreshMs: REFRESH_MS, sendTimeoutMs: 200, maxDurationMs: 1_000_000 },
        });
        const open: Array<{ dialog: string; stop(): void }> = [];
        const openCount = (dialog: string) => open.filter((l) => l.dialog === dialog).length;
        // When each dialog's current run of open leases (on any worker) began.
        const since = new Map<string, number>();
        for (const s of steps) {
          if (s.op === "open") {
            const lease = t.schedulers[s.worker]?.lease(s.dialog);
            if (openCount(s.dialog) === 0) since.set(s.dialog, t.clock.now());
            open.push({ dialog: s.dialog, stop: () => lease?.stop() });
          } else if (s.op === "stop" && open.length > 0) {
            const [lease] = open.splice(s.pick % open.length, 1);
            lease?.stop();
            if (lease && openCount(lease.dialog) === 0) since.delete(lease.dialog);
          }
          // Each step reaches the coordinator before the next: workers' opens and stops in one
          // instant are a race in any fleet (the coordinator sees them in any order).
          await t.clock.flush();
          if (s.op === "wait") {
            const before = t.events.length;
            await t.clock.advance(s.ms);
            for (const event of t.events.slice(before)) {
              expect(openCount(event.dialog)).toBeGreaterThan(0);
            }
          }
          for (const [dialog, start] of since) {
            const times = t.timesOf(dialog, start);
            // Alive: an event within a period (and one claim and one send) of now.
            const last = times.at(-1) ?? start;
            expect(t.clock.now() - last).toBeLessThanOrEqual(REFRESH_MS + 2 * LATENCY_MS + 1);
            // Once: no two events of one run closer than the early slack allows. (An event
            // at the run's very start may be the previous run's, sent as its lease stopped.)
            const run = times.filter((at) => at > start);
            for (let i = 1; i < run.length; i++) {
              expect((run[i] as number) - (run[i - 1] as number)).toBeGreaterThanOrEqual(
                REFRESH_MS * 0.9 - LATENCY_MS,
              );
            }
          }
        }
        for (const lease of open) lease.stop();
        await Promise.all(t.schedulers.map((scheduler) => scheduler.idle()));
        const atEnd = t.events.length;
        await t.clock.advance(10 * REFRESH_MS);
        expect(t.events.length).toBe(atEnd);
        expect(t.clock.pendingTimers).toBe(0);
        expect(t.errors).toEqual([]);
      }),
      { numRuns: 300 },
    );
  });
});

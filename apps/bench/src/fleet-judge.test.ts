import type { EmulatorCounters, TypingStat } from "@b24im/emulator";
import { describe, expect, it } from "vitest";
import { type FleetRecord, fleetProblems, summarizeFleetRun } from "./fleet-judge.js";

const T0 = 1_700_000_000_000;
const counters = (ok: number, rejected503 = 0): EmulatorCounters => ({
  requests: ok + rejected503,
  ok,
  rejected503,
  rejected429: 0,
  errors: 0,
});
const stat = (dialogId: string, events: number, maxGapMs = 20_000): TypingStat => ({
  dialogId,
  senderId: 1,
  events,
  firstAt: T0,
  lastAt: T0 + 100_000,
  maxGapMs,
  lapses: 0,
});

// Two dialogs refreshed every 20 s for 100 s after a 20 s ramp, by two workers; worker 0
// made 3 calls (2 ok), worker 1 was killed. 200 requests in 100 s: 2/s.
function record(overrides: Partial<FleetRecord> = {}): FleetRecord {
  return {
    name: "steady",
    dialogs: ["chat1", "chat2"],
    senderId: 1,
    writingDialogs: ["chat3", "chat4"],
    workers: 2,
    startedAt: T0,
    rampEndAt: T0 + 20_000,
    event: undefined,
    endedAt: T0 + 120_000,
    refreshMs: 20_000,
    ttlMs: 35_000,
    drainPerSecond: 2,
    callDeadlineMs: 30_000,
    statsAtRampEnd: [stat("chat1", 2), stat("chat2", 1)],
    statsAtEnd: [stat("chat1", 7), stat("chat2", 6, 24_000), stat("chat3", 2), stat("chat4", 1)],
    countersAtRampEnd: counters(40),
    countersAfterEvent: undefined,
    countersAtEnd: counters(240),
    expiries: [],
    reports: [
      {
        index: 0,
        calls: [
          { startedAt: T0, endedAt: T0 + 1_000, outcome: "ok" },
          { startedAt: T0, endedAt: T0 + 2_000, outcome: "ok" },
          { startedAt: T0, endedAt: T0 + 24_000, outcome: "LIMITER_MAX_WAIT" },
        ],
        unsettled: 0,
        typingErrors: { TYPING_COORDINATOR_FAILED: 1 },
        redisCalls: { limiter: 240, coordinator: 1_200 },
        unhandledRejections: 0,
      },
    ],
    ...overrides,
  };
}

describe("summarizeFleetRun", () => {
  it("counts refreshes per dialog per period from the ramp's end, the admitted rate and the calls", () => {
    const run = summarizeFleetRun(record());
    expect(run.refreshesPerPeriod).toEqual({ mean: 1, min: 1, max: 1 });
    expect(run.admittedPerSecond).toBe(2);
    expect(run.maxGapMs).toBe(24_000);
    expect(run.writingRequests).toBe(3);
    expect(run.typingRequests).toBe(237);
    expect(run.writing).toMatchObject({
      calls: 3,
      ok: 2,
      failed: { LIMITER_MAX_WAIT: 1 },
      overDeadline: 0,
      maxMs: 24_000,
      sentTwice: 0,
    });
    // One of two workers reported: its calls over half the admitted requests.
    expect(run.redisCallsPerAdmitted).toEqual({ limiter: 2, coordinator: 10 });
    expect(fleetProblems(run, 2)).toEqual([]);
  });

  it("finds 503s, lapses, calls shown twice or past their deadline, and a rate off the drain", () => {
    const run = summarizeFleetRun(
      record({
        countersAtEnd: counters(150, 3),
        expiries: [
          { dialogId: "chat1", senderId: 1, at: T0 + 60_000 },
          { dialogId: "chat1", senderId: 1, at: T0 + 130_000 }, // after the end: the leases' own end
          { dialogId: "chat9", senderId: 1, at: T0 + 60_000 }, // not a leased dialog
        ],
        statsAtEnd: [stat("chat1", 7), stat("chat2", 6), stat("chat3", 3)],
        reports: [
          {
            ...(record().reports[0] as FleetRecord["reports"][number]),
            calls: [
              { startedAt: T0, endedAt: T0 + 31_000, outcome: "untyped: TypeError" },
              { startedAt: T0, endedAt: T0 + 1_000, outcome: "ok" },
            ],
          },
        ],
      }),
    );
    expect(fleetProblems(run, 2)).toEqual([
      "steady: 3 answers 503",
      "steady: admitted 1.10/s, not within 5 % of 2/s",
      "steady: 1 lapses in 1 dialogs",
      "steady: 1 calls failed untyped",
      "steady: 1 calls outlived their deadline",
      "steady: 2 calls shown more often than they succeeded",
    ]);
  });

  it("with Redis killed, judges the 503s after the restart only and reports lapses near the outage", () => {
    const run = summarizeFleetRun(
      record({
        name: "Redis killed and restarted",
        event: { what: "Redis SIGKILLed", at: T0 + 60_000, overAt: T0 + 63_000 },
        countersAfterEvent: counters(160, 2),
        countersAtEnd: counters(240, 2),
        expiries: [{ dialogId: "chat2", senderId: 1, at: T0 + 80_000 }],
      }),
    );
    expect(run.rejected503AfterEvent).toBe(0);
    expect(run.lapsesAfterEvent).toBe(1);
    expect(run.event).toEqual({ what: "Redis SIGKILLed", atMs: 60_000, lastedMs: 3_000 });
    expect(fleetProblems(run, 2)).toEqual([]);
  });
});

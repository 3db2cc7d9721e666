import type { TypingStat } from "@b24im/emulator";
import { describe, expect, it } from "vitest";
import { judgeSoak, type SoakRecord } from "./soak-judge.js";

const T = 1_000_000;
const TTL = 35_000;
const END = T + 170_000;

function line(dialogId: string, over: Partial<TypingStat> = {}): TypingStat {
  return {
    dialogId,
    senderId: 1,
    events: 9,
    firstAt: T,
    lastAt: T + 160_000,
    maxGapMs: 20_500,
    lapses: 0,
    ...over,
  };
}

function record(over: Partial<SoakRecord> = {}): SoakRecord {
  return {
    dialogs: ["chat1", "chat2", "chat3"],
    senderId: 1,
    stats: [line("chat1"), line("chat2"), line("chat3")],
    expiries: [],
    endedAt: END,
    ttlMs: TTL,
    reported: [],
    portalFull: [],
    unhandledRejections: 0,
    processWarnings: [],
    hookReports: 42,
    failedRequests: 40,
    deadlineEnds: 2,
    unsettledCalls: 0,
    heapMiB: [30, 31, 30.5, 31.2],
    ...over,
  };
}

const lapse = (dialogId: string, at: number) => ({ dialogId, senderId: 1, at });

describe("judgeSoak", () => {
  it("passes a run with every line on, every failure reported once and a flat heap", () => {
    expect(judgeSoak(record())).toEqual({
      lapses: 0,
      lapsedDialogs: 0,
      lapsesAfterFailedSend: 0,
      lapsesAfterFullPortal: 0,
      unexplainedLapses: 0,
      maxGapMs: 20_500,
      heapGrowthMiB: expect.closeTo(1.2, 5),
      passed: true,
      reasons: [],
    });
  });

  it("excuses a lapse near a failed send of its dialog or after a full portal, and no other", () => {
    const expiries = [
      lapse("chat1", T + 60_000),
      lapse("chat2", T + 90_000),
      lapse("chat3", T + 130_000),
      // Another sender's line, and the leases' own end after the run: neither counts.
      { dialogId: "chat3", senderId: 2, at: T + 100_000 },
      lapse("chat3", END + 30_000),
    ];
    const verdict = judgeSoak(
      record({
        expiries,
        reported: [{ dialogId: "chat1", at: T + 62_000 }],
        // A 503 long before chat3 went out explains nothing.
        portalFull: [T + 80_000],
      }),
    );
    expect(verdict).toMatchObject({
      passed: false,
      lapses: 3,
      lapsedDialogs: 3,
      lapsesAfterFailedSend: 1,
      lapsesAfterFullPortal: 1,
      unexplainedLapses: 1,
    });
    expect(verdict.reasons).toEqual(["1 lapses with no fault that explains them"]);
  });

  it("counts a line never shown, or off at the end of the calm, as unexplained", () => {
    const verdict = judgeSoak(
      record({ stats: [line("chat1", { lastAt: END - TTL - 1 }), line("chat2")] }),
    );
    expect(verdict).toMatchObject({ passed: false, unexplainedLapses: 2 });
  });

  it.each([
    [{ unhandledRejections: 1 }, "1 unhandled rejections"],
    [
      { processWarnings: ["TimeoutOverflowWarning", "TimeoutOverflowWarning"] },
      "process warnings: TimeoutOverflowWarning",
    ],
    [{ unsettledCalls: 2 }, "2 calls never settled"],
    [{ hookReports: 39 }, "40 failed requests but only 39 hook reports"],
    [
      { hookReports: 43 },
      "43 hook reports for 40 failed requests and 2 sends ended at their deadline",
    ],
    [{ heapMiB: [30, 45] }, "heap grew 15.0 MiB (over 10)"],
  ] as const)("fails on %j", (over, reason) => {
    const verdict = judgeSoak(record(over as Partial<SoakRecord>));
    expect(verdict.passed).toBe(false);
    expect(verdict.reasons).toEqual([reason]);
  });
});

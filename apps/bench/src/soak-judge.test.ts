import type { TypingStat } from "@b24im/emulator";
import { describe, expect, it } from "vitest";
import { judgeSoak, type SoakRecord } from "./soak-judge.js";

const T = 1_000_000;
const TTL = 35_000;

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
    endedAt: T + 170_000,
    ttlMs: TTL,
    reportedDialogs: new Set(),
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

describe("judgeSoak", () => {
  it("passes a run with every line on, every failure reported once and a flat heap", () => {
    expect(judgeSoak(record())).toEqual({
      lapsedDialogs: 0,
      excusedLapsedDialogs: 0,
      unexplainedLapsedDialogs: 0,
      maxGapMs: 20_500,
      heapGrowthMiB: expect.closeTo(1.2, 5),
      passed: true,
      reasons: [],
    });
  });

  it("excuses a lapse whose send was reported failed, and fails one that was not", () => {
    const stats = [line("chat1", { lapses: 1 }), line("chat2", { maxGapMs: TTL }), line("chat3")];
    const excused = judgeSoak(record({ stats, reportedDialogs: new Set(["chat1", "chat2"]) }));
    expect(excused).toMatchObject({ passed: true, lapsedDialogs: 2, excusedLapsedDialogs: 2 });
    const silent = judgeSoak(record({ stats, reportedDialogs: new Set(["chat1"]) }));
    expect(silent).toMatchObject({ passed: false, unexplainedLapsedDialogs: 1 });
    expect(silent.reasons).toEqual(["1 dialogs lapsed with no failure reported"]);
  });

  it("counts a line never shown or off at the end as lapsed", () => {
    const verdict = judgeSoak(
      record({ stats: [line("chat1", { lastAt: T + 170_000 - TTL - 1 }), line("chat2")] }),
    );
    expect(verdict).toMatchObject({ lapsedDialogs: 2, unexplainedLapsedDialogs: 2 });
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

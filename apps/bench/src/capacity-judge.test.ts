import type { TypingStat } from "@b24im/emulator";
import { describe, expect, it } from "vitest";
import { judgeProbe, type ProbeRecord } from "./capacity-judge.js";

const T = 1_000_000;
const TTL = 35_000;

// A line shown from T + `firstAt` on, refreshed every 20 s until `lastAt`, unbroken.
function line(dialogId: string, over: Partial<TypingStat> = {}): TypingStat {
  return {
    dialogId,
    senderId: 1,
    events: 6,
    firstAt: T + 500,
    lastAt: T + 100_500,
    maxGapMs: 20_000,
    lapses: 0,
    ...over,
  };
}

function record(stats: TypingStat[], over: Partial<ProbeRecord> = {}): ProbeRecord {
  return {
    strategy: "b24im",
    dialogs: ["chat1", "chat2"],
    senderId: 1,
    stats,
    rejected503: 0,
    requests: 12,
    startedAt: T,
    endedAt: T + 105_000,
    ttlMs: TTL,
    windowMs: 90_000,
    ...over,
  };
}

describe("judgeProbe", () => {
  it("passes a probe whose every line stayed on through the window", () => {
    const probe = judgeProbe(record([line("chat1"), line("chat2", { maxGapMs: 34_999 })]));
    expect(probe).toMatchObject({
      passed: true,
      lapsedDialogs: 0,
      maxGapMs: 34_999,
      rampMs: 500,
      minTypedMs: 104_500,
      dialogs: 2,
      requests: 12,
    });
    expect(probe.reason).toBeUndefined();
  });

  it.each([
    ["a gap as long as the line's life", { maxGapMs: TTL }],
    ["an event after the line had expired", { lapses: 1 }],
    ["a line that was off at the end", { lastAt: T + 105_000 - TTL - 1 }],
  ])("counts %s as a lapse", (_, over) => {
    const probe = judgeProbe(record([line("chat1"), line("chat2", over)]));
    expect(probe).toMatchObject({ passed: false, lapsedDialogs: 1, minTypedMs: 0 });
    expect(probe.reason).toBe("1 dialogs lapsed");
  });

  it("counts a dialog never shown, or shown only for another sender, as lapsed", () => {
    const probe = judgeProbe(record([line("chat1", { senderId: 2 }), line("chat2")]));
    expect(probe).toMatchObject({ passed: false, lapsedDialogs: 1 });
  });

  it("fails a probe the portal refused requests of, even with every line on", () => {
    const probe = judgeProbe(record([line("chat1"), line("chat2")], { rejected503: 3 }));
    expect(probe).toMatchObject({ passed: false, reason: "3 answers 503" });
  });

  it("fails a probe whose last line came on too late to be shown for the whole window", () => {
    const late = line("chat2", { firstAt: T + 20_000 });
    const probe = judgeProbe(record([line("chat1"), late]));
    expect(probe).toMatchObject({ passed: false, lapsedDialogs: 0, rampMs: 20_000 });
    expect(probe.reason).toBe("a dialog typed for less than the window");
  });
});

import { describe, expect, it } from "vitest";
import { createFakeClock } from "../testing/fake-clock.js";
import type { TypingClaim } from "./coordinator.js";
import { createMemoryTypingCoordinator } from "./memory-coordinator.js";

const signal = new AbortController().signal;
const as = (holder: string) => ({ holder, signal });
const refresh = (key: string, o: Partial<TypingClaim> = {}): TypingClaim => ({
  key,
  periodMs: 20_000,
  holdMs: 10_000,
  earlyMs: 2_000,
  force: false,
  ...o,
});
const first = (key: string) => refresh(key, { earlyMs: 0 });

function setup() {
  const clock = createFakeClock({ now: 0 });
  const coordinator = createMemoryTypingCoordinator({ clock });
  return { clock, coordinator };
}

describe("createMemoryTypingCoordinator: the coordinator contract", () => {
  it("grants one holder an event and tells the others when it falls due: the hold, then the period", async () => {
    const { clock, coordinator } = setup();
    expect(await coordinator.claim([first("k")], as("a"))).toEqual([{ send: true, dueInMs: 0 }]);
    expect(await coordinator.claim([first("k")], as("b"))).toEqual([
      { send: false, dueInMs: 10_000 },
    ]);
    await clock.advance(300);
    await coordinator.settle({ sent: ["k"], failed: [] }, as("a"));
    expect(await coordinator.claim([refresh("k")], as("b"))).toEqual([
      { send: false, dueInMs: 19_700 },
    ]);
    // A refresh may be claimed a tenth of the period early; a first event may not.
    await clock.advance(17_700);
    expect(await coordinator.claim([first("k")], as("b"))).toEqual([
      { send: false, dueInMs: 2_000 },
    ]);
    expect(await coordinator.claim([refresh("k")], as("b"))).toEqual([{ send: true, dueInMs: 0 }]);
  });

  it("never grants early while another holder's claim is unsettled", async () => {
    const { clock, coordinator } = setup();
    await coordinator.claim([refresh("k")], as("a"));
    await clock.advance(9_000);
    expect(await coordinator.claim([refresh("k")], as("b"))).toEqual([
      { send: false, dueInMs: 1_000 },
    ]);
    await clock.advance(1_000);
    // The hold is over: a's send is presumed lost, and b sends it.
    expect(await coordinator.claim([refresh("k")], as("b"))).toEqual([{ send: true, dueInMs: 0 }]);
  });

  it("a failed send stays due at the end of its hold, for any holder; only the claimer settles", async () => {
    const { clock, coordinator } = setup();
    await coordinator.claim([refresh("k")], as("a"));
    await coordinator.settle({ sent: ["k"], failed: [] }, as("b")); // not b's claim: ignored
    await coordinator.settle({ sent: [], failed: ["k"] }, as("a"));
    expect(await coordinator.claim([refresh("k")], as("b"))).toEqual([
      { send: false, dueInMs: 10_000 },
    ]);
    await clock.advance(8_500);
    // Settled, so no longer "someone else's unsettled claim": early by the slack is fine.
    expect(await coordinator.claim([refresh("k")], as("b"))).toEqual([{ send: true, dueInMs: 0 }]);
  });

  it("grants a forced claim (a new status) whatever the fleet sent", async () => {
    const { coordinator } = setup();
    await coordinator.claim([refresh("k")], as("a"));
    await coordinator.settle({ sent: ["k"], failed: [] }, as("a"));
    expect(await coordinator.claim([refresh("k", { force: true })], as("b"))).toEqual([
      { send: true, dueInMs: 0 },
    ]);
  });

  it("answers each claim of a call in order, independently", async () => {
    const { coordinator } = setup();
    await coordinator.claim([first("b")], as("x"));
    expect(await coordinator.claim([first("a"), first("b"), first("c")], as("y"))).toEqual([
      { send: true, dueInMs: 0 },
      { send: false, dueInMs: 10_000 },
      { send: true, dueInMs: 0 },
    ]);
  });

  it("the last holder's leave ends the schedule: the next first event goes at once", async () => {
    const { clock, coordinator } = setup();
    await coordinator.claim([first("k")], as("a"));
    await coordinator.claim([first("k")], as("b"));
    await coordinator.settle({ sent: ["k"], failed: [] }, as("a"));
    await coordinator.leave(["k"], as("a"));
    await clock.advance(1_000);
    // b still holds it: the schedule stands, and c's first event waits for its due time.
    expect(await coordinator.claim([first("k")], as("c"))).toEqual([
      { send: false, dueInMs: 19_000 },
    ]);
    await coordinator.leave(["k"], as("b"));
    await coordinator.leave(["k"], as("c"));
    expect(await coordinator.claim([first("k")], as("d"))).toEqual([{ send: true, dueInMs: 0 }]);
  });

  it("a holder that stopped asking (a dead process) stops counting after two periods and a hold", async () => {
    const { clock, coordinator } = setup();
    await coordinator.claim([first("k")], as("dead"));
    await coordinator.settle({ sent: ["k"], failed: [] }, as("dead"));
    await clock.advance(45_000);
    await coordinator.claim([refresh("k")], as("alive"));
    await coordinator.settle({ sent: ["k"], failed: [] }, as("alive")); // due at 65 s
    await clock.advance(4_999);
    await coordinator.leave(["k"], as("alive"));
    // The dead holder's hold lasts until 50 s: the schedule stands, a first event waits.
    expect(await coordinator.claim([first("k")], as("x"))).toEqual([
      { send: false, dueInMs: 15_001 },
    ]);
    await coordinator.leave(["k"], as("x"));
    await clock.advance(1);
    await coordinator.leave(["k"], as("nobody"));
    // No unexpired hold is left: the schedule ended although "dead" never left.
    expect(await coordinator.claim([first("k")], as("new"))).toEqual([{ send: true, dueInMs: 0 }]);
  });

  it("a join holds a schedule before the holder's first claim; a hold never shortens", async () => {
    const { clock, coordinator } = setup();
    await coordinator.claim([first("k")], as("a"));
    await coordinator.join([{ key: "k", ttlMs: 5_000 }], as("b"));
    await coordinator.settle({ sent: ["k"], failed: [] }, as("a"));
    await coordinator.leave(["k"], as("a"));
    // b's lease waits for its first event: the schedule stands, so that event waits too.
    expect(await coordinator.claim([first("k")], as("b"))).toEqual([
      { send: false, dueInMs: 20_000 },
    ]);
    // The claim held b for 50 s; a later join of 5 s does not cut that.
    await coordinator.join([{ key: "k", ttlMs: 5_000 }], as("b"));
    await clock.advance(10_000);
    await coordinator.leave(["k"], as("nobody"));
    expect(await coordinator.claim([first("k")], as("c"))).toEqual([
      { send: false, dueInMs: 10_000 },
    ]);
  });

  it("forgets schedules nobody holds any more without being told", async () => {
    const { clock, coordinator } = setup();
    const claims = Array.from({ length: 100 }, (_, i) => first(`k${i}`));
    await coordinator.claim(claims, as("dead"));
    await clock.advance(60_000);
    // Anything asked after that behaves as on a fresh coordinator.
    expect(await coordinator.claim(claims.slice(0, 2), as("new"))).toEqual([
      { send: true, dueInMs: 0 },
      { send: true, dueInMs: 0 },
    ]);
    expect(clock.pendingTimers).toBe(0);
  });
});

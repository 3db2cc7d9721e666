import { describe, expect, it } from "vitest";
import { linkSignals, sleep } from "./abort.js";
import { createFakeClock } from "./testing/fake-clock.js";

describe("sleep", () => {
  it("resolves after the time on the clock", async () => {
    const clock = createFakeClock({ now: 0 });
    let done = false;
    const wait = sleep(clock, 100).then(() => {
      done = true;
    });
    await clock.advance(99);
    expect(done).toBe(false);
    await clock.advance(1);
    await wait;
    expect(done).toBe(true);
  });

  it("rejects at once with the reason on abort and clears its timer", async () => {
    const clock = createFakeClock();
    const controller = new AbortController();
    const wait = sleep(clock, 10_000, controller.signal);
    const reason = new Error("user left");
    controller.abort(reason);
    await expect(wait).rejects.toBe(reason);
    expect(clock.pendingTimers).toBe(0);
    await expect(sleep(clock, 5, controller.signal)).rejects.toBe(reason);
  });
});

describe("linkSignals", () => {
  it("aborts with the first source's reason and skips missing sources", () => {
    const a = new AbortController();
    const b = new AbortController();
    const linked = linkSignals(a.signal, undefined, b.signal);
    b.abort("closed");
    a.abort("late");
    expect(linked.signal.reason).toBe("closed");
  });

  it("starts aborted when a source already is, and unlink stops propagation", () => {
    const a = new AbortController();
    a.abort("early");
    expect(linkSignals(a.signal).signal.reason).toBe("early");
    const b = new AbortController();
    const linked = linkSignals(b.signal);
    linked.unlink();
    b.abort("x");
    expect(linked.signal.aborted).toBe(false);
  });
});

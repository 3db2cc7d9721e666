import { describe, expect, it } from "vitest";
import { createFakeClock } from "./fake-clock.js";

describe("createFakeClock", () => {
  it("runs due timers in time order and moves now to each", async () => {
    const clock = createFakeClock({ now: 1000 });
    const seen: Array<[string, number]> = [];
    clock.setTimeout(() => seen.push(["b", clock.now()]), 200);
    clock.setTimeout(() => seen.push(["a", clock.now()]), 100);
    clock.setTimeout(() => seen.push(["c", clock.now()]), 300);
    await clock.advance(250);
    expect(seen).toEqual([
      ["a", 1100],
      ["b", 1200],
    ]);
    expect(clock.now()).toBe(1250);
    expect(clock.pendingTimers).toBe(1);
  });

  it("lets async chains progress between timers, so timers they set also run", async () => {
    const clock = createFakeClock({ now: 0 });
    const sleep = (ms: number) => new Promise<void>((resolve) => clock.setTimeout(resolve, ms));
    const times: number[] = [];
    const job = (async () => {
      for (let i = 0; i < 3; i++) {
        await sleep(10);
        times.push(clock.now());
      }
    })();
    await clock.advance(30);
    await job;
    expect(times).toEqual([10, 20, 30]);
  });

  it("clearTimeout cancels, runAll drains and stops runaway timers", async () => {
    const clock = createFakeClock({ now: 0 });
    let fired = 0;
    const handle = clock.setTimeout(() => fired++, 5);
    clock.clearTimeout(handle);
    clock.setTimeout(() => fired++, 1_000_000);
    await clock.runAll();
    expect(fired).toBe(1);
    expect(clock.now()).toBe(1_000_000);
    const rearm = () => clock.setTimeout(rearm, 1);
    rearm();
    await expect(clock.runAll(50)).rejects.toThrow(/re-arms/);
  });
});

describe("createFakeClock: the wall clock and the stopwatch", () => {
  it("steps the wall clock back and forth without moving monotonic time or timers", async () => {
    const clock = createFakeClock({ now: 5_000 });
    const fired: number[] = [];
    clock.setTimeout(() => fired.push(clock.monotonic()), 1_000);
    clock.stepWallClock(-3_600_000);
    expect(clock.now()).toBe(5_000 - 3_600_000);
    expect(clock.monotonic()).toBe(5_000);
    await clock.advance(1_000);
    expect(fired).toEqual([6_000]);
    expect(clock.now()).toBe(6_000 - 3_600_000);
    clock.stepWallClock(7_200_000);
    expect(clock.now()).toBe(6_000 + 3_600_000);
    expect(clock.monotonic()).toBe(6_000);
    expect(clock.pendingTimers).toBe(0);
  });
});

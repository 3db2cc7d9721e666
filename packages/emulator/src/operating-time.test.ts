import { describe, expect, it } from "vitest";
import { OperatingTime } from "./operating-time.js";

const MINUTE = 60_000;

describe("OperatingTime", () => {
  it("sums ten rolling minutes and drops the oldest after ten", () => {
    const time = new OperatingTime(10);
    time.add("k", 0, 4);
    time.add("k", 5 * MINUTE, 4);
    expect(time.usage("k", 9 * MINUTE)).toEqual({ seconds: 8, resetAt: 600 });
    expect(time.usage("k", 10 * MINUTE)).toEqual({ seconds: 4, resetAt: 900 });
    expect(time.usage("k", 15 * MINUTE).seconds).toBe(0);
  });

  it("is exhausted at the budget, per key", () => {
    const time = new OperatingTime(1);
    time.add("a", 0, 1);
    expect(time.exhausted("a", 1)).toBe(true);
    expect(time.exhausted("b", 1)).toBe(false);
    time.clear();
    expect(time.exhausted("a", 1)).toBe(false);
  });
});

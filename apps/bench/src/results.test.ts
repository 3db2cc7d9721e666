import { describe, expect, it } from "vitest";
import { judgeTarget } from "./results.js";

describe("judgeTarget", () => {
  it("meets a >= target at or above its value", () => {
    expect(judgeTarget(">=", 0.85, 0.85)).toEqual({ op: ">=", value: 0.85, met: true });
    expect(judgeTarget(">=", 0.85, 0.84).met).toBe(false);
  });

  it("meets a <= target at or below its value", () => {
    expect(judgeTarget("<=", 1024, 1024).met).toBe(true);
    expect(judgeTarget("<=", 1024, 1025).met).toBe(false);
  });

  it("misses on a NaN median (no runs)", () => {
    expect(judgeTarget(">=", 1, Number.NaN).met).toBe(false);
    expect(judgeTarget("<=", 1, Number.NaN).met).toBe(false);
  });
});

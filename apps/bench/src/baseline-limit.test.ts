import { describe, expect, it } from "vitest";
import { baselineLimit } from "./baseline-limit.js";

describe("baselineLimit", () => {
  it("allows drain × interval dialogs forever on a standard portal", () => {
    expect(baselineLimit(3_600_000, 2, 50, 15_000)).toBe(30);
  });

  it("allows a few more over a short window, while the bucket still absorbs the excess", () => {
    // Bursts at 0, 15, …, 105 s: 8·N − 7·30 ≤ 50.
    expect(baselineLimit(105_000, 2, 50, 15_000)).toBe(32);
    expect(baselineLimit(0, 2, 50, 15_000)).toBe(50);
  });

  it("is unchanged when time is scaled with the drain rate", () => {
    expect(baselineLimit(10_500, 20, 50, 1_500)).toBe(baselineLimit(105_000, 2, 50, 15_000));
  });
});

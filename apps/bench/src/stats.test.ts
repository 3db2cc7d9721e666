import { describe, expect, it } from "vitest";
import { latencyPercentiles, percentile, round, summarize } from "./stats.js";

describe("summarize", () => {
  it("gives the median, min and max of unsorted runs", () => {
    expect(summarize([5, 1, 3])).toEqual({ median: 3, min: 1, max: 5, runs: 3 });
    expect(summarize([4, 1, 3, 2]).median).toBe(2.5);
  });

  it("gives NaN for no runs rather than throwing", () => {
    expect(summarize([]).median).toBeNaN();
  });
});

describe("percentiles", () => {
  it("uses the nearest rank", () => {
    const sorted = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(sorted, 0.5)).toBe(50);
    expect(percentile(sorted, 0.99)).toBe(99);
  });

  it("reads only the samples taken, sorted numerically", () => {
    const samples = new Float64Array([10, 2, 30, 0, 0]);
    expect(latencyPercentiles(samples, 3)).toEqual({ p50: 10, p99: 30 });
  });
});

describe("round", () => {
  it("keeps three significant digits, whole numbers from 1,000", () => {
    expect(round(0.012345)).toBe(0.0123);
    expect(round(1234.56)).toBe(1235);
  });
});

import { describe, expect, it } from "vitest";
import { LeakyBucket } from "./leaky-bucket.js";

describe("LeakyBucket", () => {
  it("admits bucketSize requests at once, then drains drainPerSecond", () => {
    const bucket = new LeakyBucket(2, 50);
    const admitted = Array.from({ length: 60 }, () => bucket.take("a", 0)).filter(Boolean);
    expect(admitted).toHaveLength(50);
    const later = Array.from({ length: 11 }, () => bucket.take("a", 5_000));
    expect(later.filter(Boolean)).toHaveLength(10);
    expect(later[10]).toBe(false);
  });

  it("keeps one bucket per source", () => {
    const bucket = new LeakyBucket(1, 1);
    expect(bucket.take("a", 0)).toBe(true);
    expect(bucket.take("a", 0)).toBe(false);
    expect(bucket.take("b", 0)).toBe(true);
    bucket.clear();
    expect(bucket.take("a", 0)).toBe(true);
  });
});

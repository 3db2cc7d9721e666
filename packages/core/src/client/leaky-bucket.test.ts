import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { createFakeClock } from "../testing/fake-clock.js";
import { createLeakyBucket, type LeakyBucketOptions, RATE_LIMIT_PRESETS } from "./leaky-bucket.js";

const T0 = 1_700_000_000_000;

function setup(
  preset: { drainPerSecond: number; bucketSize: number } = RATE_LIMIT_PRESETS.standard,
) {
  const clock = createFakeClock({ now: T0 });
  const limiter = createLeakyBucket({ ...preset, clock });
  const granted: number[] = [];
  const take = (signal?: AbortSignal) =>
    limiter.acquire(signal).then(() => {
      granted.push(clock.now() - T0);
    });
  return { clock, limiter, granted, take };
}

describe("createLeakyBucket", () => {
  it("lets a full bucket out at once, then one per drain interval with a one-request margin", async () => {
    const { clock, granted, take } = setup();
    const all = Array.from({ length: 53 }, () => take());
    await clock.flush();
    expect(granted).toHaveLength(50);
    await clock.advance(2000);
    await Promise.all(all);
    expect(granted.slice(50)).toEqual([1000, 1500, 2000]);
  });

  it("gives a caller that always waits for its last request the full drain rate, one margin kept", async () => {
    const { clock, granted, take } = setup();
    await Promise.all(Array.from({ length: 50 }, () => take()));
    // One request at a time, each sent once the previous one was granted (a typing scheduler).
    let running = true;
    const loop = (async () => {
      while (running) await take();
    })();
    await clock.advance(60_000);
    running = false;
    await clock.advance(1_000);
    await loop;
    const inMinute = granted.slice(50).filter((at) => at <= 60_000);
    // The first waits for the margin (a whole second), then one every 500 ms.
    expect(inMinute.slice(0, 4)).toEqual([1000, 1500, 2000, 2500]);
    expect(inMinute).toHaveLength(119);
  });

  it("tryAcquire takes a free slot at once, and never jumps the queue", async () => {
    const { clock, limiter, granted, take } = setup({ drainPerSecond: 2, bucketSize: 2 });
    expect(limiter.tryAcquire?.()).toBe(true);
    expect(limiter.tryAcquire?.()).toBe(true);
    expect(limiter.tryAcquire?.()).toBe(false);
    const waiting = take();
    await clock.advance(10_000);
    await waiting;
    expect(granted).toHaveLength(1);
    // Room again, but a waiter queued first is served first.
    const queued = [take(), take(), take()];
    expect(limiter.tryAcquire?.()).toBe(false);
    await clock.advance(10_000);
    await Promise.all(queued);
  });

  it("uses the enterprise numbers", async () => {
    const { clock, granted, take } = setup(RATE_LIMIT_PRESETS.enterprise);
    const all = Array.from({ length: 252 }, () => take());
    await clock.flush();
    expect(granted).toHaveLength(250);
    await clock.advance(600);
    await Promise.all(all);
    expect(granted.slice(250)).toEqual([400, 600]);
  });

  it("serves waiters first in, first out", async () => {
    const { clock, take } = setup({ drainPerSecond: 1, bucketSize: 1 });
    await take();
    const order: string[] = [];
    const waits = ["a", "b", "c"].map((name) => take().then(() => order.push(name)));
    await clock.advance(10_000);
    await Promise.all(waits);
    expect(order).toEqual(["a", "b", "c"]);
  });

  it("rejects an aborted waiter at once with the reason and gives its place to the next", async () => {
    const { clock, granted, take } = setup();
    await Promise.all(Array.from({ length: 50 }, () => take()));
    const controller = new AbortController();
    const first = take(controller.signal);
    const reason = new Error("gone");
    controller.abort(reason);
    await expect(first).rejects.toBe(reason);
    const second = take();
    await clock.advance(1000);
    await second;
    expect(granted.at(-1)).toBe(1000);
    expect(clock.pendingTimers).toBe(0);
  });

  it("saturate() makes the next request wait for room", async () => {
    const { clock, limiter, granted, take } = setup();
    await take();
    limiter.saturate();
    const next = take();
    await clock.flush();
    expect(granted).toHaveLength(1);
    await clock.advance(1000);
    await next;
    expect(granted[1]).toBe(1000);
  });
});

describe("createLeakyBucket: priority", () => {
  it("lets high-priority waiters go first, each kind in order, until a normal one waited 5 s", async () => {
    const { clock, limiter } = setup({ drainPerSecond: 1, bucketSize: 1 });
    await limiter.acquire();
    const order: string[] = [];
    const take = (name: string, priority?: "high" | "normal") =>
      limiter.acquire(undefined, priority).then(() => void order.push(name));
    const waits = [take("a"), take("b", "normal")];
    for (let i = 1; i <= 8; i++) waits.push(take(`T${i}`, "high"));
    await clock.advance(60_000);
    await Promise.all(waits);
    // One grant a second from 2 s on: refreshes first until "a" has waited 5 s; then the
    // lines take turns while a normal one has waited that long.
    expect(order).toEqual(["T1", "T2", "T3", "a", "T4", "b", "T5", "T6", "T7", "T8"]);
  });

  it("an aborted high-priority waiter gives its place to the next", async () => {
    const { clock, limiter, granted } = setup({ drainPerSecond: 1, bucketSize: 1 });
    await limiter.acquire();
    const controller = new AbortController();
    const gone = limiter.acquire(controller.signal, "high");
    const next = limiter.acquire(undefined, "high").then(() => void granted.push(clock.now() - T0));
    controller.abort("stop");
    await expect(gone).rejects.toBe("stop");
    await clock.advance(10_000);
    await next;
    expect(granted).toHaveLength(1);
    expect(clock.pendingTimers).toBe(0);
  });
});

describe("createLeakyBucket: any arrival pattern", () => {
  // The portal's own bucket, replayed over the times the limiter let requests out.
  function portalPeak(sentAt: number[], { drainPerSecond, bucketSize }: LeakyBucketOptions) {
    let level = 0;
    let peak = 0;
    let last = 0;
    for (const at of sentAt) {
      level = Math.max(0, level - ((at - last) * drainPerSecond) / 1000);
      last = at;
      level += 1;
      peak = Math.max(peak, level);
    }
    return { peak, bucketSize };
  }

  const arrivals = fc.array(
    fc.record({ gapMs: fc.integer({ min: 0, max: 1500 }), burst: fc.integer({ min: 1, max: 60 }) }),
    { minLength: 1, maxLength: 12 },
  );

  it("never overfills the portal's bucket, serves first come first served, and starves no one", async () => {
    await fc.assert(
      fc.asyncProperty(
        arrivals,
        fc.constantFrom<LeakyBucketOptions>(
          RATE_LIMIT_PRESETS.standard,
          RATE_LIMIT_PRESETS.enterprise,
        ),
        async (pattern, preset) => {
          const { clock, granted, take } = setup(preset);
          const order: number[] = [];
          const pending: Promise<void>[] = [];
          let next = 0;
          for (const { gapMs, burst } of pattern) {
            await clock.advance(gapMs);
            for (let i = 0; i < burst; i++) {
              const id = next++;
              pending.push(take().then(() => void order.push(id)));
            }
          }
          const total = next;
          // Enough time for every waiter: the whole demand at the drain rate, plus one tick.
          await clock.advance(Math.ceil((total * 1000) / preset.drainPerSecond) + 1000);
          await Promise.all(pending);

          expect(order).toEqual(Array.from({ length: total }, (_, i) => i));
          const { peak, bucketSize } = portalPeak(granted, preset);
          expect(peak).toBeLessThanOrEqual(bucketSize + 1e-9);
        },
      ),
      { numRuns: 150 },
    );
  });
});

import { describe, expect, it } from "vitest";
import { sleep } from "../async/abort.js";
import type { BatchOutcome } from "../protocol/batch.js";
import { createFakeClock } from "../testing/fake-clock.js";
import { createTypingScheduler, type TypingSender } from "../typing/scheduler.js";
import { INDICATOR_LIFE_MS } from "../typing/timing.js";
import { createLeakyBucket, RATE_LIMIT_PRESETS } from "./leaky-bucket.js";

const PORTAL = RATE_LIMIT_PRESETS.standard;
const LATENCY_MS = 40;
const RUN_MS = 180_000;

/**
 * The typing scheduler on the client's own leaky bucket, against a replay of a standard
 * portal's bucket (+1 per request that arrives, draining 2/s; a request over 50 is refused
 * with 503 and shows nothing), on fake time. Every lease keeps the default 20 s refresh.
 */
async function saturate(dialogs: number) {
  const clock = createFakeClock({ now: 0 });
  const limiter = createLeakyBucket({ ...PORTAL, clock });
  let level = 0;
  let last = 0;
  let refused = 0;
  let requests = 0;
  const shown = new Map<string, number[]>();
  const send: TypingSender = async (calls, { signal }) => {
    await limiter.acquire(signal, "high");
    await sleep(clock, LATENCY_MS / 2);
    const at = clock.now();
    level = Math.max(0, level - ((at - last) * PORTAL.drainPerSecond) / 1000);
    last = at;
    requests++;
    if (level + 1 > PORTAL.bucketSize) refused++;
    else {
      level += 1;
      for (const call of calls) {
        const dialog = String(call.params.DIALOG_ID);
        shown.set(dialog, [...(shown.get(dialog) ?? []), at]);
      }
    }
    await sleep(clock, LATENCY_MS / 2);
    return calls.map((): BatchOutcome => ({ status: "fulfilled", value: true }));
  };
  const scheduler = createTypingScheduler({ clock, send });
  for (let i = 1; i <= dialogs; i++) scheduler.lease(`chat${i}`, { maxDurationMs: Infinity });
  await clock.advance(RUN_MS);
  scheduler.close();
  let longestGap = 0;
  let lastFirst = 0;
  for (let i = 1; i <= dialogs; i++) {
    const times = [...(shown.get(`chat${i}`) ?? [Number.NaN]), RUN_MS];
    lastFirst = Math.max(lastFirst, times[0] as number);
    for (let k = 1; k < times.length; k++) {
      longestGap = Math.max(longestGap, (times[k] as number) - (times[k - 1] as number));
    }
  }
  return { refused, requests, longestGap, lastFirst };
}

describe("the typing scheduler on the client's leaky bucket, at the portal's capacity", () => {
  it.each([2_500, 3_000])(
    "keeps %i dialogs alive: no 503, no gap as long as the indicator's life, full batches at 2/s",
    async (dialogs) => {
      const { refused, requests, longestGap, lastFirst } = await saturate(dialogs);
      expect(refused).toBe(0);
      expect(Number.isNaN(longestGap)).toBe(false);
      expect(lastFirst).toBeLessThan(10_000);
      expect(longestGap).toBeLessThan(INDICATOR_LIFE_MS);
      // The portal drains 2 requests a second; a bucket that books its margin on every wait
      // would send half of that.
      expect(requests).toBeGreaterThan((RUN_MS / 1000) * PORTAL.drainPerSecond * 0.9);
    },
    60_000,
  );
});

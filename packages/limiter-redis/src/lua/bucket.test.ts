import { createHash } from "node:crypto";
import fc from "fast-check";
import { beforeEach, describe, expect, it } from "vitest";
import { bucketShape } from "../options.js";
import {
  type BucketShape,
  type Op,
  parseReply,
  RETENTION_MS,
  type Reply,
  scriptArgs,
} from "../redis/bucket-store.js";
import { useRedis } from "../testing/redis-fixture.test-helpers.js";
import { redisServerMissing } from "../testing/redis-server.test-helpers.js";
import { BUCKET_SCRIPT, BUCKET_SCRIPT_SHA, CLOCK_READ } from "./bucket.js";

// The real script on the real server, with Redis's clock replaced by two more arguments:
// the arithmetic under test is the one that runs in production.
const FAKE_CLOCK_SCRIPT = BUCKET_SCRIPT.replace(CLOCK_READ, "{ ARGV[9], ARGV[10] }");

const T0 = 1_700_000_000_000;
const KEY = "b24im:test:bucket";

// Standard: 2/s, 50, and the default margin of one request (500 ms).
const STANDARD = bucketShape(2, 50, 500);

describe.skipIf(redisServerMissing)("the bucket script on a fake Redis clock", () => {
  const fixture = useRedis();
  beforeEach(() => fixture.admin.flushAll());

  // Runs the script at `nowMs` on the fake clock; waits and times come back in ms.
  const run = async (
    op: Op,
    nowMs: number,
    o: { shape?: BucketShape; floorMs?: number; generation?: string; maxWaitMs?: number } = {},
  ): Promise<Reply & { waitMs: number; tMs: number }> => {
    const args = scriptArgs({
      op,
      shape: o.shape ?? STANDARD,
      retentionMs: RETENTION_MS,
      floorUs: String(Math.round((o.floorMs ?? 0) * 1000)),
      generation: o.generation ?? "",
      maxWaitUs: o.maxWaitMs === undefined ? undefined : o.maxWaitMs * 1000,
    });
    const nowUs = Math.round(nowMs * 1000);
    const sec = Math.floor(nowUs / 1_000_000);
    const reply = parseReply(
      await fixture.admin.eval(FAKE_CLOCK_SCRIPT, {
        keys: [KEY],
        arguments: [...args, String(sec), String(nowUs - sec * 1_000_000)],
      }),
      [],
    );
    return { ...reply, waitMs: reply.waitUs / 1000, tMs: Number(reply.t) / 1000 };
  };
  // A bucket that drained long ago: what a key that survived an idle hour looks like.
  const seedEmpty = async (shape = STANDARD) => {
    await run("fill", T0 - 3_600_000, { shape });
  };

  it("has the SHA-1 the limiter sends with EVALSHA", () => {
    expect(createHash("sha1").update(BUCKET_SCRIPT).digest("hex")).toBe(BUCKET_SCRIPT_SHA);
    expect(FAKE_CLOCK_SCRIPT).not.toBe(BUCKET_SCRIPT);
  });

  it("from an empty bucket lets 49 of 50 go at once, then one per 500 ms", async () => {
    await seedEmpty();
    const waits: number[] = [];
    for (let i = 0; i < 53; i++) waits.push((await run("take", T0)).waitMs);
    expect(waits.slice(0, 49)).toEqual(Array(49).fill(0));
    expect(waits.slice(49)).toEqual([500, 1000, 1500, 2000]);
  });

  it("starts a key that does not exist full: the first request waits one drain plus the margin", async () => {
    const first = await run("take", T0);
    expect(first).toMatchObject({ granted: true, waitMs: 1000 });
    expect((await run("take", T0)).waitMs).toBe(1500);
    expect(first.generation).toBe("1700000000000000");
  });

  it("drains on Redis's clock: after 2 s of quiet, four more go at once", async () => {
    await seedEmpty();
    for (let i = 0; i < 49; i++) await run("take", T0);
    const later = [];
    for (let i = 0; i < 5; i++) later.push((await run("take", T0 + 2_000)).waitMs);
    expect(later).toEqual([0, 0, 0, 0, 500]);
  });

  it("keeps sub-millisecond time exactly", async () => {
    const shape = bucketShape(3, 2, 0);
    await seedEmpty(shape);
    expect((await run("take", T0 + 0.25, { shape })).waitMs).toBe(0);
    expect((await run("take", T0 + 0.25, { shape })).waitMs).toBe(0);
    // 1000/3 ms per request, rounded up to whole µs: the third waits 333.334 ms.
    expect((await run("take", T0 + 0.25, { shape })).waitMs).toBe(333.334);
    expect((await run("take", T0 + 0.5, { shape })).tMs).toBe(T0 + 0.25 + 4 * 333.334);
  });

  it("does not reserve past maxWaitMs, and says how long it would have been", async () => {
    await seedEmpty();
    for (let i = 0; i < 49; i++) await run("take", T0);
    const refused = await run("take", T0, { maxWaitMs: 499 });
    expect(refused).toMatchObject({ granted: false, waitMs: 500 });
    expect(await run("take", T0, { maxWaitMs: 500 })).toMatchObject({ granted: true, waitMs: 500 });
    expect((await run("take", T0)).waitMs).toBe(1000);
  });

  it("gives back the latest reservation of the current generation, and no other", async () => {
    await seedEmpty();
    for (let i = 0; i < 50; i++) await run("take", T0);
    const last = await run("take", T0);
    const refund = (r: Reply & { tMs: number }, generation = r.generation) =>
      run("refund", T0 + 10, { floorMs: r.tMs, generation });
    expect((await refund(last, "1000")).granted).toBe(false);
    expect((await refund(last)).granted).toBe(true);
    expect((await run("take", T0 + 10)).waitMs).toBe(990);
    // Not the latest any more: a later reservation was told its wait counting this one.
    const middle = await run("take", T0 + 10);
    await run("take", T0 + 10);
    expect((await refund(middle)).granted).toBe(false);
    expect((await run("take", T0 + 10)).waitMs).toBe(2490);
  });

  it("fill makes the bucket full for everyone and starts a new generation", async () => {
    await seedEmpty();
    const taken = await run("take", T0);
    const filled = await run("fill", T0 + 100);
    expect(filled.generation).not.toBe(taken.generation);
    expect(filled.tMs).toBe(T0 + 100 + 25_000);
    expect((await run("take", T0 + 100)).waitMs).toBe(1000);
    // A refund of a reservation made before the fill would make room that is not there.
    const back = { floorMs: taken.tMs, generation: taken.generation };
    expect((await run("refund", T0 + 200, back)).granted).toBe(false);
  });

  it("a fill on a fuller bucket changes nothing", async () => {
    for (let i = 0; i < 10; i++) await run("take", T0);
    const before = await fixture.admin.hGetAll(KEY);
    const filled = await run("fill", T0);
    expect(filled).toMatchObject({ t: before.t, generation: before.e });
  });

  it("re-seeds a lost key no lower than the caller's floor from an older generation", async () => {
    const floorMs = T0 + 60_000;
    const reseeded = await run("take", T0, { floorMs, generation: "1600000000000000" });
    expect(reseeded.waitMs).toBe(60_000 + 500 - 24_500);
    expect(reseeded.tMs).toBe(floorMs + 500);
    // The same floor from the current generation is stale knowledge: it is ignored.
    await fixture.admin.hSet(KEY, "t", String(T0 * 1000));
    const current = await run("take", T0, { floorMs, generation: reseeded.generation });
    expect(current.tMs).toBe(T0 + 500);
  });

  it("keeps the backlog when Redis's clock steps back", async () => {
    await seedEmpty();
    for (let i = 0; i < 52; i++) await run("take", T0);
    // An hour back: the three waiting requests still wait as long as they did.
    const after = await run("take", T0 - 3_600_000);
    expect(after.waitMs).toBe(2_000);
  });

  it("expires a drained key after the retention, not before", async () => {
    await seedEmpty();
    await run("take", Date.now());
    const ttl = await fixture.admin.pTTL(KEY);
    expect(ttl).toBeGreaterThan(RETENTION_MS - 60_000);
    expect(ttl).toBeLessThanOrEqual(RETENTION_MS + 500);
  });

  it("a refund on a key that is gone creates nothing", async () => {
    expect((await run("refund", T0, { generation: "x" })).granted).toBe(false);
    expect(await fixture.admin.exists(KEY)).toBe(0);
  });

  it("under any arrival pattern the portal's bucket never overflows", async () => {
    // The portal's own bucket, exactly as BITRIX24.md describes it.
    const portal = (drainPerSecond: number, bucketSize: number, level: number, at: number) => {
      let now = at;
      return (arrival: number): boolean => {
        level = Math.max(0, level - ((arrival - now) * drainPerSecond) / 1000);
        now = arrival;
        if (level + 1 > bucketSize + 1e-9) return false;
        level += 1;
        return true;
      };
    };
    // Boundary values (no gap, exactly one drain, the whole margin) are where bugs live.
    const share = fc.oneof(fc.constantFrom(0, 1), fc.double({ min: 0, max: 1, noNaN: true }));
    const event = fc.record({
      // In units of one request's drain.
      gap: fc.oneof(fc.constantFrom(0, 0.5, 1, 2), fc.double({ min: 0, max: 3, noNaN: true })),
      kind: fc.constantFrom("take", "take", "take", "take", "take", "take", "abort"),
      jitter: share, // share of the margin this request arrives late by
      pick: fc.nat(),
    });
    const scenario = fc.record({
      drainPerSecond: fc.constantFrom(1, 2, 5, 20, 3.7),
      bucketSize: fc.oneof(fc.constantFrom(1, 2, 3), fc.integer({ min: 1, max: 60 })),
      margin: share, // share of the room allowed (bucketSize - 1 requests)
      fresh: fc.boolean(),
      events: fc.array(event, { minLength: 1, maxLength: 40 }),
    });
    await fc.assert(
      fc.asyncProperty(scenario, async (s) => {
        await fixture.admin.flushAll();
        const intervalMs = 1000 / s.drainPerSecond;
        const marginMs = s.margin * (s.bucketSize - 1) * intervalMs;
        const shape = bucketShape(s.drainPerSecond, s.bucketSize, marginMs);
        if (!s.fresh) await seedEmpty(shape);
        let now = T0;
        const sent: { at: number; generation: string; tMs: number }[] = [];
        for (const e of s.events) {
          // Whole µs, as Redis's TIME gives them.
          now = Math.round((now + e.gap * intervalMs) * 1000) / 1000;
          const unsent = sent.filter((r) => r.at > now);
          if (e.kind === "abort" && unsent.length > 0) {
            const victim = unsent[e.pick % unsent.length] as (typeof sent)[number];
            sent.splice(sent.indexOf(victim), 1);
            const back = { shape, floorMs: victim.tMs, generation: victim.generation };
            await run("refund", now, back);
            continue;
          }
          const reply = await run("take", now, { shape });
          expect(reply.granted).toBe(true);
          // Arrives late by up to the margin: the jitter the margin is there for.
          const at = now + reply.waitMs + e.jitter * marginMs;
          sent.push({ at, generation: reply.generation, tMs: reply.tMs });
        }
        // A fresh key must be safe even if the portal's bucket was full when it was made.
        const take = portal(s.drainPerSecond, s.bucketSize, s.fresh ? s.bucketSize : 0, T0);
        for (const arrival of sent.map((r) => r.at).sort((a, b) => a - b)) {
          expect(take(arrival)).toBe(true);
        }
      }),
      { numRuns: 300 },
    );
  });
});

import { createHash } from "node:crypto";
import {
  createMemoryTypingCoordinator,
  type TypingClaim,
  type TypingCoordinator,
} from "@b24im/core";
import { createFakeClock } from "@b24im/core/testing";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { ScriptClient } from "../adapters/index.js";
import { type RedisFixture, useRedis } from "../testing/redis-fixture.test-helpers.js";
import { redisServerMissing } from "../testing/redis-server.test-helpers.js";
import { coordinatorFrom } from "../typing/create-coordinator.js";
import { CLOCK_READ } from "./bucket.js";
import { TYPING_SCRIPTS } from "./typing.js";

const T0 = 1_700_000_000_000;

/**
 * The real scripts on the real server, with Redis's clock replaced by two more arguments (the
 * fake clock's seconds and µs): the arithmetic under test is the one that runs in production,
 * through the coordinator's own argument building. EVALSHA always misses, so each call sends
 * its (rewritten) text.
 */
function onFakeTime(admin: RedisFixture["admin"], nowMs: () => number): ScriptClient {
  return {
    secrets: [],
    evalSha: async () => {
      throw new Error("NOSCRIPT No matching script. Please use EVAL.");
    },
    eval: (text, keys, args) => {
      const ms = nowMs();
      const sec = Math.floor(ms / 1000);
      return admin.eval(text.replace(CLOCK_READ, "{ ARGV[#ARGV - 1], ARGV[#ARGV] }"), {
        keys,
        arguments: [...args, String(sec), String((ms - sec * 1000) * 1000)],
      });
    },
  };
}

describe.skipIf(redisServerMissing)("the typing scripts", () => {
  const fixture = useRedis();

  it("have the SHA-1s the coordinator sends with EVALSHA", () => {
    for (const script of Object.values(TYPING_SCRIPTS)) {
      expect(createHash("sha1").update(script.text).digest("hex")).toBe(script.sha);
    }
    expect(TYPING_SCRIPTS.claim.text).toContain(CLOCK_READ);
  });

  it("keep one hash per schedule in the coordinator key's slot, expiring with its last hold", async () => {
    await fixture.admin.flushAll();
    const clock = createFakeClock({ now: T0 });
    const redis = coordinatorFrom(
      onFakeTime(fixture.admin, clock.monotonic),
      "b24im:typing:x",
      clock,
    );
    const call = { holder: "w1", signal: new AbortController().signal };
    await redis.join([{ key: "user:1:chat5", ttlMs: 50_000 }], call);
    await redis.claim(
      [{ key: "user:1:chat5", periodMs: 20_000, holdMs: 10_000, earlyMs: 0, force: false }],
      call,
    );
    const key = "{b24im:typing:x}:user:1:chat5";
    expect(await fixture.admin.hGetAll(key)).toEqual({
      d: String(T0 + 10_000),
      a: String(T0),
      c: "w1",
      p: "20000",
      "h:w1": String(T0 + 50_000),
    });
    const ttl = await fixture.admin.pTTL(key);
    expect(ttl).toBeGreaterThan(49_000);
    expect(ttl).toBeLessThanOrEqual(50_000);
    await redis.settle({ sent: ["user:1:chat5"], failed: [] }, call);
    expect(await fixture.admin.hGetAll(key)).toMatchObject({ d: String(T0 + 20_000) });
    expect(await fixture.admin.hGet(key, "c")).toBeNull();
    await redis.leave(["user:1:chat5"], call);
    expect(await fixture.admin.exists(key)).toBe(0);
  });

  // The Redis coordinator and core's reference on one fake clock, and a way to run a call on
  // both and require the same answer.
  const pair = () => {
    const clock = createFakeClock({ now: T0 });
    const redis = coordinatorFrom(onFakeTime(fixture.admin, clock.monotonic), "fleet", clock);
    const memory = createMemoryTypingCoordinator({ clock });
    const both = async <T>(run: (c: TypingCoordinator) => Promise<T>): Promise<T> => {
      const [fromRedis, fromMemory] = [await run(redis), await run(memory)];
      expect(fromRedis).toEqual(fromMemory);
      return fromRedis;
    };
    return { clock, both };
  };
  const as = (holder: string) => ({ holder, signal: new AbortController().signal });

  it("end a schedule when its last unexpired hold ends, to the millisecond", async () => {
    await fixture.admin.flushAll();
    const { clock, both } = pair();
    const claimOf = (earlyMs: number) => [
      { key: "k", periodMs: 20_000, holdMs: 10_000, earlyMs, force: false },
    ];
    await both((c) => c.claim(claimOf(0), as("dead"))); // held until 50 s
    await both((c) => c.settle({ sent: ["k"], failed: [] }, as("dead")));
    await clock.advance(45_000);
    await both((c) => c.claim(claimOf(2_000), as("alive")));
    await both((c) => c.settle({ sent: ["k"], failed: [] }, as("alive"))); // due at 65 s
    await clock.advance(4_999);
    await both((c) => c.leave(["k"], as("alive")));
    expect(await both((c) => c.claim(claimOf(0), as("x")))).toEqual([
      { send: false, dueInMs: 15_001 },
    ]);
    await both((c) => c.leave(["k"], as("x")));
    await clock.advance(1);
    await both((c) => c.leave(["k"], as("nobody")));
    expect(await both((c) => c.claim(claimOf(0), as("new")))).toEqual([{ send: true, dueInMs: 0 }]);
  });

  describe("agree with core's reference coordinator on any sequence of calls", () => {
    const holders = ["a", "b", "c"];
    const keys = ["user:1:chat1", "user:1:chat2", "botv2:7:chat1"];
    // Periods of a minute and more, so that no key expires in real time during a run: the
    // scripts' own arithmetic (the holds' times) decides, as it does in production. Times are
    // drawn from a few round values as well, so that runs land exactly on the boundaries (a
    // hold ending now, a due time exactly `earlyMs` away).
    const ms = (values: number[], min: number, max: number) =>
      fc.oneof(fc.constantFrom(...values), fc.integer({ min, max }));
    const claim = fc.record({
      key: fc.constantFrom(...keys),
      periodMs: ms([60_000, 90_000], 60_000, 120_000),
      holdMs: ms([1, 10_000, 30_000, 60_000], 1, 60_000),
      earlyMs: ms([0, 6_000, 10_000], 0, 12_000),
      force: fc.boolean(),
    });
    const someKeys = fc.subarray(keys);
    const step = fc.oneof(
      fc.record({
        op: fc.constant("join" as const),
        holder: fc.constantFrom(...holders),
        holds: fc.array(
          fc.record({
            key: fc.constantFrom(...keys),
            ttlMs: ms([60_000, 120_000, 150_000], 60_000, 300_000),
          }),
          { maxLength: 3 },
        ),
      }),
      fc.record({
        op: fc.constant("claim" as const),
        holder: fc.constantFrom(...holders),
        claims: fc.array(claim, { minLength: 1, maxLength: 4 }),
      }),
      fc.record({
        op: fc.constant("settle" as const),
        holder: fc.constantFrom(...holders),
        sent: someKeys,
        failed: someKeys,
      }),
      fc.record({
        op: fc.constant("leave" as const),
        holder: fc.constantFrom(...holders),
        keys: someKeys,
      }),
      fc.record({
        op: fc.constant("wait" as const),
        ms: ms([1, 6_000, 10_000, 30_000, 60_000, 90_000], 0, 150_000),
      }),
    );

    it("claims, settles, joins and leaves: the same answers, step by step", async () => {
      await fc.assert(
        fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 30 }), async (steps) => {
          await fixture.admin.flushAll();
          const { clock, both } = pair();
          const signal = new AbortController().signal;
          for (const s of steps) {
            if (s.op === "wait") await clock.advance(s.ms);
            else if (s.op === "join")
              await both((c) => c.join(s.holds, { holder: s.holder, signal }));
            else if (s.op === "claim")
              await both((c) => c.claim(s.claims as TypingClaim[], { holder: s.holder, signal }));
            else if (s.op === "settle") {
              const sent = s.sent;
              const failed = s.failed.filter((key) => !sent.includes(key));
              await both((c) => c.settle({ sent, failed }, { holder: s.holder, signal }));
            } else await both((c) => c.leave(s.keys, { holder: s.holder, signal }));
          }
          // Finally every schedule is asked about by a newcomer: same state, same answers.
          const probe = keys.map((key) => ({
            key,
            periodMs: 60_000,
            holdMs: 1_000,
            earlyMs: 0,
            force: false,
          }));
          await both((c) => c.claim(probe, { holder: "probe", signal }));
        }),
        { numRuns: 300 },
      );
    });
  });
});

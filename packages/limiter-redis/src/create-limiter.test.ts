import { RateLimitError } from "@b24im/core";
import { afterEach, describe, expect, it } from "vitest";
import { type ScriptClient, scriptClientFor } from "./adapters/index.js";
import { createRedisRateLimiter, type RedisRateLimiter } from "./create-limiter.js";
import { checkLimiterOptions } from "./options.js";
import { createRedisBucket } from "./redis/bucket-store.js";
import { monotonicClock } from "./redis/monotonic-clock.js";
import {
  CLIENT_KINDS,
  type ClientKind,
  connect,
  type TestClient,
} from "./testing/clients.test-helpers.js";
import { overflow } from "./testing/portal-model.test-helpers.js";
import { useRedis } from "./testing/redis-fixture.test-helpers.js";
import { redisServerMissing } from "./testing/redis-server.test-helpers.js";

// 20/s and a bucket of 10 keep the tests short; 200 ms of margin absorbs a loaded
// machine's timer lateness (the jitter the margin is for).
const RATE = { drainPerSecond: 20, bucketSize: 10 };
const MARGIN_MS = 200;
// A key that did not exist starts full: the first request waits one drain and the margin.
const FIRST_WAIT_MS = 50 + MARGIN_MS;

const elapsedSince = (started: number) => performance.now() - started;

describe.skipIf(redisServerMissing).each(CLIENT_KINDS)(
  "createRedisRateLimiter over %s on a real redis-server",
  (kind) => {
    const fixture = useRedis();
    const clients: TestClient[] = [];
    let keyCount = 0;
    let key = "";

    afterEach(async () => {
      await Promise.all(clients.splice(0).map((client) => client.close()));
    });

    // One "process": its own connection and its own limiter on the test's key.
    const worker = async (o: { maxWaitMs?: number; client?: ClientKind } = {}) => {
      const client = await connect(o.client ?? kind, fixture.server.port);
      clients.push(client);
      const { client: _, ...rest } = o;
      return createRedisRateLimiter({
        redis: client.redis,
        key,
        rateLimit: RATE,
        safetyMarginMs: MARGIN_MS,
        ...rest,
      });
    };
    const newKey = () => {
      key = `b24im:test:${kind}:${++keyCount}`;
    };
    // A bucket that drained long ago, as a key kept through an idle spell looks.
    const drained = () => fixture.admin.hSet(key, { t: "0", s: "0", e: "old" });
    const acquireTimes = (limiter: RedisRateLimiter, count: number) =>
      Promise.all(
        Array.from({ length: count }, () => limiter.acquire().then(() => performance.now())),
      );

    it("two processes share one bucket: together within the portal's limit, taking turns", async () => {
      newKey();
      const [a, b] = [
        await worker(),
        await worker({ client: kind === "ioredis" ? "@redis/client" : "ioredis" }),
      ];
      const started = performance.now();
      const [timesA, timesB] = await Promise.all([acquireTimes(a, 8), acquireTimes(b, 8)]);
      const all = [...timesA, ...timesB];
      expect(overflow({ ...RATE, startLevel: RATE.bucketSize, startAt: started }, all)).toBe(0);
      // 16 requests into a full bucket at 20/s: no sooner than 0.25 + 15 × 0.05 s.
      expect(Math.max(...all) - started).toBeGreaterThanOrEqual(FIRST_WAIT_MS + 15 * 50 - 5);
      // One reservation per process: the first eight admitted are split between the two.
      const firstEight = all.sort((x, y) => x - y).slice(0, 8);
      const ofA = firstEight.filter((t) => timesA.includes(t)).length;
      expect(ofA).toBeGreaterThanOrEqual(3);
      expect(ofA).toBeLessThanOrEqual(5);
    });

    it("a drained bucket lets a burst through at once, then the drain rate", async () => {
      newKey();
      await drained();
      const limiter = await worker();
      const started = performance.now();
      const times = await acquireTimes(limiter, 8);
      const waited = times.map((t) => t - started).sort((x, y) => x - y);
      // Window 500 - 200 ms = 6 requests at once (one Redis round trip each), then 50 ms apart.
      expect(waited[5]).toBeLessThan(150);
      expect(waited[6]).toBeGreaterThanOrEqual(45);
      expect(waited[7]).toBeGreaterThanOrEqual(95);
    });

    it("a 503 seen by one process makes every other wait for a full bucket", async () => {
      newKey();
      await drained();
      const [seen, other] = [await worker(), await worker()];
      const before = await fixture.admin.hGet(key, "e");
      // Timed from the 503: however long the check below takes, the wait counts from the fill.
      const started = performance.now();
      seen.saturate();
      await expect.poll(() => fixture.admin.hGet(key, "e")).not.toBe(before);
      await other.acquire();
      expect(elapsedSince(started)).toBeGreaterThanOrEqual(FIRST_WAIT_MS - 10);
    });

    it("an aborted wait rejects at once with the reason and gives its slot back", async () => {
      newKey();
      const limiter = await worker();
      const controller = new AbortController();
      const waiting = limiter.acquire(controller.signal);
      await expect.poll(() => fixture.admin.hGet(key, "t")).toBeTruthy();
      const reserved = Number(await fixture.admin.hGet(key, "t"));
      const started = performance.now();
      controller.abort(new Error("the user left"));
      await expect(waiting).rejects.toThrow("the user left");
      expect(elapsedSince(started)).toBeLessThan(50);
      // The reservation was the latest: the bucket is one request's drain (50 000 µs) emptier.
      await expect
        .poll(async () => reserved - Number(await fixture.admin.hGet(key, "t")))
        .toBe(50_000);
    });

    it("maxWaitMs: a longer wait fails at once with RateLimitError, unsent, and takes no slot", async () => {
      newKey();
      const limiter = await worker({ maxWaitMs: 100 });
      const started = performance.now();
      const error = await limiter.acquire().catch((e: unknown) => e);
      expect(elapsedSince(started)).toBeLessThan(100);
      expect(error).toBeInstanceOf(RateLimitError);
      expect(error).toMatchObject({ code: "LIMITER_MAX_WAIT", retryable: true });
      const { t, s } = await fixture.admin.hGetAll(key);
      // Seeded full, nothing reserved on top.
      expect(Number(t) - Number(s)).toBe(500_000);
    });

    it("a Redis that hangs: the call's signal ends the wait at once; without one, LIMITER_UNAVAILABLE after 2 s", async () => {
      newKey();
      await drained();
      const limiter = await worker();
      await limiter.acquire();
      process.kill(fixture.server.pid, "SIGSTOP");
      try {
        const started = performance.now();
        const withDeadline = limiter.acquire(AbortSignal.timeout(100)).catch((e: unknown) => e);
        const without = limiter.acquire().catch((e: unknown) => e);
        expect(await withDeadline).toMatchObject({ name: "TimeoutError" });
        expect(elapsedSince(started)).toBeLessThan(1_000);
        const error = await without;
        expect(error).toMatchObject({ code: "LIMITER_UNAVAILABLE", retryable: true });
        expect((error as Error).message).toMatch(/did not answer within 2000 ms/);
        expect(elapsedSince(started)).toBeGreaterThanOrEqual(1_900);
        expect(elapsedSince(started)).toBeLessThan(4_000);
      } finally {
        process.kill(fixture.server.pid, "SIGCONT");
      }
      // Redis is back: so are the calls.
      await expect(limiter.acquire()).resolves.toBeUndefined();
    });

    it("a Redis that is down: calls fail with LIMITER_UNAVAILABLE, none goes through unlimited", async () => {
      newKey();
      await drained();
      const limiter = await worker();
      await fixture.server.stop();
      try {
        const started = performance.now();
        const outcomes = await Promise.all(
          Array.from({ length: 5 }, () =>
            limiter.acquire().then(
              () => "sent",
              (e: unknown) => e,
            ),
          ),
        );
        expect(outcomes.every((o) => (o as { code?: string }).code === "LIMITER_UNAVAILABLE")).toBe(
          true,
        );
        // Together, not one after another: the queued calls share the head's verdict.
        expect(elapsedSince(started)).toBeLessThan(3_500);
      } finally {
        await fixture.server.start();
      }
    });

    it("a restarted Redis (its keys gone) releases no burst: running processes go on at the drain rate", async () => {
      newKey();
      await drained();
      const [a, b] = [await worker(), await worker()];
      const admitted: number[] = [];
      const started = performance.now();
      // Each call retries while Redis is away, as an application would on a retryable error.
      const send = async (limiter: RedisRateLimiter) => {
        for (;;) {
          try {
            await limiter.acquire();
            admitted.push(performance.now());
            return;
          } catch (error) {
            if ((error as { code?: string }).code !== "LIMITER_UNAVAILABLE") throw error;
            await new Promise((resolve) => setTimeout(resolve, 20));
          }
        }
      };
      const load = Promise.all(Array.from({ length: 20 }, (_, i) => send(i % 2 ? a : b)));
      // Restart once the burst is out and the bucket is full.
      await expect.poll(() => admitted.length).toBeGreaterThanOrEqual(8);
      const pid = fixture.server.pid;
      await fixture.server.restart();
      expect(fixture.server.pid).not.toBe(pid);
      await load;
      expect(overflow({ ...RATE, startLevel: 0, startAt: started }, admitted)).toBe(0);
    });

    it("a restarted Redis: a process's reservations beyond a full bucket are not handed out again", async () => {
      newKey();
      const client = await connect(kind, fixture.server.port);
      clients.push(client);
      const bucket = createRedisBucket({
        client: scriptClientFor(client.redis) as ScriptClient,
        key,
        shape: checkLimiterOptions({
          redis: client.redis,
          key,
          rateLimit: RATE,
          safetyMarginMs: MARGIN_MS,
        }).shape,
        clock: monotonicClock,
      });
      // Thirty reservations (one per process of a fleet of thirty, say): the last waits 1.7 s.
      let last = 0;
      for (let i = 0; i < 30; i++) {
        const outcome = await bucket.take();
        if (outcome.granted) last = outcome.waitMs;
      }
      const lastAt = performance.now();
      expect(last).toBeGreaterThan(1_600);
      await fixture.server.restart();
      // A fresh key alone would say 250 ms; the floor this process passes keeps the schedule:
      // one drain after the last reservation, less the time the restart took.
      const after = await bucket.take();
      expect(after.waitMs).toBeGreaterThan(last + 50 - elapsedSince(lastAt) - 10);
    });

    it("a restarted Redis: a process that never saw the bucket still waits for a full one", async () => {
      newKey();
      await drained();
      const running = await worker();
      await acquireTimes(running, 6);
      await fixture.server.restart();
      const newcomer = await worker();
      const started = performance.now();
      await newcomer.acquire();
      // The portal's bucket may be full (the fleet has just sent a burst): no burst into it.
      expect(elapsedSince(started)).toBeGreaterThanOrEqual(FIRST_WAIT_MS - 10);
    });
  },
);

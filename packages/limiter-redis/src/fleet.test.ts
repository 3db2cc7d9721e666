import { type B24Client, B24Error, createClient } from "@b24im/core";
import { type Emulator, startEmulator } from "@b24im/emulator";
import { createNodeTransport } from "@b24im/transport-node";
import { afterEach, describe, expect, it } from "vitest";
import { createRedisRateLimiter } from "./create-limiter.js";
import { CLIENT_KINDS, connect, type TestClient } from "./testing/clients.test-helpers.js";
import { useRedis } from "./testing/redis-fixture.test-helpers.js";
import { redisServerMissing } from "./testing/redis-server.test-helpers.js";

// One portal limit on both sides, ten times the standard tariff to keep the test short.
const RATE = { drainPerSecond: 20, bucketSize: 10 };
const WORKERS = 6;

describe.skipIf(redisServerMissing)(
  "a fleet of clients on one portal, sharing one limit through Redis",
  () => {
    const fixture = useRedis();
    let emulator: Emulator;
    const connections: TestClient[] = [];
    const clients: B24Client[] = [];
    let keyCount = 0;

    afterEach(async () => {
      await Promise.all(clients.splice(0).map((client) => client.close()));
      await Promise.all(connections.splice(0).map((connection) => connection.close()));
      await emulator?.close();
    });

    // Six "processes": each its own Redis connection (three per library), limiter and client,
    // all behind one IP (127.0.0.1) to one emulated portal, with the default safety margin.
    const startFleet = async () => {
      emulator = await startEmulator({ rateLimit: RATE });
      const key = `b24im:fleet:${++keyCount}:127.0.0.1`;
      for (let i = 0; i < WORKERS; i++) {
        const connection = await connect(CLIENT_KINDS[i % 2] ?? "ioredis", fixture.server.port);
        connections.push(connection);
        const limiter = createRedisRateLimiter({ redis: connection.redis, key, rateLimit: RATE });
        clients.push(
          createClient({
            webhook: emulator.webhookUrl(),
            transport: createNodeTransport(),
            rateLimit: limiter,
          }),
        );
      }
    };

    // Every worker sends, two calls at a time, until `ms` have passed; a call the limiter could
    // not decide is tried again, as an application would on a retryable error.
    const run = async (ms: number, during?: () => Promise<void>) => {
      const started = performance.now();
      const sent: number[] = [];
      let unavailable = 0;
      const worker = async (client: B24Client) => {
        while (performance.now() - started < ms) {
          try {
            await client.writing("chat1");
            sent.push(performance.now() - started);
          } catch (error) {
            if (!(error instanceof B24Error) || error.code !== "LIMITER_UNAVAILABLE") throw error;
            unavailable++;
            await new Promise((resolve) => setTimeout(resolve, 20));
          }
        }
      };
      await Promise.all([
        ...clients.flatMap((client) => [worker(client), worker(client)]),
        during?.(),
      ]);
      return { sent, unavailable };
    };

    it("gets no 503 and keeps the portal's rate: 20/s from six workers together", async () => {
      await startFleet();
      const { sent } = await run(3_000);
      expect(emulator.counters.rejected503).toBe(0);
      // A new key starts full, so there is no burst: the drain rate from the start.
      const steady = sent.filter((at) => at >= 1_000 && at < 3_000).length;
      expect(steady).toBeGreaterThanOrEqual(28);
      // 40 at 20/s; one or two more when a response is late at either end of the window.
      expect(steady).toBeLessThanOrEqual(43);
      expect(emulator.counters.ok).toBe(sent.length);
    });

    it("gets no 503 across a Redis restart", async () => {
      await startFleet();
      const { sent } = await run(3_000, async () => {
        await new Promise((resolve) => setTimeout(resolve, 1_000));
        await fixture.server.restart();
      });
      expect(emulator.counters.rejected503).toBe(0);
      expect(sent.filter((at) => at >= 1_000).length).toBeGreaterThan(15);
    });

    it("sends nothing while Redis is down: calls fail with a retryable LIMITER_UNAVAILABLE", async () => {
      await startFleet();
      await fixture.server.stop();
      try {
        const outcomes = await Promise.all(
          clients.map((client) => client.writing("chat1").catch((error: unknown) => error)),
        );
        for (const outcome of outcomes) {
          expect(outcome).toBeInstanceOf(B24Error);
          expect(outcome).toMatchObject({ code: "LIMITER_UNAVAILABLE", retryable: true });
        }
        expect(emulator.counters.requests).toBe(0);
      } finally {
        await fixture.server.start();
      }
    });
  },
);

import { type B24Client, createClient } from "@b24im/core";
import { type Emulator, startEmulator } from "@b24im/emulator";
import { createNodeTransport } from "@b24im/transport-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRedisRateLimiter } from "./create-limiter.js";
import { CLIENT_KINDS, connect, type TestClient } from "./testing/clients.test-helpers.js";
import { useRedis } from "./testing/redis-fixture.test-helpers.js";
import { redisServerMissing } from "./testing/redis-server.test-helpers.js";
import { createRedisTypingCoordinator } from "./typing/create-coordinator.js";

// A standard portal twenty times faster: drain 40/s, bucket 50, a line lives 1.75 s, typing
// refreshes every second — 100 dialogs are 2 batches a second, a twentieth of the budget.
const RATE = { drainPerSecond: 40, bucketSize: 50 };
const TTL_MS = 1_750;
const REFRESH_MS = 1_000;
const WORKERS = 4;
const DIALOGS = Array.from({ length: 100 }, (_, i) => `chat${i + 1}`);

describe.skipIf(redisServerMissing)(
  "clients of a fleet holding leases on the same dialogs, through one Redis",
  () => {
    const fixture = useRedis();
    let emulator: Emulator;
    const connections: TestClient[] = [];
    const clients: B24Client[] = [];

    beforeAll(async () => {
      emulator = await startEmulator({
        rateLimit: RATE,
        typingTtlMs: TTL_MS,
        seed: {
          users: [
            { id: 1, name: "Fleet", lastName: "Writer" },
            { id: 2, name: "Fleet", lastName: "Reader" },
          ],
          chats: DIALOGS.map((_, i) => ({ id: i + 1, title: `Chat ${i + 1}`, members: [1, 2] })),
          webhooks: [{ userId: 1, code: "fleet7x2k9q" }],
        },
      });
      // Four "processes", two per client library: each its own connection, limiter and
      // coordinator, all on one limiter key and one coordinator key.
      for (let i = 0; i < WORKERS; i++) {
        const connection = await connect(CLIENT_KINDS[i % 2] ?? "ioredis", fixture.server.port);
        connections.push(connection);
        const redis = connection.redis;
        clients.push(
          createClient({
            webhook: emulator.webhookUrl(1),
            transport: createNodeTransport(),
            rateLimit: createRedisRateLimiter({
              redis,
              key: "b24im:fleet:127.0.0.1",
              rateLimit: RATE,
            }),
            typing: {
              coordinator: createRedisTypingCoordinator({ redis, key: "b24im:typing:fleet" }),
              refreshMs: REFRESH_MS,
              sendTimeoutMs: 600,
              onError: () => {},
            },
          }),
        );
      }
    });
    afterAll(async () => {
      await Promise.all(clients.map((client) => client.close()));
      await Promise.all(connections.map((connection) => connection.close()));
      await emulator?.close();
    });

    it("refreshes each dialog once per period, with no lapse and no 503, and the last close ends every schedule", async () => {
      const started = Date.now();
      const leases = clients.flatMap((client) => DIALOGS.map((id) => client.typing(id)));
      await new Promise((resolve) => setTimeout(resolve, 6_000));
      const endedAt = Date.now();
      const stats = emulator.typingStats().filter((stat) => stat.senderId === 1);
      expect(stats.map((stat) => stat.dialogId).sort()).toEqual([...DIALOGS].sort());
      for (const stat of stats) {
        // One event at the start and one a second after: 6 or 7 in 6 s — four workers sending
        // each would be about 28. A refresh goes up to a tenth early, so 8 at most.
        expect(stat.events).toBeGreaterThanOrEqual(6);
        expect(stat.events).toBeLessThanOrEqual(8);
        expect(stat.lapses).toBe(0);
        expect(stat.maxGapMs).toBeLessThan(TTL_MS);
        expect(stat.lastAt + TTL_MS).toBeGreaterThanOrEqual(endedAt);
        expect(stat.firstAt - started).toBeLessThan(1_000);
      }
      expect(emulator.counters.rejected503).toBe(0);
      // Typing was a batch per 50 dialogs and period, not per worker.
      expect(emulator.counters.requests).toBeLessThanOrEqual((6 + 2) * 2 + 4);
      for (const lease of leases) lease.stop();
      await Promise.all(clients.map((client) => client.close()));
      expect(await fixture.admin.keys("{b24im:typing:fleet}:*")).toEqual([]);
    });
  },
);

import { createCluster } from "@redis/client";
import { Cluster } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RedisLike } from "./adapters/index.js";
import { createRedisRateLimiter } from "./create-limiter.js";
import {
  type RedisServer,
  redisServerMissing,
  startRedisServer,
} from "./testing/redis-server.test-helpers.js";
import { createRedisTypingCoordinator } from "./typing/create-coordinator.js";

const RATE = { drainPerSecond: 20, bucketSize: 10 };

// A one-node Redis Cluster: the script's one key is routed like any other command's.
describe.skipIf(redisServerMissing)("on a Redis Cluster", () => {
  let server: RedisServer;

  beforeAll(async () => {
    server = await startRedisServer({ cluster: true });
  });
  afterAll(() => server?.stop());

  const clusterClients: {
    name: string;
    open: () => Promise<{ redis: RedisLike; close(): Promise<void> }>;
  }[] = [
    {
      name: "@redis/client createCluster",
      open: async () => {
        const cluster = createCluster({ rootNodes: [{ url: server.url }] });
        cluster.on("error", () => {});
        await cluster.connect();
        return { redis: cluster, close: () => cluster.close() };
      },
    },
    {
      name: "ioredis Cluster",
      open: async () => {
        const cluster = new Cluster([{ host: "127.0.0.1", port: server.port }]);
        cluster.on("error", () => {});
        await new Promise((resolve) => cluster.once("ready", resolve));
        return {
          redis: cluster,
          close: async () => {
            cluster.disconnect();
          },
        };
      },
    },
  ];

  it.each(clusterClients)("$name: two processes share one bucket", async ({ name, open }) => {
    const [a, b] = [await open(), await open()];
    try {
      const key = `b24im:cluster:${name}`;
      const limiters = [a, b].map(({ redis }) =>
        createRedisRateLimiter({ redis, key, rateLimit: RATE, safetyMarginMs: 100 }),
      );
      const started = performance.now();
      await Promise.all(limiters.flatMap((limiter) => [limiter.acquire(), limiter.acquire()]));
      // A new key starts full: 4 requests take one drain and the margin, then 3 drains.
      expect(performance.now() - started).toBeGreaterThanOrEqual(150 + 3 * 50 - 5);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });

  it.each(clusterClients)(
    "$name: a typing claim of several schedules is one script call on one slot",
    async ({ open }) => {
      const { redis, close } = await open();
      try {
        // Braces in the key too: the schedules still share the slot of its hash tag.
        const coordinator = createRedisTypingCoordinator({ redis, key: "b24im:typing:{x}.ru" });
        const claims = ["user:1:chat1", "user:1:chat2", "botv2:7:chat1"].map((key) => ({
          key,
          periodMs: 20_000,
          holdMs: 10_000,
          earlyMs: 0,
          force: false,
        }));
        const call = { holder: "w1", signal: new AbortController().signal };
        await coordinator.join([{ key: "user:1:chat1", ttlMs: 60_000 }], call);
        expect(await coordinator.claim(claims, call)).toEqual(
          claims.map(() => ({ send: true, dueInMs: 0 })),
        );
        await coordinator.settle({ sent: ["user:1:chat1"], failed: ["user:1:chat2"] }, call);
        await coordinator.leave(
          claims.map((claim) => claim.key),
          call,
        );
      } finally {
        await close();
      }
    },
  );
});

import { B24Error, ConfigError, type TypingClaim } from "@b24im/core";
import { describe, expect, it } from "vitest";
import { CLIENT_KINDS, connect, countingClient } from "../testing/clients.test-helpers.js";
import { useRedis } from "../testing/redis-fixture.test-helpers.js";
import { redisServerMissing } from "../testing/redis-server.test-helpers.js";
import { createRedisTypingCoordinator } from "./create-coordinator.js";

const signal = new AbortController().signal;
const as = (holder: string) => ({ holder, signal });
const claimOf = (key: string): TypingClaim => ({
  key,
  periodMs: 20_000,
  holdMs: 10_000,
  earlyMs: 0,
  force: false,
});

describe.skipIf(redisServerMissing).each(CLIENT_KINDS)(
  "createRedisTypingCoordinator on %s and a real redis-server",
  (kind) => {
    const fixture = useRedis(kind);

    it("claims 50 due events in one script call: one holder sends, the others learn when they fall due", async () => {
      const { redis, calls } = countingClient(fixture.client);
      const coordinator = createRedisTypingCoordinator({ redis, key: `b24im:typing:${kind}` });
      const claims = Array.from({ length: 50 }, (_, i) => claimOf(`user:1:chat${i + 1}`));
      const first = await coordinator.claim(claims, as("w1"));
      expect(first).toEqual(claims.map(() => ({ send: true, dueInMs: 0 })));
      expect(calls()).toBeLessThanOrEqual(2); // EVALSHA, and EVAL the first time
      const before = calls();
      const second = await coordinator.claim(claims, as("w2"));
      expect(calls() - before).toBe(1);
      for (const answer of second) {
        expect(answer.send).toBe(false);
        expect(answer.dueInMs).toBeGreaterThan(9_000);
        expect(answer.dueInMs).toBeLessThanOrEqual(10_000);
      }
      await coordinator.settle({ sent: claims.map((c) => c.key), failed: [] }, as("w1"));
      const third = await coordinator.claim(claims.slice(0, 1), as("w2"));
      expect(third[0]?.dueInMs).toBeGreaterThan(19_000);
      // 120 schedules are three script calls: the coordinator splits what it is given.
      const many = Array.from({ length: 120 }, (_, i) => `user:2:chat${i + 1}`);
      await coordinator.join([{ key: "warm-up", ttlMs: 1 }], as("w3")); // caches the script
      const start = calls();
      await coordinator.join(
        many.map((key) => ({ key, ttlMs: 60_000 })),
        as("w3"),
      );
      expect(calls() - start).toBe(3);
      await coordinator.leave(many, as("w3"));
      expect(await fixture.admin.keys(`{b24im:typing:${kind}}:user:2:*`)).toEqual([]);
    });

    it("puts every schedule of a key in one Cluster slot, and leaves no key behind the last leave", async () => {
      const coordinator = createRedisTypingCoordinator({
        redis: fixture.client.redis,
        key: `b24im:{odd}key:${kind}`,
      });
      const keys = ["user:1:chat1", "botv2:7:chat1", "bot:7:c:chat9"];
      await coordinator.claim(keys.map(claimOf), as("w1"));
      const stored = await fixture.admin.keys(`{b24im:{odd}key:${kind}}:*`);
      expect(stored).toHaveLength(3);
      // Redis Cluster hashes the text between the first "{" and the next "}": the same for
      // all, even with braces in the key itself (cluster.test.ts runs it on a real cluster).
      const tag = (key: string) => key.slice(1, key.indexOf("}", 1));
      expect(new Set(stored.map(tag))).toEqual(new Set(["b24im:{odd"]));
      await coordinator.leave(keys, as("w1"));
      expect(await fixture.admin.keys(`{b24im:{odd}key:${kind}}:*`)).toEqual([]);
    });

    it("with Redis ACLs: a user without the grants gets a COORDINATOR_UNAVAILABLE naming them; with them it works", async () => {
      const grant = ["on", ">coord-pw", "~{b24im:acl*", "+evalsha", "+eval"];
      const all = "+time +hget +hmget +hset +hdel +hgetall +del +pttl +pexpire".split(" ");
      await fixture.admin.aclSetUser(`narrow-${kind}`, grant);
      await fixture.admin.aclSetUser(`granted-${kind}`, [...grant, ...all]);
      const claimAs = async (username: string) => {
        const user = await connect(kind, fixture.server.port, { username, password: "coord-pw" });
        try {
          const coordinator = createRedisTypingCoordinator({ redis: user.redis, key: "b24im:acl" });
          return await coordinator.claim([claimOf(`user:1:${kind}`)], as("w")).catch((e) => e);
        } finally {
          await user.close();
        }
      };
      const refused = await claimAs(`narrow-${kind}`);
      expect(refused).toBeInstanceOf(B24Error);
      expect(refused).toMatchObject({ code: "COORDINATOR_UNAVAILABLE", retryable: false });
      expect((refused as Error).message).toMatch(
        /typing coordinator's script: grant it \+evalsha \+eval \+time \+hget .* \+pexpire/,
      );
      expect(JSON.stringify(refused)).not.toContain("coord-pw");
      expect(await claimAs(`granted-${kind}`)).toEqual([{ send: true, dueInMs: 0 }]);
    });

    it("fails within 2 s with a retryable COORDINATOR_UNAVAILABLE while Redis is down, and works once it is back", async () => {
      const coordinator = createRedisTypingCoordinator({
        redis: fixture.client.redis,
        key: `b24im:typing:down:${kind}`,
      });
      await fixture.server.stop();
      try {
        const started = performance.now();
        const error = await coordinator.claim([claimOf("user:1:chat1")], as("w1")).catch((e) => e);
        expect(performance.now() - started).toBeLessThan(3_000);
        expect(error).toMatchObject({ code: "COORDINATOR_UNAVAILABLE", retryable: true });
        expect((error as Error).message).toMatch(/sends its due typing events itself meanwhile/);
      } finally {
        await fixture.server.start();
      }
      // A restarted Redis knows no schedule: the first claim of each is granted. (Not chat1's:
      // the client may have sent the claim that timed out once Redis was back.)
      await expect(coordinator.claim([claimOf("user:1:chat2")], as("w1"))).resolves.toEqual([
        { send: true, dueInMs: 0 },
      ]);
    });
  },
);

describe("createRedisTypingCoordinator's options", () => {
  it("throws ConfigError naming a missing client, a closed one or a bad key, quoting no value", async () => {
    const bad: Array<[unknown, RegExp]> = [
      [undefined, /^options must be an object/],
      [{ key: "k" }, /^redis must be a connected @redis\/client/],
      [{ redis: { evalSha: () => {}, eval: () => {}, isOpen: false }, key: "k" }, /coordinator/],
      [{ redis: { evalsha: () => {}, eval: () => {}, status: "ready" }, key: "" }, /^key must be/],
    ];
    for (const [options, message] of bad) {
      const make = () => createRedisTypingCoordinator(options as never);
      expect(make).toThrow(ConfigError);
      expect(make).toThrow(message);
    }
  });
});

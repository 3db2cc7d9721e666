import { createClient } from "@redis/client";
import { Redis } from "ioredis";
import { describe, expect, it } from "vitest";
import { BUCKET_SCRIPT_SHA } from "../lua/bucket.js";
import { createRedisBucket } from "../redis/bucket-store.js";
import { monotonicClock } from "../redis/monotonic-clock.js";
import { CLIENT_KINDS, connect } from "../testing/clients.test-helpers.js";
import { useRedis } from "../testing/redis-fixture.test-helpers.js";
import { redisServerMissing } from "../testing/redis-server.test-helpers.js";
import { type RedisLike, type ScriptClient, scriptClientFor } from "./index.js";
import { redisClientScripts } from "./redis-client.js";

const SHAPE = { intervalUs: 50_000, fullUs: 500_000, windowUs: 400_000 };

// The real clients' types must fit RedisLike without a cast: this file would not compile.
export const typesFit = (a: ReturnType<typeof createClient>, b: Redis): RedisLike[] => [a, b];

describe.skipIf(redisServerMissing).each(CLIENT_KINDS)(
  "the %s adapter on a real redis-server",
  (kind) => {
    const fixture = useRedis(kind);

    // Counts what the adapter sends, by command.
    const counted = (scripts: ScriptClient) => {
      const sent = { evalSha: 0, eval: 0 };
      const wrapped: ScriptClient = {
        secrets: scripts.secrets,
        evalSha: (...args) => {
          sent.evalSha++;
          return scripts.evalSha(...args);
        },
        eval: (...args) => {
          sent.eval++;
          return scripts.eval(...args);
        },
      };
      return { sent, wrapped };
    };

    it("is recognised by its API and runs the bucket script", async () => {
      const scripts = scriptClientFor(fixture.client.redis);
      expect(typeof scripts).toBe("object");
      const bucket = createRedisBucket({
        client: scripts as ScriptClient,
        key: `${kind}:recognised`,
        shape: SHAPE,
        clock: monotonicClock,
      });
      const outcome = await bucket.take();
      // A key that did not exist starts full: one drain plus the margin.
      expect(outcome).toMatchObject({ granted: true, waitMs: 150 });
      expect(await fixture.admin.hGet(`${kind}:recognised`, "t")).toMatch(/^\d{16}$/);
    });

    it("sends the script's text only when Redis does not have it: first use and after SCRIPT FLUSH", async () => {
      await fixture.admin.scriptFlush();
      const { sent, wrapped } = counted(scriptClientFor(fixture.client.redis) as ScriptClient);
      const bucket = createRedisBucket({
        client: wrapped,
        key: `${kind}:cache`,
        shape: SHAPE,
        clock: monotonicClock,
      });
      await bucket.take();
      expect(sent).toEqual({ evalSha: 1, eval: 1 });
      expect(await fixture.admin.scriptExists(BUCKET_SCRIPT_SHA)).toEqual([1]);
      await bucket.take();
      await bucket.take();
      expect(sent).toEqual({ evalSha: 3, eval: 1 });
      await fixture.admin.scriptFlush();
      await bucket.take();
      expect(sent).toEqual({ evalSha: 4, eval: 2 });
    });

    it("with Redis ACLs: a user allowed only EVAL/EVALSHA is told which commands to grant; with them it works", async () => {
      const grant = ["on", ">limiter-pw", "~b24im:*", "+evalsha", "+eval"];
      await fixture.admin.aclSetUser("narrow", grant);
      await fixture.admin.aclSetUser("granted", [...grant, "+time", "+hmget", "+hset", "+pexpire"]);
      const take = async (username: string) => {
        const user = await connect(kind, fixture.server.port, { username, password: "limiter-pw" });
        try {
          const bucket = createRedisBucket({
            client: scriptClientFor(user.redis) as ScriptClient,
            key: `b24im:acl:${kind}`,
            shape: SHAPE,
            clock: monotonicClock,
          });
          return await bucket.take().catch((e: unknown) => e);
        } finally {
          await user.close();
        }
      };
      const refused = await take("narrow");
      expect(refused).toMatchObject({ code: "LIMITER_UNAVAILABLE", retryable: false });
      expect((refused as Error).message).toMatch(
        /\+evalsha \+eval \+time \+hmget \+hset \+pexpire/,
      );
      expect(JSON.stringify(refused)).not.toContain("limiter-pw");
      expect(await take("granted")).toMatchObject({ granted: true });
    });

    it("reports a key of another type as a refusal that names the fix, without retrying", async () => {
      await fixture.admin.set(`${kind}:string`, "taken by someone else");
      const bucket = createRedisBucket({
        client: scriptClientFor(fixture.client.redis) as ScriptClient,
        key: `${kind}:string`,
        shape: SHAPE,
        clock: monotonicClock,
      });
      const started = performance.now();
      const error = await bucket.take().catch((e: unknown) => e);
      expect(error).toMatchObject({ code: "LIMITER_UNAVAILABLE", retryable: false });
      expect((error as Error).message).toMatch(/WRONGTYPE.*a key of its own/);
      expect(performance.now() - started).toBeLessThan(1_000);
    });
  },
);

describe("what the adapters take from a client's options", () => {
  it("keeps the password of a @redis/client URL and of ioredis's options as secrets", () => {
    const nodeRedis = createClient({ url: "redis://bot:p%40ss-word1@127.0.0.1:1" });
    expect(redisClientScripts(nodeRedis).secrets).toContain("p@ss-word1");
    const io = new Redis({ port: 1, password: "io-secret", lazyConnect: true });
    expect((scriptClientFor(io) as ScriptClient).secrets).toEqual(["io-secret"]);
    io.disconnect();
  });

  it("refuses a @redis/client that was never connected and an ioredis client that was quit", () => {
    expect(scriptClientFor(createClient())).toBe("closed");
    const io = new Redis({ port: 1, lazyConnect: true });
    io.disconnect();
    expect(scriptClientFor(io)).toBe("closed");
    expect(scriptClientFor({ get: () => 1 })).toBe("unknown");
  });
});

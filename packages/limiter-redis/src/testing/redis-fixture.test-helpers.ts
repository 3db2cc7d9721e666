import { afterAll, beforeAll } from "vitest";
import { adminClient, type ClientKind, connect, type TestClient } from "./clients.test-helpers.js";
import { type RedisServer, startRedisServer } from "./redis-server.test-helpers.js";

/** What {@link useRedis} starts for a describe block; read it inside tests and hooks only. */
export interface RedisFixture {
  readonly server: RedisServer;
  /** A raw `@redis/client` for the test's own commands. */
  readonly admin: Awaited<ReturnType<typeof adminClient>>;
  /** A client of the kind asked for; throws when none was. */
  readonly client: TestClient;
}

/**
 * Starts a `redis-server` of the describe block's own before its tests (with an admin
 * client, and a client of `kind` when given) and stops them all after, the server by PID.
 *
 * @example
 * ```ts
 * describe("the limiter", () => {
 *   const redis = useRedis("ioredis");
 *   it("takes", async () => {
 *     createRedisRateLimiter({ redis: redis.client.redis, key: "portal" });
 *   });
 * });
 * ```
 */
export function useRedis(kind?: ClientKind): RedisFixture {
  let server: RedisServer | undefined;
  let admin: RedisFixture["admin"] | undefined;
  let client: TestClient | undefined;
  beforeAll(async () => {
    server = await startRedisServer();
    admin = await adminClient(server.port);
    if (kind) client = await connect(kind, server.port);
  });
  afterAll(async () => {
    await client?.close();
    admin?.destroy();
    await server?.stop();
  });
  const started = <T>(value: T | undefined, what: string): T => {
    if (value === undefined)
      throw new Error(`useRedis: no ${what} (read it inside a test or hook)`);
    return value;
  };
  return {
    get server() {
      return started(server, "server");
    },
    get admin() {
      return started(admin, "admin client");
    },
    get client() {
      return started(client, "client");
    },
  };
}

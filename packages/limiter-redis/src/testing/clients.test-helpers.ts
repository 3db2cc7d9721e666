import { createClient } from "@redis/client";
import { Redis } from "ioredis";
import type { RedisLike } from "../adapters/index.js";

/** Which client library a test runs on. */
export type ClientKind = "@redis/client" | "ioredis";

export const CLIENT_KINDS: readonly ClientKind[] = ["@redis/client", "ioredis"];

/** A connected client of either library, and how to close it. */
export interface TestClient {
  readonly kind: ClientKind;
  readonly redis: RedisLike;
  close(): Promise<void>;
}

/**
 * Connects a client of `kind` to `port`. Both reconnect quickly after a restart, so a test
 * that restarts its server does not wait for the libraries' default backoff; errors while
 * the server is away are expected and not logged.
 *
 * @example
 * ```ts
 * const client = await connect("ioredis", server.port);
 * createRedisRateLimiter({ redis: client.redis, key });
 * await client.close();
 * ```
 */
export async function connect(
  kind: ClientKind,
  port: number,
  auth: { username?: string; password?: string } = {},
): Promise<TestClient> {
  if (kind === "@redis/client") {
    const client = createClient({
      socket: { host: "127.0.0.1", port, reconnectStrategy: () => 20 },
      ...auth,
    });
    client.on("error", () => {});
    await client.connect();
    return {
      kind,
      redis: client,
      close: async () => {
        if (client.isOpen) client.destroy();
      },
    };
  }
  const client = new Redis({
    host: "127.0.0.1",
    port,
    retryStrategy: () => 20,
    maxRetriesPerRequest: null,
    lazyConnect: true,
    // A user limited to the limiter's commands may not run INFO, ioredis's ready check.
    ...(auth.username ? { enableReadyCheck: false } : {}),
    ...auth,
  });
  client.on("error", () => {});
  await client.connect();
  return {
    kind,
    redis: client,
    close: async () => {
      client.disconnect();
    },
  };
}

/**
 * A raw client for a test's own commands (seeding keys, reading TTLs).
 *
 * @example
 * ```ts
 * const admin = await adminClient(server.port);
 * await admin.hGetAll(key);
 * ```
 */
export async function adminClient(port: number) {
  const client = createClient({ socket: { host: "127.0.0.1", port, reconnectStrategy: () => 20 } });
  client.on("error", () => {});
  return client.connect();
}

/**
 * `client`'s Redis client, wrapped to count the script calls it forwards (EVALSHA and EVAL
 * alike): what a limiter or a coordinator costs in round trips.
 *
 * @example
 * ```ts
 * const counted = countingClient(client);
 * createRedisRateLimiter({ redis: counted.redis, key });
 * counted.calls(); // script calls so far
 * ```
 */
export function countingClient(client: TestClient): { redis: RedisLike; calls(): number } {
  let calls = 0;
  const redis = client.redis as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>;
  const count =
    (name: string) =>
    (...args: unknown[]) => {
      calls++;
      return (redis[name] as (...a: unknown[]) => Promise<unknown>).apply(redis, args);
    };
  const wrapped =
    client.kind === "ioredis"
      ? { status: "ready", evalsha: count("evalsha"), eval: count("eval") }
      : { isOpen: true, evalSha: count("evalSha"), eval: count("eval") };
  return { redis: wrapped as unknown as RedisLike, calls: () => calls };
}

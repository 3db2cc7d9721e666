import {
  BATCH_LIMIT,
  type Clock,
  type TypingClaim,
  type TypingClaimAnswer,
  type TypingCoordinator,
  type TypingHold,
} from "@b24im/core";
import type { RedisLike, ScriptClient } from "../adapters/index.js";
import { COORDINATOR_UNAVAILABLE, redisUnavailable } from "../errors.js";
import { TYPING_SCRIPTS } from "../lua/typing.js";
import { checkRedisAndKey } from "../options.js";
import { callRedis, type RedisRole } from "../redis/call-redis.js";
import { monotonicClock } from "../redis/monotonic-clock.js";
import { runScript } from "../redis/run-script.js";

/**
 * Options of {@link createRedisTypingCoordinator}.
 *
 * @example
 * ```ts
 * const options: RedisTypingCoordinatorOptions = { redis, key: `b24im:typing:${portalHost}` };
 * ```
 */
export interface RedisTypingCoordinatorOptions {
  /** A connected `@redis/client` or `ioredis` client (a cluster too); it stays yours to close. */
  redis: RedisLike;
  /**
   * The portal: every process typing to one portal uses the same key, e.g.
   * `b24im:typing:${portalHost}`. With OAuth clients, add the user whose tokens they hold
   * (`b24im:typing:${portalHost}:${userId}`): an OAuth client does not know it, and users must
   * not share a schedule. Each schedule is a small Redis hash named `{key}:…`.
   */
  key: string;
}

/**
 * The typing coordinator: a failure means this process sends its due events itself meanwhile.
 *
 * @example
 * ```ts
 * callRedis(run, { clock, secrets, role: COORDINATOR_ROLE });
 * ```
 */
export const COORDINATOR_ROLE: RedisRole = {
  code: COORDINATOR_UNAVAILABLE,
  name: "typing coordinator",
  outcome: "this process sends its due typing events itself meanwhile",
  grants: "+evalsha +eval +time +hget +hmget +hset +hdel +hgetall +del +pttl +pexpire",
};

/**
 * One typing schedule per (portal, sender, dialog) for a fleet of processes, in Redis: pass it
 * to every client, `createClient({ typing: { coordinator } })`, and each dialog's "typing…" is
 * refreshed once per period however many processes hold leases on it. It implements core's
 * `TypingCoordinator` contract with four Lua scripts on Redis's clock (see `lua/typing.ts`):
 * a claim of up to 50 due events is one script call — one `batch`, one rate-limit token.
 *
 * - A process that dies holding claims: they fall due for the others within the claim's hold
 *   (the send's time limit, at most a period); its holds stop counting within two periods.
 * - The last lease anywhere ends a schedule: the next lease's first event goes out at once.
 * - Redis down or slow: each call fails within 2 s with a `B24Error`
 *   (`COORDINATOR_UNAVAILABLE`); the client then sends its due events itself (a refresh twice
 *   beats none) and reports that once per outage to `onError` (`TYPING_COORDINATOR_FAILED`).
 * - Restarted Redis: schedules start afresh; a process asks about each when its own schedule
 *   says it is due, so nothing bursts.
 *
 * One coordinator may serve several clients of a process (each is its own holder).
 *
 * @example
 * ```ts
 * import { createClient } from "@b24im/core";
 * import { createRedisRateLimiter, createRedisTypingCoordinator } from "@b24im/limiter-redis";
 * import { createNodeTransport } from "@b24im/transport-node";
 * import { createClient as createRedis } from "@redis/client";
 *
 * const redis = await createRedis({ url: process.env.REDIS_URL }).connect();
 * const client = createClient({
 *   webhook: process.env.B24_WEBHOOK_URL,
 *   transport: createNodeTransport(),
 *   rateLimit: createRedisRateLimiter({ redis, key: "b24im:example.bitrix24.ru:203.0.113.7" }),
 *   typing: { coordinator: createRedisTypingCoordinator({ redis, key: "b24im:typing:example.bitrix24.ru" }) },
 * });
 * const lease = client.typing("chat1"); // refreshed once for the fleet
 * ```
 */
export function createRedisTypingCoordinator(
  options: RedisTypingCoordinatorOptions,
): TypingCoordinator {
  const { client, key } = checkRedisAndKey(options, "coordinator");
  return coordinatorFrom(client, key, monotonicClock);
}

/**
 * The coordinator over a script client, on the given clock (tests pass a fake one).
 *
 * @example
 * ```ts
 * const coordinator = coordinatorFrom(scriptClientFor(redis) as ScriptClient, "b24im:typing:x", clock);
 * ```
 */
export function coordinatorFrom(
  client: ScriptClient,
  key: string,
  clock: Clock,
): TypingCoordinator {
  // Hash-tagged with the whole key, so that every schedule of a portal is in one Cluster slot.
  const prefix = `{${key}}:`;
  const run = (script: keyof typeof TYPING_SCRIPTS, keys: string[], args: string[]) =>
    callRedis(() => runScript(client, TYPING_SCRIPTS[script], keys, args), {
      clock,
      secrets: client.secrets,
      role: COORDINATOR_ROLE,
    });

  return {
    async join(holds, { holder }) {
      for (const chunk of chunks(holds)) {
        const ttls = chunk.map(({ ttlMs }: TypingHold) => whole(ttlMs, Math.ceil));
        await run(
          "join",
          chunk.map((hold) => prefix + hold.key),
          [holder, ...ttls],
        );
      }
    },
    async claim(claims, { holder }) {
      const answers: TypingClaimAnswer[] = [];
      for (const chunk of chunks(claims)) {
        const args = chunk.flatMap((claim: TypingClaim) => [
          whole(claim.periodMs, Math.ceil),
          whole(claim.holdMs, Math.ceil),
          whole(claim.earlyMs, Math.floor),
          claim.force ? "1" : "0",
        ]);
        const reply = await run(
          "claim",
          chunk.map((claim) => prefix + claim.key),
          [holder, ...args],
        );
        answers.push(...parseClaimReply(reply, chunk.length, client.secrets));
      }
      return answers;
    },
    async settle({ sent, failed }, { holder }) {
      const outcomes = [...sent.map((k) => [k, "1"]), ...failed.map((k) => [k, "0"])];
      for (const chunk of chunks(outcomes)) {
        await run(
          "settle",
          chunk.map(([k]) => prefix + k),
          [holder, ...chunk.map(([, flag]) => flag as string)],
        );
      }
    },
    async leave(keys, { holder }) {
      for (const chunk of chunks(keys)) {
        await run(
          "leave",
          chunk.map((k) => prefix + k),
          [holder],
        );
      }
    },
  };
}

/**
 * The claim script's reply: per schedule, send (1 or 0) and dueInMs. Anything else (a proxy
 * rewriting replies) is a non-retryable `COORDINATOR_UNAVAILABLE`.
 *
 * @example
 * ```ts
 * parseClaimReply([1, 0, 0, 14250], 2, []); // [{ send: true, dueInMs: 0 }, { send: false, dueInMs: 14250 }]
 * ```
 */
export function parseClaimReply(
  reply: unknown,
  count: number,
  secrets: readonly string[],
): TypingClaimAnswer[] {
  const numbers = Array.isArray(reply) ? reply.map(Number) : [];
  if (numbers.length !== 2 * count || !numbers.every(Number.isFinite)) {
    throw redisUnavailable(
      COORDINATOR_UNAVAILABLE,
      "Redis answered the typing coordinator's script with something else than its reply; is a proxy in between rewriting replies?",
      undefined,
      secrets,
      false,
    );
  }
  return Array.from({ length: count }, (_, i) => ({
    send: numbers[2 * i] === 1,
    dueInMs: Math.max(0, numbers[2 * i + 1] as number),
  }));
}

// Core's claims come in rounds of at most 50; a call of another caller's may be longer.
function chunks<T>(items: readonly T[]): T[][] {
  const out: T[][] = [];
  for (let start = 0; start < items.length; start += BATCH_LIMIT) {
    out.push(items.slice(start, start + BATCH_LIMIT));
  }
  return out;
}

// The scripts take whole, non-negative ms.
function whole(ms: number, round: (x: number) => number): string {
  return String(Number.isFinite(ms) ? Math.max(0, round(ms)) : 0);
}

import type { Clock } from "@b24im/core";
import type { ScriptClient } from "../adapters/script-client.js";
import { LIMITER_UNAVAILABLE, redisUnavailable } from "../errors.js";
import { BUCKET_SCRIPT, BUCKET_SCRIPT_SHA } from "../lua/bucket.js";
import { callRedis } from "./call-redis.js";
import { runScript } from "./run-script.js";

/**
 * The bucket's arithmetic, in whole microseconds of drain (see `lua/bucket.ts`).
 *
 * @example
 * ```ts
 * // A standard portal (2/s, a bucket of 50) with 500 ms of margin:
 * const shape: BucketShape = { intervalUs: 500_000, fullUs: 25_000_000, windowUs: 24_500_000 };
 * ```
 */
export interface BucketShape {
  /** One request's drain: `10^6 / drainPerSecond`, rounded up. */
  intervalUs: number;
  /** A full bucket's backlog: `bucketSize * intervalUs`. */
  fullUs: number;
  /** The backlog a request may arrive into: `fullUs` less the safety margin (rounded up). */
  windowUs: number;
}

/**
 * A reservation, as `refund` needs it: its place in the ledger.
 *
 * @example
 * ```ts
 * const outcome = await bucket.take();
 * if (outcome.granted) await bucket.refund(outcome.reservation); // not sent after all
 * ```
 */
export interface Reservation {
  /** The bucket's empty-at right after it (epoch µs, Redis's clock), as text. */
  t: string;
  generation: string;
}

/**
 * What a reservation answered.
 *
 * @example
 * ```ts
 * const outcome: TakeOutcome = await bucket.take(maxWaitMs);
 * if (!outcome.granted) console.log(`the turn would come in ${outcome.waitMs} ms`);
 * ```
 */
export type TakeOutcome =
  /** One request may be sent after `waitMs`; `refund(reservation)` gives it back. */
  | { granted: true; waitMs: number; reservation: Reservation }
  /** The wait would exceed the limit asked for: nothing was reserved. */
  | { granted: false; waitMs: number };

/**
 * The shared bucket as this process sees it: every method is one script call.
 *
 * @example
 * ```ts
 * const bucket: BucketStore = createRedisBucket({ client, key, shape, clock });
 * await bucket.fill(); // the portal answered QUERY_LIMIT_EXCEEDED
 * ```
 */
export interface BucketStore {
  /** Reserves one request; with `maxWaitMs`, only if its wait is not longer. */
  take(maxWaitMs?: number): Promise<TakeOutcome>;
  /**
   * Gives back a reservation that will not be sent; false when it cannot be (a later one
   * was made, the bucket was filled, or the key was lost).
   */
  refund(reservation: Reservation): Promise<boolean>;
  /** The portal refused a request: the bucket is full. */
  fill(): Promise<void>;
}

/**
 * How long a drained bucket's key is kept: a week, so that a fleet idle for days still gets its burst.
 *
 * @example
 * ```ts
 * scriptArgs({ op: "fill", shape, retentionMs: RETENTION_MS, floorUs: "0", generation: "" });
 * ```
 */
export const RETENTION_MS = 7 * 24 * 60 * 60 * 1000;

/**
 * The shared bucket in Redis under `key`. It remembers the latest backlog and generation
 * Redis told it, and hands them to the script as a floor: when the key was lost (a
 * restarted Redis), the reservations this process already holds are not handed out again.
 *
 * @example
 * ```ts
 * const bucket = createRedisBucket({ client: scripts, key: "b24im:portal", shape, clock });
 * const outcome = await bucket.take();
 * if (outcome.granted) await sleep(clock, outcome.waitMs);
 * ```
 */
export function createRedisBucket(o: {
  client: ScriptClient;
  key: string;
  shape: BucketShape;
  clock: Clock;
  retentionMs?: number;
}): BucketStore {
  const { client, key, shape, clock, retentionMs = RETENTION_MS } = o;
  const script = { text: BUCKET_SCRIPT, sha: BUCKET_SCRIPT_SHA };
  let floor = { t: "0", generation: "" };

  const run = async (op: Op, at: Reservation, maxWaitMs?: number) => {
    const maxWaitUs = maxWaitMs === undefined ? undefined : Math.floor(maxWaitMs * 1000);
    const args = scriptArgs({
      op,
      shape,
      retentionMs,
      floorUs: at.t,
      generation: at.generation,
      maxWaitUs,
    });
    const reply = await callRedis(() => runScript(client, script, [key], args), {
      clock,
      secrets: client.secrets,
    });
    return parseReply(reply, client.secrets);
  };

  const remember = (reply: Reply) => {
    floor = { t: reply.t, generation: reply.generation };
  };

  return {
    async take(maxWaitMs) {
      const reply = await run("take", floor, maxWaitMs);
      remember(reply);
      const waitMs = reply.waitUs / 1000;
      return reply.granted
        ? { granted: true, waitMs, reservation: { t: reply.t, generation: reply.generation } }
        : { granted: false, waitMs };
    },
    async refund(reservation) {
      // A refund's answer is not remembered: a floor may only err on the high side.
      return (await run("refund", reservation)).granted;
    },
    async fill() {
      remember(await run("fill", floor));
    },
  };
}

/**
 * The script's operations.
 *
 * @example
 * ```ts
 * const op: Op = "refund";
 * ```
 */
export type Op = "take" | "refund" | "fill";

/**
 * The script's ARGV, in the order `lua/bucket.ts` documents.
 *
 * @example
 * ```ts
 * scriptArgs({ op: "take", shape, retentionMs: RETENTION_MS, floorUs: "0", generation: "" });
 * ```
 */
export function scriptArgs(o: {
  op: Op;
  shape: BucketShape;
  retentionMs: number;
  floorUs: string;
  generation: string;
  maxWaitUs?: number | undefined;
}): string[] {
  const { shape } = o;
  return [
    o.op,
    String(shape.intervalUs),
    String(shape.fullUs),
    String(shape.windowUs),
    String(o.retentionMs),
    o.floorUs,
    o.generation,
    o.maxWaitUs === undefined ? "" : String(o.maxWaitUs),
  ];
}

/**
 * The script's reply, parsed.
 *
 * @example
 * ```ts
 * const { granted, waitUs }: Reply = parseReply(raw, secrets);
 * ```
 */
export interface Reply {
  granted: boolean;
  /** The wait, in µs. */
  waitUs: number;
  /** The bucket's empty-at after the call, in epoch µs (Redis's clock), as text. */
  t: string;
  generation: string;
}

/**
 * Parses the script's reply (strings, or Buffers from a client set to return them).
 *
 * @example
 * ```ts
 * parseReply(["1", "0", "1700000000500000", "1700000000000000"], []).granted; // true
 * ```
 */
export function parseReply(reply: unknown, secrets: readonly string[]): Reply {
  const [granted, wait, t, generation] = Array.isArray(reply) ? reply.map(String) : [];
  const waitUs = Number(wait);
  if (granted === undefined || !Number.isFinite(waitUs) || !Number.isFinite(Number(t))) {
    throw redisUnavailable(
      LIMITER_UNAVAILABLE,
      "Redis answered the limiter's script with something else than its reply; is a proxy in between rewriting replies?",
      undefined,
      secrets,
      false,
    );
  }
  return { granted: granted === "1", waitUs, t: t as string, generation: generation ?? "" };
}

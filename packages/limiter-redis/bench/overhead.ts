/**
 * What the shared limiter costs per call, beside core's in-memory one: p50/p99 of
 * `acquire()` when the bucket never makes anyone wait (the Redis round trip, and the queue
 * behind a process's one reservation under load), Redis's CPU per reservation, and Redis
 * calls per admitted request, at full speed and at a real limit. Benchmarks, not tests:
 * it prints figures and asserts nothing.
 *
 *   npx tsx packages/limiter-redis/bench/overhead.ts [--quick]
 *
 * Starts its own redis-server (Debian's package) on a free loopback port and stops it.
 */
import { createLeakyBucket, RATE_LIMIT_PRESETS, type RateLimiter, systemClock } from "@b24im/core";
import type { RedisLike } from "../src/adapters/index.js";
import { createRedisRateLimiter } from "../src/create-limiter.js";
import {
  adminClient,
  CLIENT_KINDS,
  type ClientKind,
  connect,
  type TestClient,
} from "../src/testing/clients.test-helpers.js";
import { overflow } from "../src/testing/portal-model.test-helpers.js";
import { startRedisServer } from "../src/testing/redis-server.test-helpers.js";

const quick = process.argv.includes("--quick");
const SECONDS = quick ? 0.5 : 5;
// Never waits: 10^6/s and a bucket of 10^6, so every figure is the limiter's own cost.
const WIDE = { drainPerSecond: 1_000_000, bucketSize: 1_000_000 };
// A real limit, ten times the standard tariff's rate so that a run is short.
const LIMITED = { drainPerSecond: 20, bucketSize: 10 };

type Kind = ClientKind | "in-memory";

interface Row {
  scenario: string;
  limiter: Kind;
  admitted: number;
  perSecond: number;
  p50: number;
  p99: number;
  redisCallsPerAdmitted?: number;
  redisCpuUsPerAdmitted?: number;
  overflow?: number;
}

const server = await startRedisServer();
const admin = await adminClient(server.port);
const connections: TestClient[] = [];
let calls = 0;
let keys = 0;

// A client that counts the script calls it forwards (EVALSHA and EVAL alike).
function counting(client: TestClient): RedisLike {
  const redis = client.redis as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>;
  const count =
    (name: string) =>
    (...args: unknown[]) => {
      calls++;
      return (redis[name] as (...a: unknown[]) => Promise<unknown>).apply(redis, args);
    };
  return client.kind === "ioredis"
    ? { status: "ready", evalsha: count("evalsha"), eval: count("eval") }
    : { isOpen: true, evalSha: count("evalSha"), eval: count("eval") };
}

async function limiters(kind: Kind, count: number, rate: typeof WIDE): Promise<RateLimiter[]> {
  if (kind === "in-memory") {
    // One in-memory bucket per process: there is no sharing to measure, only its cost.
    return Array.from({ length: count }, () => createLeakyBucket({ ...rate, clock: systemClock }));
  }
  const key = `bench:${++keys}`;
  // Start from a drained bucket: the run measures steady work, not a new key's first wait.
  await admin.hSet(key, { t: "0", s: "0", e: "bench" });
  const made: RateLimiter[] = [];
  for (let i = 0; i < count; i++) {
    const client = await connect(kind, server.port);
    connections.push(client);
    made.push(createRedisRateLimiter({ redis: counting(client), key, rateLimit: rate }));
  }
  return made;
}

async function redisCpuUs(): Promise<number> {
  const info = await admin.info("cpu");
  const read = (name: string) => Number(new RegExp(`${name}:([0-9.]+)`).exec(info)?.[1] ?? 0);
  return (read("used_cpu_user") + read("used_cpu_sys")) * 1e6;
}

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;

// `callers` loops per limiter, each acquiring back to back for SECONDS.
async function measure(
  scenario: string,
  kind: Kind,
  o: { processes: number; callers: number; rate: typeof WIDE },
): Promise<Row> {
  const all = await limiters(kind, o.processes, o.rate);
  const latencies: number[] = [];
  const admittedAt: number[] = [];
  calls = 0;
  const cpuBefore = kind === "in-memory" ? 0 : await redisCpuUs();
  const started = performance.now();
  const until = started + SECONDS * 1000;
  const loop = async (limiter: RateLimiter) => {
    while (performance.now() < until) {
      const asked = performance.now();
      await limiter.acquire();
      const now = performance.now();
      latencies.push(now - asked);
      admittedAt.push(now);
    }
  };
  await Promise.all(
    all.flatMap((limiter) => Array.from({ length: o.callers }, () => loop(limiter))),
  );
  const elapsed = (performance.now() - started) / 1000;
  const cpu = kind === "in-memory" ? 0 : (await redisCpuUs()) - cpuBefore;
  const sorted = latencies.sort((a, b) => a - b);
  const row: Row = {
    scenario,
    limiter: kind,
    admitted: latencies.length,
    perSecond: latencies.length / elapsed,
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
  };
  if (kind !== "in-memory") {
    row.redisCallsPerAdmitted = calls / latencies.length;
    row.redisCpuUsPerAdmitted = cpu / latencies.length;
  }
  if (o.rate === LIMITED) {
    row.overflow = overflow({ ...LIMITED, startLevel: 0, startAt: started }, admittedAt);
  }
  return row;
}

const kinds: Kind[] = ["in-memory", ...CLIENT_KINDS];
const rows: Row[] = [];
try {
  for (const kind of kinds) {
    rows.push(
      await measure("1 process, 1 caller, never waits", kind, {
        processes: 1,
        callers: 1,
        rate: WIDE,
      }),
    );
    rows.push(
      await measure("1 process, 32 callers, never waits", kind, {
        processes: 1,
        callers: 32,
        rate: WIDE,
      }),
    );
    rows.push(
      await measure("4 processes × 8 callers, never waits", kind, {
        processes: 4,
        callers: 8,
        rate: WIDE,
      }),
    );
    if (kind !== "in-memory") {
      rows.push(
        await measure("4 processes × 8 callers at 20/s, bucket 10", kind, {
          processes: 4,
          callers: 8,
          rate: LIMITED,
        }),
      );
    }
    await Promise.all(connections.splice(0).map((c) => c.close()));
  }
} finally {
  await Promise.all(connections.splice(0).map((c) => c.close()));
  admin.destroy();
  await server.stop();
}

const f = (x: number | undefined, digits = 3) =>
  x === undefined ? "" : x.toLocaleString("en-US", { maximumSignificantDigits: digits });
console.log(
  `limiter overhead: ${SECONDS} s per row; Node ${process.version}; redis-server on loopback; processes are limiters with their own connection in this one Node process\n`,
);
console.log(
  "| scenario | limiter | admitted | admitted/s | acquire p50 ms | acquire p99 ms | Redis calls / admitted | Redis CPU µs / admitted | portal overflow |",
);
console.log("| --- | --- | --- | --- | --- | --- | --- | --- | --- |");
for (const r of rows) {
  console.log(
    `| ${r.scenario} | ${r.limiter} | ${f(r.admitted, 6)} | ${f(r.perSecond)} | ${f(r.p50)} | ${f(r.p99)} | ${f(r.redisCallsPerAdmitted)} | ${f(r.redisCpuUsPerAdmitted)} | ${r.overflow === undefined ? "" : f(r.overflow)} |`,
  );
}
console.log(
  `\nportal preset for reference: standard ${JSON.stringify(RATE_LIMIT_PRESETS.standard)}`,
);

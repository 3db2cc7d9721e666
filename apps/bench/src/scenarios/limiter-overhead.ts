import { createLeakyBucket, type RateLimiter, systemClock } from "@b24im/core";
import { createRedisRateLimiter } from "@b24im/limiter-redis";
import {
  adminClient,
  CLIENT_KINDS,
  connect,
  countingClient,
  type TestClient,
} from "../../../../packages/limiter-redis/src/testing/clients.test-helpers.js";
import { overflow } from "../../../../packages/limiter-redis/src/testing/portal-model.test-helpers.js";
import { startRedisServer } from "../../../../packages/limiter-redis/src/testing/redis-server.test-helpers.js";
import type { LimiterOverheadResult, LimiterOverheadRow } from "../results.js";
import { percentile } from "../stats.js";

// Never waits: 10^6/s and a bucket of 10^6, so every figure is the limiter's own cost.
const WIDE = { drainPerSecond: 1_000_000, bucketSize: 1_000_000 };
// A real limit, ten times the standard tariff's rate so that a row is short.
const LIMITED = { drainPerSecond: 20, bucketSize: 10 };

type Kind = LimiterOverheadRow["limiter"];

interface Shape {
  scenario: string;
  processes: number;
  callers: number;
  rate: typeof WIDE;
}

const SHAPES: Shape[] = [
  { scenario: "1 process, 1 caller, never waits", processes: 1, callers: 1, rate: WIDE },
  { scenario: "1 process, 32 callers, never waits", processes: 1, callers: 32, rate: WIDE },
  { scenario: "4 processes × 8 callers, never waits", processes: 4, callers: 8, rate: WIDE },
  {
    scenario: "4 processes × 8 callers at 20/s, bucket 10",
    processes: 4,
    callers: 8,
    rate: LIMITED,
  },
];

/**
 * Figure 9: what the shared limiter costs per call, beside core's in-memory one — p50/p99 of
 * `acquire()` when the bucket never makes anyone wait (the Redis round trip, and the queue
 * behind a process's one reservation under load), Redis's CPU and Redis calls per admitted
 * request, at full speed and at a real limit. Starts its own redis-server on a free loopback
 * port and stops it. "Processes" are limiters with their own connection in this one process.
 *
 * @example
 * ```ts
 * const result = await runLimiterOverhead(0.5, "pnpm bench --quick --only=overhead");
 * ```
 */
export async function runLimiterOverhead(
  seconds: number,
  command: string,
): Promise<LimiterOverheadResult> {
  const server = await startRedisServer();
  const admin = await adminClient(server.port);
  const connections: TestClient[] = [];
  let keys = 0;

  // Limiters for one row, and a count of the script calls they make.
  const limiters = async (kind: Kind, shape: Shape) => {
    if (kind === "in-memory") {
      // One in-memory bucket per process: there is no sharing to measure, only its cost.
      const made = Array.from({ length: shape.processes }, () =>
        createLeakyBucket({ ...shape.rate, clock: systemClock }),
      );
      return { made: made as RateLimiter[], calls: () => 0 };
    }
    const key = `bench:${++keys}`;
    // Start from a drained bucket: the row measures steady work, not a new key's first wait.
    await admin.hSet(key, { t: "0", s: "0", e: "bench" });
    const counters: Array<() => number> = [];
    const made: RateLimiter[] = [];
    for (let i = 0; i < shape.processes; i++) {
      const connection = await connect(kind, server.port);
      connections.push(connection);
      const counted = countingClient(connection);
      counters.push(counted.calls);
      made.push(createRedisRateLimiter({ redis: counted.redis, key, rateLimit: shape.rate }));
    }
    return { made, calls: () => counters.reduce((sum, count) => sum + count(), 0) };
  };

  const redisCpuUs = async () => {
    const info = await admin.info("cpu");
    const read = (name: string) => Number(new RegExp(`${name}:([0-9.]+)`).exec(info)?.[1] ?? 0);
    return (read("used_cpu_user") + read("used_cpu_sys")) * 1e6;
  };

  // `callers` loops per limiter, each acquiring back to back for `seconds`.
  const measure = async (kind: Kind, shape: Shape): Promise<LimiterOverheadRow> => {
    const { made, calls } = await limiters(kind, shape);
    const latencies: number[] = [];
    const admittedAt: number[] = [];
    const cpuBefore = kind === "in-memory" ? 0 : await redisCpuUs();
    const started = performance.now();
    const until = started + seconds * 1000;
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
      made.flatMap((limiter) => Array.from({ length: shape.callers }, () => loop(limiter))),
    );
    const elapsedS = (performance.now() - started) / 1000;
    const sorted = latencies.sort((a, b) => a - b);
    const row: LimiterOverheadRow = {
      scenario: shape.scenario,
      limiter: kind,
      admitted: sorted.length,
      perSecond: sorted.length / elapsedS,
      p50Ms: percentile(sorted, 0.5),
      p99Ms: percentile(sorted, 0.99),
    };
    if (kind !== "in-memory") {
      const cpu = (await redisCpuUs()) - cpuBefore;
      row.redisCallsPerAdmitted = calls() / sorted.length;
      row.redisCpuUsPerAdmitted = cpu / sorted.length;
    }
    if (shape.rate === LIMITED) {
      row.overflow = overflow({ ...LIMITED, startLevel: 0, startAt: started }, admittedAt);
    }
    return row;
  };

  const rows: LimiterOverheadRow[] = [];
  try {
    for (const kind of ["in-memory", ...CLIENT_KINDS] as Kind[]) {
      for (const shape of SHAPES) rows.push(await measure(kind, shape));
      await Promise.all(connections.splice(0).map((connection) => connection.close()));
    }
  } finally {
    await Promise.all(connections.splice(0).map((connection) => connection.close()));
    admin.destroy();
    await server.stop();
  }
  return { command, secondsPerRow: seconds, rows };
}

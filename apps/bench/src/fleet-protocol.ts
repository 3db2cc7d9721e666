import type { ClientKind } from "../../../packages/limiter-redis/src/testing/clients.test-helpers.js";

/**
 * How the bench starts one fleet worker (plain JSON: it crosses IPC).
 *
 * @example
 * ```ts
 * const spec: FleetWorkerSpec = { ...base, index: 3, client: "ioredis", writingDialog: "chat2004" };
 * const worker = await spawnFleetWorker(spec);
 * ```
 */
export interface FleetWorkerSpec {
  index: number;
  webhookUrl: string;
  redisPort: number;
  /** Which Redis client library this worker uses: the fleet mixes both. */
  client: ClientKind;
  /** The portal's bucket, as the limiter mirrors it. */
  rateLimit: { drainPerSecond: number; bucketSize: number };
  limiterKey: string;
  coordinatorKey: string;
  /** The dialogs every worker holds a lease on. */
  dialogs: string[];
  /** The dialog this worker's own `writing()` calls go to (one per worker, for counting). */
  writingDialog: string;
  refreshMs: number;
  sendTimeoutMs: number;
  /** How many `writing()` loops run at once. */
  concurrency: number;
  /** Each call's deadline (its signal), and the limiter's maxWaitMs a little under it. */
  callDeadlineMs: number;
  maxWaitMs: number;
}

/**
 * One `writing()` call: when it started and ended (epoch ms) and how.
 *
 * @example
 * ```ts
 * const calls: FleetCall[] = [];
 * calls.push({ startedAt, endedAt: Date.now(), outcome: "ok" });
 * ```
 */
export interface FleetCall {
  startedAt: number;
  endedAt: number;
  /** "ok", a B24Error's code, "deadline" (its signal), or "untyped: …" (anything else). */
  outcome: string;
}

/**
 * What a worker reports when it is stopped.
 *
 * @example
 * ```ts
 * const report: FleetWorkerReport = await worker.stop();
 * const scriptCalls = report.redisCalls.limiter + report.redisCalls.coordinator;
 * ```
 */
export interface FleetWorkerReport {
  index: number;
  calls: FleetCall[];
  /** Calls still pending when the loops were told to stop and the client closed. */
  unsettled: number;
  /** Typing failures `onError` got, by code. */
  typingErrors: Record<string, number>;
  /** Script calls each part made on Redis (EVALSHA and EVAL alike). */
  redisCalls: { limiter: number; coordinator: number };
  unhandledRejections: number;
}

/**
 * Commands from the bench.
 *
 * @example
 * ```ts
 * const command: FleetCommand = { type: "init", spec };
 * child.send(command);
 * ```
 */
export type FleetCommand =
  | { type: "init"; spec: FleetWorkerSpec }
  | { type: "start" }
  | { type: "stop" };

/**
 * Messages from a worker.
 *
 * @example
 * ```ts
 * const at = await nextMessage(child, (m: FleetMessage) => (m.type === "started" ? m.at : undefined));
 * ```
 */
export type FleetMessage =
  | { type: "ready" }
  | { type: "started"; at: number }
  | { type: "report"; report: FleetWorkerReport }
  | { type: "failed"; message: string };

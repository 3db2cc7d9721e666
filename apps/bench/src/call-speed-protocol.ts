import type { ClientName, ClientTarget } from "./clients.js";

/**
 * Messages to a call-speed worker process.
 *
 * @example
 * ```ts
 * const command: WorkerCommand = { type: "run", id: 1, concurrency: 32, durationMs: 3_000 };
 * child.send(command);
 * ```
 */
export type WorkerCommand =
  | { type: "init"; client: ClientName; target: ClientTarget }
  | { type: "run"; id: number; concurrency: number; durationMs: number }
  | { type: "close" };

/**
 * What one timed run of one client measured, inside its own process.
 *
 * @example
 * ```ts
 * const run: WorkerRun = await worker.run(32, 3_000);
 * const callsPerSecond = run.calls / (run.wallMs / 1000);
 * ```
 */
export interface WorkerRun {
  /** Calls that succeeded. */
  calls: number;
  errors: number;
  firstError?: string;
  wallMs: number;
  /** This process's CPU time (user + system) during the run, in ms. */
  cpuMs: number;
  p50Ms: number;
  p99Ms: number;
}

/**
 * Messages from a call-speed worker process.
 *
 * @example
 * ```ts
 * await nextMessage(child, (m: WorkerMessage) => (m.type === "ready" ? true : undefined));
 * ```
 */
export type WorkerMessage =
  | { type: "ready" }
  | { type: "failed"; message: string }
  | ({ type: "result"; id: number } & WorkerRun);

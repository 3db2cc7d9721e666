import type { ClientName, ClientTarget } from "./clients.js";

/** Messages to a call-speed worker process. */
export type WorkerCommand =
  | { type: "init"; client: ClientName; target: ClientTarget }
  | { type: "run"; id: number; concurrency: number; durationMs: number }
  | { type: "close" };

/** What one timed run of one client measured, inside its own process. */
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

/** Messages from a call-speed worker process. */
export type WorkerMessage =
  | { type: "ready" }
  | { type: "failed"; message: string }
  | ({ type: "result"; id: number } & WorkerRun);

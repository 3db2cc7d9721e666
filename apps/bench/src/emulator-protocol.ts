import type {
  EmulatorCounters,
  OAuthTokenAnswer,
  RateLimit,
  RequestLogEntry,
  ScheduledFault,
  TypingStat,
} from "@b24im/emulator";

/**
 * How the bench asks its emulator child process to start (plain JSON: it crosses IPC).
 *
 * @example
 * ```ts
 * const spec: EmulatorSpec = { rateLimit: { drainPerSecond: 2, bucketSize: 50 }, chats: 1_000 };
 * const emulator = await spawnEmulator({ ...spec, typingTtlMs: 35_000 });
 * ```
 */
export interface EmulatorSpec {
  rateLimit: RateLimit;
  /** Seed {@link benchSeed} with this many chats. */
  chats: number;
  typingTtlMs?: number;
  https?: { key: string; cert: string };
  /** Requests the log keeps; default the emulator's (1,000). */
  logLimit?: number;
}

/**
 * A question to the emulator child; `id` pairs it with its answer.
 *
 * @example
 * ```ts
 * const question: EmulatorQuestion = { id: 7, op: "fault", fault: SOAK_FAULTS.hang };
 * child.send(question);
 * ```
 */
export type EmulatorQuestion =
  | { id: number; op: "counters" }
  | { id: number; op: "typingStats" }
  | { id: number; op: "reset" }
  | { id: number; op: "cpu" }
  | { id: number; op: "fault"; fault: ScheduledFault }
  | { id: number; op: "clearFaults" }
  | { id: number; op: "issueTokens" }
  | { id: number; op: "expireTokens" }
  | { id: number; op: "log" }
  | { id: number; op: "close" };

/**
 * What each question is answered with.
 *
 * @example
 * ```ts
 * const { user, system } = message.value as EmulatorAnswers["cpu"];
 * const cpuSeconds = (user + system) / 1e6;
 * ```
 */
export interface EmulatorAnswers {
  counters: EmulatorCounters;
  typingStats: TypingStat[];
  reset: null;
  /** The child's own CPU time so far, in microseconds. */
  cpu: { user: number; system: number };
  fault: null;
  clearFaults: null;
  issueTokens: OAuthTokenAnswer;
  expireTokens: null;
  log: RequestLogEntry[];
  close: null;
}

/**
 * Messages from the emulator child.
 *
 * @example
 * ```ts
 * const ready = await nextMessage(child, (m: EmulatorMessage) => (m.type === "ready" ? m : undefined));
 * ready.webhookUrl; // user 1's
 * ```
 */
export type EmulatorMessage =
  | { type: "ready"; url: string; webhookUrl: string }
  | { type: "answer"; id: number; value: unknown }
  | { type: "failed"; message: string };

import type {
  EmulatorCounters,
  OAuthTokenAnswer,
  RequestLogEntry,
  ScheduledFault,
  TypingStat,
} from "@b24im/emulator";
import { closeChild, forkEntry, nextMessage } from "./child-process.js";
import type {
  EmulatorAnswers,
  EmulatorMessage,
  EmulatorQuestion,
  EmulatorSpec,
} from "./emulator-protocol.js";

/**
 * An emulator running in a child process, and the questions the bench may ask it.
 *
 * @example
 * ```ts
 * const emulator: EmulatorProcess = await spawnEmulator({ rateLimit: "standard", chats: 1_000 });
 * await emulator.addFault(SOAK_FAULTS["503 burst"]);
 * const { rejected503 } = await emulator.counters();
 * ```
 */
export interface EmulatorProcess {
  url: string;
  /** User 1's webhook URL. */
  webhookUrl: string;
  counters(): Promise<EmulatorCounters>;
  typingStats(): Promise<TypingStat[]>;
  reset(): Promise<void>;
  /** The server's CPU time so far, in seconds. */
  cpuSeconds(): Promise<number>;
  /** Schedules a fault for the next matching requests (`emulator.faults.add`). */
  addFault(fault: ScheduledFault): Promise<void>;
  clearFaults(): Promise<void>;
  /** A fresh OAuth token pair of user 1 for the seed's app. */
  issueTokens(): Promise<OAuthTokenAnswer>;
  /** Every access token issued so far now answers `expired_token`. */
  expireAccessTokens(): Promise<void>;
  /** The request log, oldest first (as many entries as the spec's `logLimit`). */
  log(): Promise<RequestLogEntry[]>;
  close(): Promise<void>;
}

/**
 * Starts `@b24im/emulator` in its own process with the bench's seed.
 *
 * @example
 * ```ts
 * const emulator = await spawnEmulator({ rateLimit: false, chats: 1 });
 * const before = await emulator.counters();
 * await emulator.close();
 * ```
 */
export async function spawnEmulator(spec: EmulatorSpec): Promise<EmulatorProcess> {
  const child = forkEntry("emulator-child");
  child.send(spec);
  const ready = await nextMessage(child, (message: EmulatorMessage) => {
    if (message.type === "failed") throw new Error(`emulator failed to start: ${message.message}`);
    return message.type === "ready" ? message : undefined;
  });
  let nextId = 1;
  function ask<K extends EmulatorQuestion["op"]>(
    op: K,
    extra: Omit<Extract<EmulatorQuestion, { op: K }>, "id" | "op"> | Record<string, never> = {},
  ): Promise<EmulatorAnswers[K]> {
    const id = nextId++;
    const answer = nextMessage(child, (message: EmulatorMessage) =>
      message.type === "answer" && message.id === id ? message : undefined,
    );
    child.send({ id, op, ...extra });
    return answer.then((message) => message.value as EmulatorAnswers[K]);
  }
  return {
    url: ready.url,
    webhookUrl: ready.webhookUrl,
    counters: () => ask("counters"),
    typingStats: () => ask("typingStats"),
    reset: () => ask("reset").then(() => undefined),
    cpuSeconds: () => ask("cpu").then((cpu) => (cpu.user + cpu.system) / 1e6),
    addFault: (fault) => ask("fault", { fault }).then(() => undefined),
    clearFaults: () => ask("clearFaults").then(() => undefined),
    issueTokens: () => ask("issueTokens"),
    expireAccessTokens: () => ask("expireTokens").then(() => undefined),
    log: () => ask("log"),
    close: () => closeChild(child, () => ask("close")),
  };
}

import type { EmulatorCounters, TypingStat } from "@b24im/emulator";
import { closeChild, forkEntry, nextMessage } from "./child-process.js";
import type {
  EmulatorAnswers,
  EmulatorMessage,
  EmulatorQuestion,
  EmulatorSpec,
} from "./emulator-protocol.js";

/** An emulator running in a child process, and the questions the bench may ask it. */
export interface EmulatorProcess {
  url: string;
  /** User 1's webhook URL. */
  webhookUrl: string;
  counters(): Promise<EmulatorCounters>;
  typingStats(): Promise<TypingStat[]>;
  reset(): Promise<void>;
  /** The server's CPU time so far, in seconds. */
  cpuSeconds(): Promise<number>;
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
  function ask<K extends EmulatorQuestion["op"]>(op: K): Promise<EmulatorAnswers[K]> {
    const id = nextId++;
    const answer = nextMessage(child, (message: EmulatorMessage) =>
      message.type === "answer" && message.id === id ? message : undefined,
    );
    child.send({ id, op });
    return answer.then((message) => message.value as EmulatorAnswers[K]);
  }
  return {
    url: ready.url,
    webhookUrl: ready.webhookUrl,
    counters: () => ask("counters"),
    typingStats: () => ask("typingStats"),
    reset: () => ask("reset").then(() => undefined),
    cpuSeconds: () => ask("cpu").then((cpu) => (cpu.user + cpu.system) / 1e6),
    close: () => closeChild(child, () => ask("close")),
  };
}

// The emulator runs in its own process so that a client's CPU time is not mixed with the server's.
import { startEmulator } from "@b24im/emulator";
import type { EmulatorMessage, EmulatorQuestion, EmulatorSpec } from "./emulator-protocol.js";
import { benchSeed } from "./portal-seed.js";

function reply(message: EmulatorMessage): void {
  process.send?.(message);
}

async function start(spec: EmulatorSpec): Promise<void> {
  const emulator = await startEmulator({
    seed: benchSeed(spec.chats),
    rateLimit: spec.rateLimit,
    ...(spec.typingTtlMs === undefined ? {} : { typingTtlMs: spec.typingTtlMs }),
    ...(spec.https === undefined ? {} : { https: spec.https }),
    ...(spec.logLimit === undefined ? {} : { logLimit: spec.logLimit }),
  });
  process.on("message", async (question: EmulatorQuestion) => {
    switch (question.op) {
      case "counters":
        return reply({ type: "answer", id: question.id, value: { ...emulator.counters } });
      case "typingStats":
        return reply({ type: "answer", id: question.id, value: emulator.typingStats() });
      case "reset":
        emulator.reset();
        return reply({ type: "answer", id: question.id, value: null });
      case "cpu":
        return reply({ type: "answer", id: question.id, value: process.cpuUsage() });
      case "fault":
        emulator.faults.add(question.fault);
        return reply({ type: "answer", id: question.id, value: null });
      case "clearFaults":
        emulator.faults.clear();
        return reply({ type: "answer", id: question.id, value: null });
      case "issueTokens":
        return reply({ type: "answer", id: question.id, value: emulator.oauth.issueTokens() });
      case "expireTokens":
        emulator.oauth.expireAccessTokens();
        return reply({ type: "answer", id: question.id, value: null });
      case "log":
        return reply({ type: "answer", id: question.id, value: emulator.log });
      case "close":
        await emulator.close();
        reply({ type: "answer", id: question.id, value: null });
        process.disconnect();
    }
  });
  reply({ type: "ready", url: emulator.url, webhookUrl: emulator.webhookUrl(1) });
}

// Orphaned by a crashed bench: leave rather than keep a port open.
process.on("disconnect", () => process.exit());

process.once("message", (spec: EmulatorSpec) => {
  start(spec).catch((error: unknown) => {
    reply({ type: "failed", message: error instanceof Error ? error.message : String(error) });
    process.exitCode = 1;
    process.disconnect();
  });
});

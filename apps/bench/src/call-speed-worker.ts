// One client per process: its CPU time is then its own, not the emulator's or another client's.
import { performance } from "node:perf_hooks";
import type { WorkerCommand, WorkerMessage, WorkerRun } from "./call-speed-protocol.js";
import { type BenchClient, createBenchClient } from "./clients.js";
import { latencyPercentiles } from "./stats.js";

let client: BenchClient | undefined;
let samples = new Float64Array(1 << 16);

function reply(message: WorkerMessage): void {
  process.send?.(message);
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

async function run(concurrency: number, durationMs: number): Promise<WorkerRun> {
  const active = client;
  if (active === undefined) throw new Error("run before init");
  let calls = 0;
  let errors = 0;
  let firstError: string | undefined;
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  const end = started + durationMs;
  // Every caller makes at least one call, so even a run shorter than one call measures something.
  const loop = async () => {
    do {
      const sent = performance.now();
      try {
        await active.call();
      } catch (error) {
        errors++;
        firstError ??= describe(error);
        continue;
      }
      if (calls === samples.length) {
        const grown = new Float64Array(samples.length * 2);
        grown.set(samples);
        samples = grown;
      }
      samples[calls++] = performance.now() - sent;
    } while (performance.now() < end);
  };
  await Promise.all(Array.from({ length: concurrency }, loop));
  const wallMs = performance.now() - started;
  const cpu = process.cpuUsage(cpuBefore);
  const { p50, p99 } = latencyPercentiles(samples, calls);
  return {
    calls,
    errors,
    ...(firstError === undefined ? {} : { firstError }),
    wallMs,
    cpuMs: (cpu.user + cpu.system) / 1000,
    p50Ms: p50,
    p99Ms: p99,
  };
}

// Orphaned by a crashed bench: leave rather than keep a port open.
process.on("disconnect", () => process.exit());

process.on("message", async (command: WorkerCommand) => {
  try {
    switch (command.type) {
      case "init":
        client = await createBenchClient(command.client, command.target);
        return reply({ type: "ready" });
      case "run":
        return reply({
          type: "result",
          id: command.id,
          ...(await run(command.concurrency, command.durationMs)),
        });
      case "close":
        await client?.close();
        process.disconnect();
    }
  } catch (error) {
    reply({ type: "failed", message: describe(error) });
  }
});

// The whole stack (client → transport → socket → emulator) under any mix of server faults:
// every call settles, with `true` or a typed error, within its bounds, and the client works
// again once the faults stop.
import { B24Error, createClient, type Transport } from "@b24im/core";
import { type Emulator, type ScheduledFault, startEmulator } from "@b24im/emulator";
import { createFetchTransport } from "@b24im/transport-fetch";
import { createNodeTransport } from "@b24im/transport-node";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const TIMEOUT_MS = 150;
const ATTEMPTS = 3;

const fault: fc.Arbitrary<ScheduledFault> = fc.oneof(
  fc.constant({ kind: "reset" as const }),
  fc.constant({ kind: "hang" as const }),
  fc.integer({ min: 0, max: 40 }).map((ms) => ({ kind: "delay" as const, ms })),
  fc.constantFrom(502 as const, 504 as const).map((status) => ({ kind: "html" as const, status })),
  fc.constant({ kind: "cutJson" as const }),
  fc.constant({ kind: "status" as const, status: 500, error: "ERROR_CORE" }),
  fc.constant({ kind: "status" as const, status: 503, error: "QUERY_LIMIT_EXCEEDED" }),
  fc.constant({ kind: "status" as const, status: 403, error: "ACCESS_ERROR" }),
);
const scenario = fc.record({
  faults: fc.array(fault, { maxLength: 6 }),
  calls: fc.integer({ min: 1, max: 6 }),
});

const transports: Array<{ name: string; create: () => Transport }> = [
  { name: "transport-node", create: () => createNodeTransport() },
  { name: "transport-fetch", create: () => createFetchTransport() },
];

describe.each(transports)("the client over $name, under server faults", ({ create }) => {
  let emulator: Emulator;
  beforeAll(async () => {
    emulator = await startEmulator({ rateLimit: false });
  });
  afterAll(() => emulator.close());

  it("settles every call with true or a B24Error, retries within bounds, and recovers", async () => {
    await fc.assert(
      fc.asyncProperty(scenario, async ({ faults, calls }) => {
        emulator.faults.clear();
        for (const planned of faults) emulator.faults.add(planned);
        const client = createClient({
          webhook: emulator.webhookUrl(),
          transport: create(),
          rateLimit: false,
          timeoutMs: TIMEOUT_MS,
          retry: { attempts: ATTEMPTS, baseDelayMs: 1, maxDelayMs: 5 },
        });
        const before = emulator.counters.requests;
        const started = performance.now();

        const outcomes = await Promise.allSettled(
          Array.from({ length: calls }, () => client.writing("chat1")),
        );

        for (const outcome of outcomes) {
          if (outcome.status === "fulfilled") expect(outcome.value).toBe(true);
          else expect(outcome.reason).toBeInstanceOf(B24Error);
        }
        // No hang: each call makes at most ATTEMPTS tries of at most TIMEOUT_MS (plus a margin
        // for a loaded machine; this bounds liveness, it measures no speed).
        expect(performance.now() - started).toBeLessThan(ATTEMPTS * TIMEOUT_MS + 2000);
        expect(emulator.counters.requests - before).toBeLessThanOrEqual(calls * ATTEMPTS);
        // With fewer faults than tries, only an error that retrying cannot fix reaches the caller.
        if (faults.length < ATTEMPTS) {
          for (const outcome of outcomes) {
            if (outcome.status === "rejected") expect(outcome.reason.retryable).toBe(false);
          }
        }
        emulator.faults.clear();
        await expect(client.writing("chat1")).resolves.toBe(true);
        await client.close();
      }),
      { numRuns: 25 },
    );
  }, 120_000);
});

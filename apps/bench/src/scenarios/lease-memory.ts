import { forkEntry, nextMessage } from "../child-process.js";
import { judgeTarget, type LeaseMemoryResult } from "../results.js";
import { summarize } from "../stats.js";

const TARGET_BYTES = 1024;

/**
 * Figure 4: heap held per open typing lease, with `leases` leases on distinct dialogs open
 * at once (heapUsed after full GCs, minus the same before, ÷ leases), on a transport that
 * answers instantly.
 *
 * @example
 * ```ts
 * const result = await runLeaseMemory(10_000, 5, "pnpm bench --only=memory");
 * ```
 */
export async function runLeaseMemory(
  leases: number,
  runs: number,
  command: string,
): Promise<LeaseMemoryResult> {
  const child = forkEntry("lease-memory-worker", {
    execArgv: ["--expose-gc"],
    args: [String(leases), String(runs)],
  });
  const answer = await nextMessage(
    child,
    (message: { perRun: number[]; requests: number }) => message,
  );
  const bytesPerLease = summarize(answer.perRun);
  return {
    command,
    leases,
    bytesPerLease,
    target: judgeTarget("<=", TARGET_BYTES, bytesPerLease.median),
    note:
      `${runs} runs, each a fresh client (rateLimit off, default typing options) on an instant in-memory ` +
      `transport; the first events went out (${answer.requests} requests per run, batched) before the heap was measured`,
  };
}

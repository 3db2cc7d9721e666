// `pnpm test:runtimes`: runs the conformance suite on Deno, Bun and workerd, side by side,
// each against its own emulator on loopback. The packages must be built (the script runs
// turbo first). Exits 1 if any check failed or any runtime could not start.
import { findRuntime, type Runtime, type RuntimeName, RuntimeUnavailable } from "./binaries.ts";
import { stopAllChildren } from "./children.ts";
import { runCliSuite, type SuiteOutcome } from "./cli-suite.ts";
import { startFixture } from "./emulator-fixture.ts";
import { printResults, printVersions, type RuntimeRun } from "./report.ts";
import { TARGETS, type Target } from "./targets.ts";
import { runWorkerdSuite } from "./workerd.ts";

/** The suite takes about 6 s; this is for a slow or overloaded CI machine. */
const SUITE_TIMEOUT_MS = 90_000;

/** Each binary once: its version, or why it cannot start. */
async function findRuntimes(): Promise<Map<RuntimeName, Runtime | RuntimeUnavailable>> {
  const names = [...new Set(TARGETS.map((target) => target.runtime))];
  const found = await Promise.all(
    names.map((name) =>
      findRuntime(name).catch((error: unknown) =>
        error instanceof RuntimeUnavailable ? error : new RuntimeUnavailable(String(error)),
      ),
    ),
  );
  return new Map(names.map((name, i) => [name, found[i] as Runtime | RuntimeUnavailable]));
}

async function runOn(target: Target, runtime: Runtime, secrets: string[]): Promise<SuiteOutcome> {
  const fixture = await startFixture();
  secrets.push(fixture.secret);
  try {
    const outcome =
      runtime.name === "workerd"
        ? await runWorkerdSuite(runtime, fixture.input, SUITE_TIMEOUT_MS, {
            nodeCompat: target.nodeCompat ?? true,
            afterSuite: (url) => fixture.deliveryCheck(url),
          })
        : await runCliSuite(runtime, fixture.input, SUITE_TIMEOUT_MS);
    // The server's view only means something when the suite ran to its end.
    if (!outcome.problem) outcome.results.push(...fixture.serverChecks());
    return outcome;
  } finally {
    await fixture.emulator.close();
  }
}

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    stopAllChildren();
    process.exit(130);
  });
}

const started = Date.now();
const secrets: string[] = [];
const mask = (text: string) =>
  secrets.reduce((masked, secret) => masked.replaceAll(secret, "[webhook code]"), text);
try {
  const runtimes = await findRuntimes();
  printVersions(runtimes);
  const runs: RuntimeRun[] = await Promise.all(
    TARGETS.map(async (target) => {
      const runtime = runtimes.get(target.runtime);
      const outcome: SuiteOutcome =
        runtime instanceof RuntimeUnavailable || runtime === undefined
          ? { results: [], problem: `cannot start: ${runtime?.message ?? target.runtime}` }
          : await runOn(target, runtime, secrets);
      return { label: target.label, outcome };
    }),
  );
  const totals = printResults(runs, mask);
  console.log(`(${((Date.now() - started) / 1000).toFixed(1)} s)`);
  process.exitCode = totals.failed > 0 ? 1 : 0;
} finally {
  stopAllChildren();
}

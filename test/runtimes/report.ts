// The run's report: the runtime versions, a table of every check on every target, the
// failures in full, and a closing "N passed, M failed" line.
import { type Runtime, type RuntimeName, RuntimeUnavailable } from "./binaries.ts";
import type { SuiteOutcome } from "./cli-suite.ts";

export interface RuntimeRun {
  label: string;
  outcome: SuiteOutcome;
}

export interface Totals {
  passed: number;
  failed: number;
}

export function printVersions(runtimes: Map<RuntimeName, Runtime | RuntimeUnavailable>): void {
  console.log("Runtimes:");
  for (const [name, runtime] of runtimes) {
    if (runtime instanceof RuntimeUnavailable) {
      console.log(`  ${name.padEnd(8)} CANNOT START: ${runtime.message}`);
    } else {
      console.log(
        `  ${name.padEnd(8)} ${runtime.reportedVersion}  (npm ${name}@${runtime.packageVersion})`,
      );
    }
  }
}

/** Prints the table and the failures; returns the counts (a target that did not finish counts as one failure). */
export function printResults(runs: RuntimeRun[], mask: (text: string) => string): Totals {
  const checks = [...new Set(runs.flatMap((run) => run.outcome.results.map((r) => r.check)))];
  const width = Math.max(...checks.map((check) => check.length), 5);
  const column = (run: RuntimeRun) => Math.max(run.label.length, 6);
  console.log();
  const header = runs.map((run) => run.label.padEnd(column(run))).join("  ");
  console.log(`${"check".padEnd(width)}  ${header}`);
  for (const check of checks) {
    const cells = runs.map((run) => {
      const result = run.outcome.results.find((r) => r.check === check);
      return (result ? (result.ok ? "ok" : "FAILED") : "—").padEnd(column(run));
    });
    console.log(`${check.padEnd(width)}  ${cells.join("  ")}`);
  }

  const totals: Totals = { passed: 0, failed: 0 };
  const failures: string[] = [];
  const notes: string[] = [];
  for (const run of runs) {
    for (const result of run.outcome.results) {
      if (result.ok) {
        totals.passed++;
        if (result.detail) notes.push(`${run.label}: ${result.check}: ${result.detail}`);
      } else {
        totals.failed++;
        failures.push(`${run.label}: ${result.check}: ${mask(result.detail ?? "")}`);
      }
    }
    if (run.outcome.problem) {
      totals.failed++;
      failures.push(`${run.label}: ${mask(run.outcome.problem)}`);
    }
  }
  if (notes.length > 0) {
    console.log("\nNotes:");
    for (const note of notes) console.log(`- ${note}`);
  }
  if (failures.length > 0) {
    console.log("\nFailures:");
    for (const failure of failures) console.log(`- ${failure}`);
  }
  console.log(`\nruntimes: ${totals.passed} passed, ${totals.failed} failed`);
  return totals;
}

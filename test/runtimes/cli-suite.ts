// Runs the suite under Deno or Bun as a child process: input on stdin, one JSON line per check
// on stdout. Deno gets only the permission the suite needs (the network, on loopback).
import { fileURLToPath } from "node:url";
import type { Runtime } from "./binaries.ts";
import { runChild } from "./children.ts";
import type { CheckResult, SuiteInput, SuiteLine } from "./protocol.ts";

export interface SuiteOutcome {
  results: CheckResult[];
  /** Why the suite did not run to its end (a crash, a failed import, a timeout). */
  problem?: string;
}

const ENTRY = fileURLToPath(new URL("./cli-entry.ts", import.meta.url));
const REPO_ROOT = fileURLToPath(new URL("../..", import.meta.url));

function argsFor(runtime: Runtime): string[] {
  if (runtime.name === "deno") {
    // No read, env, write or run permission: core or transport-fetch reaching for any of them
    // fails here. Modules load without --allow-read.
    return ["run", "--no-prompt", "--no-lock", "--allow-net=127.0.0.1", ENTRY];
  }
  return ["run", "--no-install", ENTRY];
}

function parseLines(stdout: string): { results: CheckResult[]; ended: boolean } {
  const results: CheckResult[] = [];
  let ended = false;
  for (const raw of stdout.split("\n")) {
    if (!raw.startsWith("{")) continue;
    const line = JSON.parse(raw) as SuiteLine;
    if (line.type === "end") ended = true;
    else results.push({ check: line.check, ok: line.ok, ms: line.ms, detail: line.detail });
  }
  return { results, ended };
}

export async function runCliSuite(
  runtime: Runtime,
  input: SuiteInput,
  timeoutMs: number,
): Promise<SuiteOutcome> {
  const finished = await runChild(runtime.binary, argsFor(runtime), {
    stdin: JSON.stringify(input),
    timeoutMs,
    cwd: REPO_ROOT,
    env: { ...process.env, NO_COLOR: "1", DENO_NO_UPDATE_CHECK: "1" },
  });
  const { results, ended } = parseLines(finished.stdout);
  if (ended && finished.code === 0) return { results };
  const how = finished.spawnError
    ? `could not start: ${String(finished.spawnError)}`
    : finished.timedOut
      ? `did not finish within ${timeoutMs / 1000} s (killed)`
      : `exited with ${finished.code ?? finished.signal} before the end of the suite`;
  const stderr = finished.stderr.trim().split("\n").slice(-20).join("\n");
  return { results, problem: `${how}\n${stderr}`.trim() };
}

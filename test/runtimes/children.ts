// Every process the runner starts goes through here, so that each one is stopped by its PID
// at the end: on success, on a failed check, on a timeout, on Ctrl-C.
import { type ChildProcess, type SpawnOptions, spawn } from "node:child_process";

const live = new Set<ChildProcess>();

/** Starts a process and remembers it until it exits. */
export function startChild(command: string, args: string[], options: SpawnOptions): ChildProcess {
  const child = spawn(command, args, options);
  live.add(child);
  child.once("exit", () => live.delete(child));
  child.once("error", () => live.delete(child));
  return child;
}

/** Stops one process by its PID (SIGKILL: a hung runtime must not outlive the run). */
export function stopChild(child: ChildProcess): void {
  if (child.exitCode === null && child.signalCode === null && child.pid !== undefined) {
    child.kill("SIGKILL");
  }
  live.delete(child);
}

/** Stops every process still running. */
export function stopAllChildren(): void {
  for (const child of [...live]) stopChild(child);
}

export interface Finished {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
  /** The error `spawn` reported: the binary is missing, not executable, … */
  spawnError?: Error;
}

/** Runs a process to its end (or kills it after `timeoutMs`), feeding it `stdin`. */
export function runChild(
  command: string,
  args: string[],
  options: { stdin?: string; timeoutMs: number; env?: NodeJS.ProcessEnv; cwd?: string },
): Promise<Finished> {
  return new Promise((resolve) => {
    const child = startChild(command, args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: ["pipe", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    let timedOut = false;
    let spawnError: Error | undefined;
    child.stdout?.setEncoding("utf8").on("data", (chunk: string) => {
      stdout += chunk;
    });
    child.stderr?.setEncoding("utf8").on("data", (chunk: string) => {
      stderr += chunk;
    });
    // A child that dies before reading its stdin must not crash the runner with EPIPE.
    child.stdin?.on("error", () => {});
    child.stdin?.end(options.stdin ?? "");
    const timer = setTimeout(() => {
      timedOut = true;
      stopChild(child);
    }, options.timeoutMs);
    child.once("error", (error) => {
      spawnError = error;
    });
    child.once("close", (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, timedOut, spawnError });
    });
  });
}

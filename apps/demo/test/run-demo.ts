import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

/** The built demo: these tests run what `pnpm demo` runs. */
export const DEMO_CLI = fileURLToPath(new URL("../dist/cli.js", import.meta.url));

/** How a demo run ended. */
export interface DemoRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** A running demo: its output so far, a way to wait for a line, and its end. */
export interface DemoProcess {
  child: ChildProcess;
  output(): string;
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  done: Promise<DemoRun>;
}

/**
 * Starts `node apps/demo/dist/cli.js ARGS` with pipes (not a TTY, as in CI). `B24_WEBHOOK_URL`
 * and `B24_BOT_TOKEN` are removed from the environment unless given.
 *
 * @example
 * ```ts
 * const run = await startDemo(["--help"]).done;
 * ```
 */
export function startDemo(args: readonly string[], env: Record<string, string> = {}): DemoProcess {
  const { B24_WEBHOOK_URL: _webhook, B24_BOT_TOKEN: _token, ...inherited } = process.env;
  const child = spawn(process.execPath, [DEMO_CLI, ...args], {
    env: { ...inherited, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  const watchers = new Set<() => void>();
  child.stdout?.setEncoding("utf8").on("data", (chunk: string) => {
    stdout += chunk;
    for (const watcher of watchers) watcher();
  });
  child.stderr?.setEncoding("utf8").on("data", (chunk: string) => {
    stderr += chunk;
  });
  const done = new Promise<DemoRun>((resolve) => {
    child.on("close", (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
  const waitFor = (pattern: RegExp, timeoutMs = 15_000): Promise<RegExpMatchArray> =>
    new Promise((resolve, reject) => {
      const check = (): void => {
        const match = stdout.match(pattern);
        if (match === null) return;
        finish();
        resolve(match);
      };
      const timer = setTimeout(() => {
        finish();
        reject(
          new Error(
            `no ${pattern} in the demo's output within ${timeoutMs} ms:\n${stdout}\n${stderr}`,
          ),
        );
      }, timeoutMs);
      const finish = (): void => {
        clearTimeout(timer);
        watchers.delete(check);
      };
      watchers.add(check);
      check();
    });
  return { child, output: () => stdout, waitFor, done };
}

/** Runs the demo to its end. */
export function runDemo(
  args: readonly string[],
  env: Record<string, string> = {},
): Promise<DemoRun> {
  return startDemo(args, env).done;
}

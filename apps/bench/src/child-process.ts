import { type ChildProcess, fork } from "node:child_process";
import { fileURLToPath } from "node:url";

/**
 * Forks one of the bench's own built entry points (`dist/<entry>.js`) with an IPC channel.
 *
 * @example
 * ```ts
 * const child = forkEntry("emulator-child", { env: {} });
 * ```
 */
export function forkEntry(
  entry: string,
  options: { env?: Record<string, string>; execArgv?: string[]; args?: string[] } = {},
): ChildProcess {
  const path = fileURLToPath(new URL(`./${entry}.js`, import.meta.url));
  return fork(path, options.args ?? [], {
    env: { ...process.env, ...options.env },
    execArgv: options.execArgv ?? [],
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
}

/**
 * Waits for the first message of `child` that `accept` returns a value for; rejects when
 * the child exits first.
 *
 * @example
 * ```ts
 * const ready = await nextMessage(child, (m) => (m.type === "ready" ? m : undefined));
 * ```
 */
export function nextMessage<M, T>(
  child: ChildProcess,
  accept: (message: M) => T | undefined,
): Promise<T> {
  return new Promise((resolve, reject) => {
    const onMessage = (message: M) => {
      let value: T | undefined;
      try {
        value = accept(message);
      } catch (error) {
        cleanup();
        reject(error);
        return;
      }
      if (value === undefined) return;
      cleanup();
      resolve(value);
    };
    const onExit = (code: number | null) => {
      cleanup();
      reject(new Error(`child process exited (code ${code}) before answering`));
    };
    const cleanup = () => {
      child.off("message", onMessage);
      child.off("exit", onExit);
    };
    child.on("message", onMessage);
    child.on("exit", onExit);
  });
}

/**
 * Asks `child` to close through `requestClose` and waits until it has exited. A child that
 * already exited is left alone; a request that fails (the child died meanwhile) still waits
 * for the exit.
 *
 * @example
 * ```ts
 * await closeChild(child, () => child.send({ type: "close" }));
 * ```
 */
export async function closeChild(child: ChildProcess, requestClose: () => unknown): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once("exit", resolve));
  await Promise.resolve(requestClose()).catch(() => undefined);
  await exited;
}

/**
 * Calls a hook or a handler, if set, swallowing what it throws — also what an `async` one
 * rejects with, which would otherwise be an unhandled rejection and end a Node process.
 *
 * @example
 * ```ts
 * notify(hooks.onRetry, { method, attempt, delayMs, error });
 * ```
 */
export function notify<A extends unknown[]>(
  hook: ((...args: A) => void) | undefined,
  ...args: A
): void {
  try {
    const result: unknown = hook?.(...args);
    if (typeof (result as PromiseLike<unknown> | undefined)?.then === "function") {
      (result as PromiseLike<unknown>).then(undefined, ignore);
    }
  } catch {
    // Observers must not change the outcome of a call, nor stop other dialogs' typing.
  }
}

function ignore(): void {}

import type { Dispatcher } from "undici";

type Controller = Parameters<NonNullable<Dispatcher.DispatchHandler["onRequestStart"]>>[0];

/**
 * A controller that records what it was told; `abort` throws when asked to.
 *
 * @example
 * ```ts
 * expect(dispatcher.controllers[0]?.aborts).toEqual([error]);
 * ```
 */
export interface RecordingController extends Controller {
  readonly aborts: unknown[];
}

function recordingController(abortThrows: boolean): RecordingController {
  const aborts: unknown[] = [];
  return {
    aborts,
    abort(reason: Error) {
      aborts.push(reason);
      if (abortThrows) throw new Error("this dispatcher cannot abort");
    },
    pause() {},
    resume() {},
    aborted: false,
    paused: false,
    reason: null,
  };
}

/**
 * A dispatcher of the caller's own that plays `script` on the handler it is given, so a test
 * can reach the exits of an exchange that a real server cannot: odd chunks, headers that
 * throw, a `dispatch` that throws, an `abort` that throws. `controllers` are those it made.
 *
 * @example
 * ```ts
 * const dispatcher = scriptedDispatcher((handler, controller) => {
 *   handler.onRequestStart?.(controller, {}); // …and never answers
 * }, { abortThrows: true });
 * await createNodeTransport({ dispatcher }).send(request, { timeoutMs: 50 }); // TimeoutError
 * ```
 */
export function scriptedDispatcher(
  script: (handler: Dispatcher.DispatchHandler, controller: RecordingController) => void,
  { abortThrows = false } = {},
): Dispatcher & { controllers: RecordingController[] } {
  const controllers: RecordingController[] = [];
  return {
    controllers,
    dispatch(_options: unknown, handler: Dispatcher.DispatchHandler) {
      const controller = recordingController(abortThrows);
      controllers.push(controller);
      script(handler, controller);
      return true;
    },
  } as unknown as Dispatcher & { controllers: RecordingController[] };
}

/**
 * How `promise` stands after `ms`: settled, or still pending (a call that would never end) —
 * so that a test of a call that hangs fails instead of hanging.
 *
 * @example
 * ```ts
 * expect((await stateAfter(transport.send(request, { timeoutMs: 50 }), 3000)).state).toBe("rejected");
 * ```
 */
export async function stateAfter<T>(
  promise: Promise<T>,
  ms: number,
): Promise<
  { state: "fulfilled"; value: T } | { state: "rejected"; reason: unknown } | { state: "pending" }
> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const pending = new Promise<{ state: "pending" }>((resolve) => {
    timer = setTimeout(() => resolve({ state: "pending" }), ms);
  });
  try {
    return await Promise.race([
      promise.then(
        (value) => ({ state: "fulfilled" as const, value }),
        (reason: unknown) => ({ state: "rejected" as const, reason }),
      ),
      pending,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

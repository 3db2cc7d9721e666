/**
 * Counts a transport's unsettled calls, so that `close()` can wait for them and no longer.
 *
 * @example
 * ```ts
 * const inFlight: InFlight = createInFlight();
 * ```
 */
export interface InFlight {
  /** A call started. */
  add(): void;
  /** A call settled; call it exactly once per `add()`. */
  done(): void;
  /** Resolves once no call is in flight — at once (in a microtask) when none is. */
  idle(): Promise<void>;
}

/**
 * Counts unsettled calls. `idle()` resolves in the same turn as the last call settles, never a
 * turn later: `client.close()` awaits it, and a call the client rejected while closing is
 * handled by the caller only after that (`await client.close(); await p.catch(…)`) — a
 * delay of one macrotask here would make that rejection "unhandled", which ends a Node
 * process by default.
 *
 * @example
 * ```ts
 * const inFlight = createInFlight();
 * inFlight.add();
 * send().finally(() => inFlight.done());
 * await inFlight.idle();
 * ```
 */
export function createInFlight(): InFlight {
  let count = 0;
  let waiters: Array<() => void> = [];
  return {
    add() {
      count++;
    },
    done() {
      count--;
      if (count > 0 || waiters.length === 0) return;
      const resolved = waiters;
      waiters = [];
      for (const resolve of resolved) resolve();
    },
    idle() {
      return count === 0 ? Promise.resolve() : new Promise((resolve) => waiters.push(resolve));
    },
  };
}

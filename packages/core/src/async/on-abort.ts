/** The one real listener of ours on a signal, and the listeners it calls. */
interface Fan {
  readonly listeners: Set<() => void>;
  readonly fire: () => void;
}

const fans = new WeakMap<AbortSignal, Fan>();

/**
 * Runs `listener` once when `signal` aborts; the returned function stops listening. However
 * many calls wait on one signal, the signal carries a single listener of ours: a caller who
 * shares one `AbortSignal` among hundreds of concurrent calls gets no
 * `MaxListenersExceededWarning` from Node (it warns past ten listeners on an `AbortSignal`),
 * and when the last call stops listening that listener is removed too, so a long-lived
 * signal keeps nothing. For a signal that already aborted nothing is registered: check
 * `signal.aborted` first.
 *
 * @example
 * ```ts
 * import { onAbort } from "@b24im/core";
 *
 * const stop = onAbort(signal, () => request.cancel(signal.reason));
 * try {
 *   return await request.done;
 * } finally {
 *   stop();
 * }
 * ```
 */
export function onAbort(signal: AbortSignal, listener: () => void): () => void {
  let fan = fans.get(signal);
  if (fan === undefined) {
    const listeners = new Set<() => void>();
    const fire = () => {
      fans.delete(signal);
      // Every listener runs even when one throws, as with separate addEventListener calls;
      // the first error is thrown afterwards, where the signal reports it.
      let failure: { error: unknown } | undefined;
      for (const each of [...listeners]) {
        try {
          each();
        } catch (error) {
          failure ??= { error };
        }
      }
      listeners.clear();
      if (failure) throw failure.error;
    };
    fan = { listeners, fire };
    fans.set(signal, fan);
    signal.addEventListener("abort", fire, { once: true });
  }
  const { listeners, fire } = fan;
  // Each registration is its own entry: one function registered twice runs twice.
  const entry = () => listener();
  listeners.add(entry);
  return () => {
    if (!listeners.delete(entry) || listeners.size > 0) return;
    if (fans.get(signal)?.fire === fire) fans.delete(signal);
    signal.removeEventListener("abort", fire);
  };
}

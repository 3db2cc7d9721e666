import type { B24Error } from "../protocol/errors.js";

/** How many leases may warn about one error code before the rest are summed up in one line. */
const LEASES_PER_CODE = 3;

/**
 * Reports a typing failure of one lease. `lease` only identifies it (its `dialogId` is shown).
 *
 * @example
 * ```ts
 * const report: TypingReporter = (lease, error) => console.warn(lease.dialogId, error.code);
 * ```
 */
export type TypingReporter = (lease: { readonly dialogId: string }, error: B24Error) => void;

/**
 * What reports a typing failure when the lease has no `onError`: typing must never fail
 * silently (a wrong webhook code or a dialog the user cannot write to would otherwise show
 * nothing at all), nor flood a log. Each lease warns once per error code; after three leases
 * have warned about one code, one more line says that further ones are left out. The line
 * carries the error's (redacted) message and says how to take over: pass `onError`.
 *
 * @example
 * ```ts
 * const report = createDefaultReporter();
 * report(lease, error);
 * // b24im: typing in chat5 failed: AccessError ACCESS_ERROR: … — pass typing.onError to handle typing failures yourself
 * ```
 */
export function createDefaultReporter(
  warn: (line: string) => void = (line) => globalThis.console?.warn(line),
): TypingReporter {
  const seenByLease = new WeakMap<object, Set<string>>();
  const leasesByCode = new Map<string, number>();
  return (lease, error) => {
    const seen = seenByLease.get(lease) ?? new Set<string>();
    seenByLease.set(lease, seen);
    if (seen.has(error.code)) return;
    seen.add(error.code);
    const count = (leasesByCode.get(error.code) ?? 0) + 1;
    leasesByCode.set(error.code, count);
    if (count <= LEASES_PER_CODE) {
      warn(
        `b24im: typing in ${lease.dialogId} failed: ${error.name} ${error.code}: ${error.message} — pass typing.onError to handle typing failures yourself`,
      );
    } else if (count === LEASES_PER_CODE + 1) {
      warn(
        `b24im: typing failed with ${error.code} in more dialogs too; further warnings for it are left out (pass typing.onError to see every one)`,
      );
    }
  };
}

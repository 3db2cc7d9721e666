import type { DueEntry } from "../async/due-queue.js";
import type { ResolvedTypingOptions } from "./options.js";

// `using` needs `Symbol.dispose`, which core's ES2022 lib does not declare. This is the same
// declaration as TypeScript's `esnext.disposable` lib and `@types/node`, which merge with it,
// so consumers on any lib see `[Symbol.dispose]` typed.
declare global {
  interface SymbolConstructor {
    readonly dispose: unique symbol;
  }
}

/**
 * Keeps "… is typing" alive in one dialog until stopped. `stop()` may be called any number
 * of times; a lease also ends by itself at `maxDurationMs`, on its `signal`, when the client
 * closes, or when the server refuses typing there for good. `using` stops it at scope end.
 *
 * @example
 * ```ts
 * const lease = client.typing("chat5");
 * try {
 *   await answerTheQuestion();
 * } finally {
 *   lease.stop();
 * }
 *
 * // or
 * { using lease = client.typing("chat5"); await answerTheQuestion(); }
 * ```
 */
export interface TypingLease {
  /** The dialog, in canonical form (`"13"`, `"chat5"`, `"sg7"`). */
  readonly dialogId: string;
  /** Ends this lease; the dialog's schedule ends with the last lease on it. */
  stop(): void;
  [Symbol.dispose](): void;
}

/**
 * What a {@link Lease} reports its end to: the scheduler that opened it.
 *
 * @example
 * ```ts
 * const owner: LeaseOwner<Schedule> = { release: (lease) => detach(lease) };
 * ```
 */
export interface LeaseOwner<S> {
  release(lease: Lease<S>): void;
}

/**
 * The state of one open lease, kept to a few fields because a service may hold thousands:
 * the schedule it shares, its `maxDurationMs` deadline (as a {@link DueEntry} in the
 * scheduler's deadline queue), its options and its abort listener. Made only by the
 * scheduler; callers see it as a {@link TypingLease}.
 *
 * @example
 * ```ts
 * const inert = new Lease("chat5", options, undefined); // already ended: stop() does nothing
 * ```
 */
export class Lease<S> implements TypingLease, DueEntry {
  /** The `maxDurationMs` deadline. */
  due = Number.POSITIVE_INFINITY;
  queueIndex = -1;
  schedule: S | undefined = undefined;
  /** Stops listening to the lease's `signal`. */
  stopListening: (() => void) | undefined = undefined;

  constructor(
    readonly dialogId: string,
    readonly options: ResolvedTypingOptions,
    private owner: LeaseOwner<S> | undefined,
  ) {}

  stop(): void {
    const owner = this.owner;
    if (owner === undefined) return;
    this.owner = undefined;
    owner.release(this);
  }

  [Symbol.dispose](): void {
    this.stop();
  }
}

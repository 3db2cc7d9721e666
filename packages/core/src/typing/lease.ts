import type { DueEntry } from "../async/due-queue.js";
import type { B24Error } from "../protocol/errors.js";
import { checkText, need } from "../protocol/option-check.js";
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
  /**
   * A v2 bot's lease (`as: { botId, v2: true }`) shows another status, e.g.
   * `"IMBOT_AGENT_ACTION_SEARCHING"` ("Agent is searching…"; `undefined`: plain typing). The
   * status belongs to the (bot, dialog) schedule, so every lease sharing it shows it too; an
   * event with it goes out at once unless it is already shown. Does nothing once the lease
   * ended; throws `ConfigError` for a lease of a user or a classic bot, which show no status.
   */
  setStatus(statusMessageCode: string | undefined): void;
  /**
   * Resolves once no typing event of this lease's dialog is on its way to the server. After
   * `stop()`, await it before sending the message that should end the indicator: an event
   * still in flight could otherwise land after the message and show the indicator again.
   */
  settled(): Promise<void>;
  /** True until the lease ends: `stop()`, its signal, `maxDurationMs`, `close()`, or a permanent error. */
  readonly active: boolean;
  /**
   * Why the lease ended by itself, if it did: the permanent error the server answered (access,
   * validation, auth), or `TYPING_MAX_DURATION`. `undefined` while active and after `stop()`.
   */
  readonly error: B24Error | undefined;
  [Symbol.dispose](): void;
}

/**
 * What a {@link Lease} reports its end to: the scheduler that opened it.
 *
 * @example
 * ```ts
 * const owner: LeaseOwner<Schedule> = {
 *   release: (lease) => detach(lease),
 *   setStatus: (lease, code) => restate(lease, code),
 *   settled: (lease) => sendsOf(lease),
 * };
 * ```
 */
export interface LeaseOwner<S> {
  release(lease: Lease<S>): void;
  setStatus(lease: Lease<S>, statusMessageCode: string | undefined): void;
  settled(lease: Lease<S>): Promise<void>;
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

  #open: boolean;
  #error: B24Error | undefined;

  constructor(
    readonly dialogId: string,
    readonly options: ResolvedTypingOptions,
    private readonly owner: LeaseOwner<S> | undefined,
  ) {
    this.#open = owner !== undefined;
  }

  get active(): boolean {
    return this.#open;
  }

  get error(): B24Error | undefined {
    return this.#error;
  }

  stop(): void {
    if (!this.#open) return;
    this.#open = false;
    this.owner?.release(this);
  }

  /** Ends the lease because of `error` (the scheduler's doing): it shows on `error`. */
  end(error: B24Error): void {
    if (!this.#open) return;
    this.#error = error;
    this.stop();
  }

  setStatus(statusMessageCode: string | undefined): void {
    const as = this.options.as;
    need(
      as !== "user" && "v2" in as,
      "statusMessageCode",
      "left out: only a v2 bot's lease (as: { botId, v2: true }) shows a status",
    );
    const code =
      statusMessageCode === undefined
        ? undefined
        : checkText("statusMessageCode", statusMessageCode);
    if (this.#open) this.owner?.setStatus(this, code);
  }

  settled(): Promise<void> {
    return this.owner?.settled(this) ?? Promise.resolve();
  }

  [Symbol.dispose](): void {
    this.stop();
  }
}

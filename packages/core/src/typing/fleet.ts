import { createDeadline, createSignalGroup, whenNotAborted } from "../async/abort.js";
import type { Clock } from "../async/clock.js";
import { BATCH_LIMIT } from "../protocol/batch.js";
import { B24Error } from "../protocol/errors.js";
import type {
  TypingClaim,
  TypingClaimAnswer,
  TypingCoordinator,
  TypingCoordinatorCall,
} from "./coordinator.js";

/**
 * What one claim came to: the coordinator's answers, or none (send everything: typing is best
 * effort, a refresh twice beats none). `failure` is set on the first failed claim of an
 * outage, so that it is reported once, not on every round until the coordinator is back.
 *
 * @example
 * ```ts
 * const { answers, failure }: ClaimOutcome = await fleet.claim(claims, 2_000, signal);
 * if (failure) report(failure);
 * const sendAll = answers === undefined;
 * ```
 */
export interface ClaimOutcome {
  answers: readonly TypingClaimAnswer[] | undefined;
  failure: B24Error | undefined;
}

/**
 * The typing scheduler's side of a {@link TypingCoordinator}: every call bounded by a
 * deadline, the holder id of this client, failures turned into "send it anyway", the ends of
 * schedules gathered into one `leave` per tick (a closing client ends thousands at once).
 *
 * @example
 * ```ts
 * const fleet = createFleetArbiter({ coordinator, clock });
 * const { answers, failure } = await fleet.claim(claims, 2_000, signal);
 * fleet.settle(["user:1:chat5"], []);
 * fleet.leave("user:1:chat5");
 * await fleet.idle();
 * ```
 */
export interface FleetArbiter {
  /** Asks which of `claims` this client sends; resolves (never rejects) within `deadlineMs`. */
  claim(claims: TypingClaim[], deadlineMs: number, signal: AbortSignal): Promise<ClaimOutcome>;
  /** Reports what a round did with its claims; fire and forget. */
  settle(sent: string[], failed: string[]): void;
  /** The first lease of this client on `key` opened; sent with this tick's other ends and starts. */
  join(key: string, ttlMs: number): void;
  /** The last lease of this client on `key` ended; sent with this tick's other ends and starts. */
  leave(key: string): void;
  /**
   * Sends the ends gathered so far and resolves once every call started has settled or met its
   * deadline: a closing client waits for its `leave` (at most {@link COORDINATOR_DEADLINE_MS}).
   */
  idle(): Promise<void>;
}

/**
 * How long a `join`, `settle` or `leave` may take before the scheduler stops waiting for it.
 *
 * @example
 * ```ts
 * await fleet.idle(); // resolves within COORDINATOR_DEADLINE_MS of the last call
 * ```
 */
export const COORDINATOR_DEADLINE_MS = 2_000;

/**
 * Makes the arbiter for one client. `holder` defaults to a random id: each client is its own
 * holder, even when clients share a coordinator.
 *
 * @example
 * ```ts
 * const fleet = createFleetArbiter({ coordinator: createMemoryTypingCoordinator({ clock }), clock });
 * ```
 */
export function createFleetArbiter(o: {
  coordinator: TypingCoordinator;
  clock: Clock;
  holder?: string;
}): FleetArbiter {
  const { coordinator, clock } = o;
  const holder = o.holder ?? randomHolder();
  // Gives each call a signal of its own, aborted with the caller's (a claim's round).
  const calls = createSignalGroup();
  const pending = new Set<Promise<unknown>>();
  // This tick's starts and ends of schedules, in order: a schedule ended and made again in one
  // tick must reach the coordinator as leave, then join.
  let changes: Array<{ key: string; ttlMs: number | undefined }> = [];
  let failing = false;

  // Runs one coordinator call, settling (never rejecting) by its deadline, the caller's abort
  // or close(); a late answer or rejection is dropped. The coordinator's signal aborts on any
  // of the three, so a coordinator may stop work nobody waits for any more.
  const bounded = <T>(
    run: (call: TypingCoordinatorCall) => Promise<T>,
    deadlineMs: number,
    signal?: AbortSignal,
  ): Promise<{ value: T } | { error: unknown }> => {
    const linked = calls.link(signal);
    const callSignal = linked.signal;
    if (callSignal.aborted) {
      linked.unlink();
      return Promise.resolve({ error: callSignal.reason });
    }
    const deadline = createDeadline(callSignal, deadlineMs, clock);
    // A coordinator of the caller's may throw instead of rejecting: the executor catches it.
    const answer = new Promise<T>((resolve) => resolve(run({ holder, signal: deadline.signal })));
    const done = whenNotAborted(answer, deadline.signal)
      .then(
        (value) => ({ value }),
        (error: unknown) => ({
          error: deadline.timedOut ? `did not answer within ${deadlineMs} ms` : error,
        }),
      )
      .finally(() => {
        deadline.clear();
        linked.unlink();
      });
    pending.add(done);
    void done.then(() => pending.delete(done));
    return done;
  };

  // Sends the tick's changes as runs of joins and of leaves, at most BATCH_LIMIT keys a call.
  const flushChanges = () => {
    const queued = changes;
    changes = [];
    for (let start = 0; start < queued.length; ) {
      const joining = queued[start]?.ttlMs !== undefined;
      let end = start + 1;
      while (
        end < queued.length &&
        end - start < BATCH_LIMIT &&
        (queued[end]?.ttlMs !== undefined) === joining
      )
        end++;
      const run = queued.slice(start, end);
      start = end;
      if (joining) {
        const holds = run.map(({ key, ttlMs }) => ({ key, ttlMs: ttlMs as number }));
        void bounded((call) => coordinator.join(holds, call), COORDINATOR_DEADLINE_MS);
      } else {
        const keys = run.map(({ key }) => key);
        void bounded((call) => coordinator.leave(keys, call), COORDINATOR_DEADLINE_MS);
      }
    }
  };

  const change = (key: string, ttlMs: number | undefined) => {
    // The tick's first change schedules the flush; the rest of the tick's join it.
    if (changes.push({ key, ttlMs }) === 1) void Promise.resolve().then(flushChanges);
  };

  return {
    async claim(claims, deadlineMs, signal) {
      const result = await bounded((call) => coordinator.claim(claims, call), deadlineMs, signal);
      if (signal.aborted) return { answers: undefined, failure: undefined };
      const answers = "value" in result ? checkAnswers(result.value, claims.length) : undefined;
      if (answers !== undefined) {
        failing = false;
        return { answers, failure: undefined };
      }
      const first = !failing;
      failing = true;
      const cause = "error" in result ? result.error : undefined;
      return { answers: undefined, failure: first ? coordinatorFailed(cause) : undefined };
    },
    settle(sent, failed) {
      if (sent.length + failed.length === 0) return;
      void bounded((call) => coordinator.settle({ sent, failed }, call), COORDINATOR_DEADLINE_MS);
    },
    join: (key, ttlMs) => change(key, ttlMs),
    leave: (key) => change(key, undefined),
    async idle() {
      flushChanges();
      while (pending.size > 0) await Promise.all(pending);
    },
  };
}

// One answer per claim, each a boolean and a finite wait: anything else is a broken coordinator.
function checkAnswers(value: unknown, count: number): readonly TypingClaimAnswer[] | undefined {
  if (!Array.isArray(value) || value.length !== count) return undefined;
  const ok = value.every(
    (answer: Partial<TypingClaimAnswer> | null) =>
      typeof answer?.send === "boolean" &&
      typeof answer.dueInMs === "number" &&
      Number.isFinite(answer.dueInMs),
  );
  return ok ? (value as TypingClaimAnswer[]) : undefined;
}

function coordinatorFailed(cause: unknown): B24Error {
  const why =
    cause === undefined
      ? "answered something else than one { send, dueInMs } per claim"
      : typeof cause === "string"
        ? cause
        : cause instanceof B24Error
          ? `failed (${cause.code})`
          : "failed";
  return new B24Error(
    `The typing coordinator ${why}: this client sends its due typing events itself until it answers again, so a dialog may get a refresh from more than one process meanwhile`,
    "TYPING_COORDINATOR_FAILED",
    true,
    typeof cause === "string" || cause === undefined ? {} : { cause },
  );
}

// 96 random bits: unique enough among a fleet's clients, and no secret.
function randomHolder(): string {
  const part = () =>
    Math.floor(Math.random() * 2 ** 48)
      .toString(36)
      .padStart(10, "0");
  return `${part()}${part()}`;
}

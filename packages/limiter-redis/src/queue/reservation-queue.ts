import { type Clock, onAbort, type RequestPriority, type TimerHandle } from "@b24im/core";
import { maxWaitExceeded } from "../errors.js";
import type { BucketStore, Reservation, TakeOutcome } from "../redis/bucket-store.js";

type State = "queued" | "reserving" | "waiting" | "done";

interface Waiter {
  state: State;
  readonly lane: Waiter[];
  readonly resolve: () => void;
  readonly reject: (error: unknown) => void;
  /** `clock.now()` past which it may not wait (maxWaitMs). */
  readonly deadline: number | undefined;
  expiry?: TimerHandle;
  /** The wait after its reservation, and the reservation, to give it back on abort. */
  timer?: TimerHandle;
  reservation?: Reservation;
  /** When that wait ends (`clock.now()`): a high-priority waiter may take the rest of it. */
  readyAt?: number;
  stopAbort?: () => void;
}

/**
 * The local side of the limiter: what `createRedisRateLimiter` returns, minus option checks.
 *
 * @example
 * ```ts
 * const queue: ReservationQueue = createReservationQueue({ bucket, clock });
 * await queue.acquire(signal, "high");
 * ```
 */
export interface ReservationQueue {
  /**
   * `priority` `"high"` (core's typing refreshes) goes before every `"normal"` waiter of this
   * process, still in FIFO order among its own; the fleet's order between processes does not
   * change.
   */
  acquire(signal?: AbortSignal, priority?: RequestPriority): Promise<void>;
  saturate(): void;
}

/**
 * This process's waiters, in FIFO order (high priority first), behind one reservation at a
 * time. Holding only one reservation in the shared bucket is what makes the fleet fair: each
 * process's next request is queued in Redis behind the other processes' current ones, so a
 * process with a thousand waiting calls does not take a thousand slots ahead of a process
 * with one.
 *
 * - A reservation answered "wait w": the head waits `w` here (no polling), then goes.
 * - `saturate()` (the portal answered `QUERY_LIMIT_EXCEEDED`) fills the shared bucket, and a
 *   head already waiting reserves again behind the fill.
 * - An abort rejects at once with `signal.reason`; a reservation already made is given back
 *   to the shared bucket (one that is still on its way back is given back when it arrives).
 * - A high-priority waiter that arrives while a normal one waits out its reservation takes
 *   that reservation (and what is left of its wait); the normal one goes back to the front of
 *   its line. Otherwise a typing refresh would wait for a caller's call and then for a turn of
 *   its own — two turns of the fleet, in a fleet whose every process is busy.
 * - `maxWaitMs`: a reservation that would wait longer is not made, and the call fails with
 *   `RateLimitError` (`LIMITER_MAX_WAIT`), unsent.
 * - Redis could not decide (down, slow, refusing): the head and every queued waiter fail
 *   with the same `LIMITER_UNAVAILABLE` error instead of each waiting for the outage in turn.
 *
 * @example
 * ```ts
 * const queue = createReservationQueue({ bucket, clock: monotonicClock });
 * await queue.acquire(signal);
 * ```
 */
export function createReservationQueue(o: {
  bucket: BucketStore;
  clock: Clock;
  maxWaitMs?: number;
  /** Epoch ms for `RateLimitError.retryAt`; default `Date.now`. */
  wallNow?: () => number;
}): ReservationQueue {
  const { bucket, clock, maxWaitMs, wallNow = Date.now } = o;
  const high: Waiter[] = [];
  const normal: Waiter[] = [];
  let head: Waiter | undefined;

  // Settles a waiter once, with nothing of it left behind: timers, abort listener.
  const finish = (waiter: Waiter, ...failure: [error: unknown] | []) => {
    if (waiter.state === "done") return;
    waiter.state = "done";
    clock.clearTimeout(waiter.expiry);
    clock.clearTimeout(waiter.timer);
    waiter.stopAbort?.();
    if (failure.length === 0) waiter.resolve();
    else waiter.reject(failure[0]);
  };

  const unqueue = (waiter: Waiter) => {
    const at = waiter.lane.indexOf(waiter);
    if (at >= 0) waiter.lane.splice(at, 1);
  };

  // The abort came before the request was sent: its slot may go to the next caller, if it
  // is still the fleet's latest (the script decides).
  const giveBack = (reservation: Reservation | undefined) => {
    if (reservation) bucket.refund(reservation).catch(() => {});
  };

  const next = () => {
    head = undefined;
    pump();
  };

  // Puts `waiter` on its reservation: it goes when the wait that Redis gave ends.
  const waitFor = (waiter: Waiter, reservation: Reservation | undefined, readyAt: number) => {
    waiter.state = "waiting";
    waiter.reservation = reservation;
    waiter.readyAt = readyAt;
    // The wait was checked against maxWaitMs in Redis: rounding must not fail it here.
    clock.clearTimeout(waiter.expiry);
    waiter.timer = clock.setTimeout(
      () => {
        waiter.timer = undefined;
        finish(waiter);
        next();
      },
      Math.max(0, Math.ceil(readyAt - clock.now())),
    );
  };

  // A high-priority waiter takes the reservation a normal head waits out (see above).
  const handOver = () => {
    const waiting = head;
    if (waiting?.state !== "waiting" || waiting.lane !== normal) return;
    const urgent = high.shift();
    if (!urgent) return;
    clock.clearTimeout(waiting.timer);
    waiting.timer = undefined;
    const { reservation, readyAt = clock.now() } = waiting;
    waiting.reservation = undefined;
    waiting.state = "queued";
    normal.unshift(waiting);
    head = urgent;
    waitFor(urgent, reservation, readyAt);
  };

  const pump = () => {
    if (head) return;
    const waiter = high.shift() ?? normal.shift();
    if (!waiter) return;
    head = waiter;
    waiter.state = "reserving";
    void serve(waiter);
  };

  const serve = async (waiter: Waiter) => {
    let outcome: TakeOutcome;
    try {
      const left =
        waiter.deadline === undefined ? undefined : Math.max(0, waiter.deadline - clock.now());
      outcome = await bucket.take(left);
    } catch (error) {
      // Every queued waiter would wait out the same outage in turn: they fail together.
      finish(waiter, error);
      for (const queued of [...high.splice(0), ...normal.splice(0)]) finish(queued, error);
      return next();
    }
    if (waiter.state === "done") {
      if (outcome.granted) giveBack(outcome.reservation);
    } else if (!outcome.granted) {
      finish(waiter, maxWaitExceeded(outcome.waitMs, maxWaitMs ?? 0, wallNow()));
    } else if (outcome.waitMs > 0) {
      waitFor(waiter, outcome.reservation, clock.now() + outcome.waitMs);
      handOver();
      return;
    } else {
      finish(waiter);
    }
    next();
  };

  const abort = (waiter: Waiter, reason: unknown) => {
    const state = waiter.state;
    if (state === "queued") unqueue(waiter);
    if (state === "waiting") giveBack(waiter.reservation);
    finish(waiter, reason);
    // A reservation still on its way back is given back by `serve` when it arrives.
    if (state === "waiting") next();
  };

  // Only a waiter still queued here expires: one being reserved asked Redis with what was
  // left of its maxWaitMs, and Redis's answer (bounded by REDIS_BUDGET_MS) decides.
  const expire = (waiter: Waiter) => {
    if (waiter.state !== "queued") return;
    unqueue(waiter);
    finish(waiter, maxWaitExceeded(undefined, maxWaitMs ?? 0, wallNow()));
  };

  return {
    acquire(signal, priority) {
      if (signal?.aborted) return Promise.reject(signal.reason);
      return new Promise<void>((resolve, reject) => {
        const lane = priority === "high" ? high : normal;
        const waiter: Waiter = {
          state: "queued",
          lane,
          resolve,
          reject,
          deadline: maxWaitMs === undefined ? undefined : clock.now() + maxWaitMs,
        };
        lane.push(waiter);
        if (signal) waiter.stopAbort = onAbort(signal, () => abort(waiter, signal.reason));
        if (maxWaitMs !== undefined) {
          waiter.expiry = clock.setTimeout(() => expire(waiter), maxWaitMs);
        }
        pump();
        if (lane === high) handOver();
      });
    },
    saturate() {
      // Fire and forget: a fill that cannot reach Redis changes nothing a retry would fix.
      bucket.fill().catch(() => {});
      // This process's waiting reservation was placed before the portal said "full": send
      // it behind the fill instead of into a full bucket. (Its old slot is not given back:
      // the fill replaced the ledger that held it.) Other processes' reservations, at most
      // one each, still go at their times; their next ones wait for the fill.
      const waiting = head;
      if (waiting?.state === "waiting") {
        clock.clearTimeout(waiting.timer);
        waiting.timer = undefined;
        waiting.reservation = undefined;
        waiting.state = "reserving";
        void serve(waiting);
      }
    },
  };
}

import type { Clock, TimerHandle } from "../async/clock.js";

/**
 * A {@link Clock} whose time moves only when a test says so. Timers run in time order (ties
 * in the order they were set); between two timers every pending promise callback runs, so
 * async code driven by the timers makes progress exactly as it would in real time. Its wall
 * clock (`now()`) and its stopwatch (`monotonic()`) start equal and move together, until
 * `stepWallClock` steps the wall clock alone, as NTP or a resumed VM does.
 *
 * @example
 * ```ts
 * const clock: FakeClock = createFakeClock();
 * const slept = sleep(clock, 1000);
 * await clock.advance(1000); // the timer fires at once, no real second passes
 * await slept;
 * clock.pendingTimers; // 0
 * ```
 */
export interface FakeClock extends Clock {
  monotonic(): number;
  /** Moves time forward by `ms` (both readings), running every timer that falls due on the way. */
  advance(ms: number): Promise<void>;
  /**
   * Steps only the wall clock (`now()`) by `ms`, back (negative) or forward, leaving the
   * stopwatch and every timer where they are.
   */
  stepWallClock(ms: number): void;
  /** Runs timers until none is left (time jumps to each). Throws after `limit` timers. */
  runAll(limit?: number): Promise<void>;
  /** Lets pending promise callbacks run without moving time. */
  flush(): Promise<void>;
  /** How many timers are set and not yet run or cleared. */
  readonly pendingTimers: number;
}

/**
 * Options for {@link createFakeClock}.
 *
 * @example
 * ```ts
 * const options: FakeClockOptions = { now: Date.parse("2026-01-01T00:00:00Z") };
 * createFakeClock(options).now(); // 1767225600000
 * ```
 */
export interface FakeClockOptions {
  /**
   * The starting time in epoch milliseconds; default `1_700_000_000_000` (a Tuesday in 2023).
   * `monotonic()` starts at the same number.
   */
  now?: number;
}

interface Timer {
  id: number;
  at: number;
  callback: () => void;
}

// Rounds of promise callbacks run after each timer: each round advances every pending async
// chain by one step, so chains shorter than this settle before the next timer fires.
const FLUSH_ROUNDS = 200;

/**
 * Makes a {@link FakeClock} for tests of anything that takes a `clock`.
 *
 * @example
 * ```ts
 * import { createClient } from "@b24im/core";
 * import { createFakeClock, createFakeTransport } from "@b24im/core/testing";
 *
 * const clock = createFakeClock();
 * const transport = createFakeTransport({ clock });
 * const client = createClient({ webhook, transport, clock });
 * const sent = client.writing("chat5");
 * await clock.advance(1000);
 * await sent; // true
 *
 * clock.stepWallClock(-3_600_000); // the system clock jumps back an hour: nothing above changes
 * ```
 */
export function createFakeClock(options: FakeClockOptions = {}): FakeClock {
  // `elapsed` is the stopwatch; the wall clock is it plus whatever steps were made.
  let elapsed = options.now ?? 1_700_000_000_000;
  let wallOffset = 0;
  let nextId = 1;
  const timers = new Map<number, Timer>();

  const flush = async (): Promise<void> => {
    for (let round = 0; round < FLUSH_ROUNDS; round++) await Promise.resolve();
  };

  const nextDue = (until: number): Timer | undefined => {
    let first: Timer | undefined;
    for (const timer of timers.values()) {
      if (timer.at <= until && (!first || timer.at < first.at)) first = timer;
    }
    return first;
  };

  const fire = async (timer: Timer): Promise<void> => {
    timers.delete(timer.id);
    elapsed = Math.max(elapsed, timer.at);
    timer.callback();
    await flush();
  };

  return {
    now: () => elapsed + wallOffset,
    monotonic: () => elapsed,
    setTimeout(callback: () => void, ms: number): TimerHandle {
      const id = nextId++;
      timers.set(id, { id, at: elapsed + Math.max(0, ms || 0), callback });
      return id;
    },
    clearTimeout(handle: TimerHandle): void {
      timers.delete(handle as number);
    },
    async advance(ms: number): Promise<void> {
      const target = elapsed + ms;
      await flush();
      for (let timer = nextDue(target); timer; timer = nextDue(target)) await fire(timer);
      elapsed = target;
      await flush();
    },
    stepWallClock(ms: number): void {
      wallOffset += ms;
    },
    async runAll(limit = 100_000): Promise<void> {
      await flush();
      for (let count = 0; timers.size > 0; count++) {
        if (count >= limit)
          throw new Error(
            `runAll: still ${timers.size} timer(s) after ${limit}; a timer re-arms forever?`,
          );
        const timer = nextDue(Number.POSITIVE_INFINITY);
        if (timer) await fire(timer);
      }
    },
    flush,
    get pendingTimers() {
      return timers.size;
    },
  };
}

import { type Clock, systemClock } from "@b24im/core";

/**
 * The system clock, with a wall clock that can be stepped as NTP or a resumed VM does.
 *
 * @example
 * ```ts
 * const clock: SteppedClock = steppedClock();
 * setTimeout(() => clock.stepWall(3_600_000), 60_000); // an hour forward, a minute in
 * ```
 */
export interface SteppedClock extends Clock {
  /** Steps `now()` by `ms` (back when negative); the stopwatch and the timers are untouched. */
  stepWall(ms: number): void;
}

/**
 * A real clock whose wall time (`now()`) jumps when told, for checking that a client keeps
 * its pace through a step of the system clock.
 *
 * @example
 * ```ts
 * const clock = steppedClock();
 * const client = createClient({ webhook, transport, clock });
 * clock.stepWall(-3_600_000); // the system clock went back an hour
 * ```
 */
export function steppedClock(): SteppedClock {
  let offset = 0;
  return {
    ...systemClock,
    now: () => systemClock.now() + offset,
    stepWall(ms) {
      offset += ms;
    },
  };
}

import { isFunction, isObject, need } from "../protocol/option-check.js";

/**
 * One typing event a process found due, as it asks the fleet whether to send it. Made by the
 * typing scheduler; a {@link TypingCoordinator} answers it.
 *
 * @example
 * ```ts
 * const claim: TypingClaim = { key: "user:1:chat5", periodMs: 20_000, holdMs: 10_000, earlyMs: 2_000, force: false };
 * ```
 */
export interface TypingClaim {
  /**
   * The schedule's key in the fleet: its sender and dialog, e.g. `"user:1:chat5"` (a webhook's
   * user 1), `"user:oauth:chat5"` (an OAuth client's token), `"bot:7::chat5"`, `"botv2:7:chat5"`.
   * The coordinator's own key names the portal.
   */
  readonly key: string;
  /** The refresh interval: once sent, the schedule falls due again this long after the claim. */
  readonly periodMs: number;
  /**
   * How long a granted claim stands while it is not settled — the send's own time limit, at
   * most `periodMs`. Past it, any holder may claim the event again: the claimer died, or its
   * send is still out and presumed lost.
   */
  readonly holdMs: number;
  /** How early the event may be claimed: a tenth of the period for a refresh, 0 for a first event. */
  readonly earlyMs: number;
  /** A v2 bot's status changed: grant the claim whatever the fleet sent. */
  readonly force: boolean;
}

/**
 * A schedule a process started to hold: its first lease there opened. Made by the typing
 * scheduler for {@link TypingCoordinator.join}.
 *
 * @example
 * ```ts
 * const hold: TypingHold = { key: "user:1:chat5", ttlMs: 50_000 };
 * ```
 */
export interface TypingHold {
  /** The schedule's key in the fleet, as in {@link TypingClaim.key}. */
  readonly key: string;
  /** How long the hold lasts unless renewed: until the lease's first claim and two periods more. */
  readonly ttlMs: number;
}

/**
 * The fleet's answer to one {@link TypingClaim}.
 *
 * @example
 * ```ts
 * const answer: TypingClaimAnswer = { send: false, dueInMs: 14_250 }; // another process sent it
 * ```
 */
export interface TypingClaimAnswer {
  /** Whether this process sends the event now. */
  readonly send: boolean;
  /** When `send` is false: in how many ms the schedule falls due again (ask then). 0 when sending. */
  readonly dueInMs: number;
}

/**
 * Who asks and until when: every call of a {@link TypingCoordinator} gets one.
 *
 * @example
 * ```ts
 * await coordinator.leave(["user:1:chat5"], { holder: "k3x9…", signal });
 * ```
 */
export interface TypingCoordinatorCall {
  /**
   * The asking process's (client's) id, random per client: claims and holds are its. One
   * coordinator may serve several clients.
   */
  readonly holder: string;
  /** Aborts when the client closes or the scheduler stops waiting (its deadline). */
  readonly signal: AbortSignal;
}

/**
 * Shares typing schedules across the processes of a fleet, so that every process holding a
 * lease on a dialog does not refresh it: one refresh per period goes out for the whole fleet.
 * Pass one to `createClient({ typing: { coordinator } })`; `@b24im/limiter-redis`'s
 * `createRedisTypingCoordinator` keeps the schedules in Redis, {@link createMemoryTypingCoordinator}
 * in one process. The client's typing scheduler stays the driver (its timer finds events due);
 * the coordinator only arbitrates.
 *
 * The contract, per schedule key, each call atomic on the coordinator's clock:
 *
 * - `join`: the holder holds each key until now + `ttlMs` (or later, if it already did).
 * - `claim`: for each claim in order, the holder's hold on the key is renewed until now +
 *   2 × `periodMs` + `holdMs` (or later). The claim is granted when `force`, when the schedule has no due
 *   time, or when its due time is at most `earlyMs` away — at most 0 away while another
 *   claim of it is unsettled. Granted: the schedule is claimed by the holder (now, `periodMs`)
 *   and falls due at now + `holdMs`; the answer is `{ send: true, dueInMs: 0 }`. Otherwise
 *   `{ send: false, dueInMs: due − now }`. One answer per claim, in order.
 * - `settle`: for each key the holder still claims, the claim ends; a `sent` one falls due at
 *   its claim time + `periodMs`, a `failed` one stays due at the end of its hold (any holder
 *   sends it then).
 * - `leave`: the holder's holds on the keys end; a schedule left without an unexpired hold
 *   ends — forgotten, so that the next lease's first event goes out at once.
 *
 * Hence: a refresh goes out once per period for the fleet; a new lease's first event waits
 * only when the fleet sent one within the period; a claim that was not sent (the process died,
 * the send failed) falls due for any holder within its hold (at most a period); a dead
 * process's holds stop counting after two periods and a hold; the last lease anywhere ends the
 * schedule.
 *
 * The scheduler bounds every call by a deadline and never lets a coordinator stall typing: a
 * claim that fails or misses its deadline is sent anyway (a refresh twice beats none),
 * reported once per outage to the leases' `onError` (code `TYPING_COORDINATOR_FAILED`). A
 * failed `settle` or `leave` is not reported: its only effect is a refresh sent twice, or a
 * schedule that outlives its leases until its holds expire.
 *
 * @example
 * ```ts
 * import { createClient, createMemoryTypingCoordinator } from "@b24im/core";
 *
 * // Two clients of one process typing through one webhook share each dialog's schedule.
 * const coordinator = createMemoryTypingCoordinator();
 * const a = createClient({ webhook, transport, typing: { coordinator } });
 * const b = createClient({ webhook, transport, typing: { coordinator } });
 * a.typing("chat5");
 * b.typing("chat5"); // its refreshes are the ones `a` sends
 * ```
 */
export interface TypingCoordinator {
  /** This holder's first lease on each key opened: its hold counts from now on. */
  join(holds: readonly TypingHold[], call: TypingCoordinatorCall): Promise<void>;
  /** Decides which of the due events this holder sends now, and when the others fall due. */
  claim(
    claims: readonly TypingClaim[],
    call: TypingCoordinatorCall,
  ): Promise<readonly TypingClaimAnswer[]>;
  /** Ends this holder's claims: `sent` ones went out, `failed` ones did not. */
  settle(
    outcome: { readonly sent: readonly string[]; readonly failed: readonly string[] },
    call: TypingCoordinatorCall,
  ): Promise<void>;
  /** This holder's last lease on each key ended. */
  leave(keys: readonly string[], call: TypingCoordinatorCall): Promise<void>;
}

/**
 * Checks the `typing.coordinator` option: a bad one throws `ConfigError` naming it.
 *
 * @example
 * ```ts
 * checkCoordinator(createMemoryTypingCoordinator()); // returns it
 * checkCoordinator({}); // throws ConfigError (option "typing.coordinator")
 * ```
 */
export function checkCoordinator(value: unknown): TypingCoordinator {
  need(
    isObject(value) &&
      isFunction(value.join) &&
      isFunction(value.claim) &&
      isFunction(value.settle) &&
      isFunction(value.leave),
    "typing.coordinator",
    "a TypingCoordinator — an object with join(), claim(), settle() and leave(), e.g. createRedisTypingCoordinator({ redis, key }) from @b24im/limiter-redis",
    value,
  );
  return value as unknown as TypingCoordinator;
}

import { type Clock, stopwatchOf, systemClock } from "../async/clock.js";
import type {
  TypingClaim,
  TypingClaimAnswer,
  TypingCoordinator,
  TypingCoordinatorCall,
  TypingHold,
} from "./coordinator.js";

/** One fleet schedule: when it falls due, its unsettled claim, and who holds it until when. */
interface Entry {
  due: number | undefined;
  claimer: string | undefined;
  claimedAt: number;
  periodMs: number;
  readonly holds: Map<string, number>;
}

// Schedules whose holders all died are forgotten on a sweep, at most this often.
const SWEEP_EVERY_MS = 10_000;

/**
 * A {@link TypingCoordinator} in this process's memory: clients of one process that type as
 * the same sender share each dialog's schedule through it. It is also the reference of the
 * contract — `@b24im/limiter-redis`'s Redis coordinator is tested against it — and lets a
 * test run a fleet of clients without Redis. Time is the clock's stopwatch.
 *
 * @example
 * ```ts
 * import { createClient, createMemoryTypingCoordinator } from "@b24im/core";
 *
 * const coordinator = createMemoryTypingCoordinator();
 * const clients = [1, 2, 3].map(() => createClient({ webhook, transport, typing: { coordinator } }));
 * for (const client of clients) client.typing("chat5"); // one refresh every 20 s, not three
 * ```
 */
export function createMemoryTypingCoordinator(o: { clock?: Clock } = {}): TypingCoordinator {
  const now = stopwatchOf(o.clock ?? systemClock);
  const entries = new Map<string, Entry>();
  let sweptAt = Number.NEGATIVE_INFINITY;

  const held = (entry: Entry, at: number) => {
    for (const until of entry.holds.values()) if (until > at) return true;
    return false;
  };

  // Forgets what nobody holds any more and nobody waits for: what a Redis key's expiry does.
  const sweep = (at: number) => {
    if (at - sweptAt < SWEEP_EVERY_MS) return;
    sweptAt = at;
    for (const [key, entry] of entries) {
      if (!held(entry, at) && (entry.due ?? at) <= at) entries.delete(key);
    }
  };

  const entryOf = (key: string, at: number): Entry => {
    let entry = entries.get(key);
    if (entry === undefined) {
      entry = { due: undefined, claimer: undefined, claimedAt: at, periodMs: 0, holds: new Map() };
      entries.set(key, entry);
    }
    return entry;
  };

  // A hold only ever lengthens: a join must not cut one a claim made longer.
  const hold = (entry: Entry, holder: string, until: number) => {
    entry.holds.set(holder, Math.max(entry.holds.get(holder) ?? until, until));
  };

  const claimOne = (claim: TypingClaim, holder: string, at: number): TypingClaimAnswer => {
    const entry = entryOf(claim.key, at);
    hold(entry, holder, at + 2 * claim.periodMs + claim.holdMs);
    // An unsettled claim of someone else's is never taken early: it may still be on its way.
    const slack = entry.claimer === undefined ? claim.earlyMs : 0;
    if (claim.force || entry.due === undefined || entry.due - at <= slack) {
      entry.due = at + claim.holdMs;
      entry.claimer = holder;
      entry.claimedAt = at;
      entry.periodMs = claim.periodMs;
      return { send: true, dueInMs: 0 };
    }
    return { send: false, dueInMs: entry.due - at };
  };

  return {
    async join(holds: readonly TypingHold[], { holder }: TypingCoordinatorCall) {
      const at = now();
      for (const { key, ttlMs } of holds) hold(entryOf(key, at), holder, at + ttlMs);
    },
    async claim(claims: readonly TypingClaim[], { holder }: TypingCoordinatorCall) {
      const at = now();
      sweep(at);
      return claims.map((claim) => claimOne(claim, holder, at));
    },
    async settle({ sent, failed }, { holder }) {
      const end = (key: string, wasSent: boolean) => {
        const entry = entries.get(key);
        if (entry?.claimer !== holder) return;
        entry.claimer = undefined;
        if (wasSent) entry.due = entry.claimedAt + entry.periodMs;
      };
      for (const key of sent) end(key, true);
      for (const key of failed) end(key, false);
    },
    async leave(keys, { holder }) {
      const at = now();
      for (const key of keys) {
        const entry = entries.get(key);
        if (entry === undefined) continue;
        entry.holds.delete(holder);
        for (const [other, until] of entry.holds) if (until <= at) entry.holds.delete(other);
        if (entry.holds.size === 0) entries.delete(key);
      }
    },
  };
}

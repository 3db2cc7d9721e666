import type { BotEvent } from "../events/types.js";

/**
 * What FETCH mode knows about the event queue: which events run, which are done but not yet
 * acknowledged, and the `offset` that acknowledges exactly the settled prefix.
 *
 * `imbot.v2.Event.get` acknowledges every event with an id below `offset`. Events finish out
 * of order (dialogs run side by side), so the offset sent is the smallest id still running —
 * the done events above it come back in later polls and are skipped, never run twice — or,
 * with nothing running, one past the newest event. A process that stops between a handler's
 * end and that acknowledgement runs the event again after a restart: at least once, never
 * lost.
 *
 * @example
 * ```ts
 * const tracker = createAckTracker();
 * const fresh = tracker.accept(result.events, result.nextOffset); // run these
 * tracker.settle(event.eventId);
 * client.call("imbot.v2.Event.get", { botId, offset: tracker.offset() });
 * ```
 */
export interface AckTracker {
  /** The events of a poll that were not seen before; they count as running. */
  accept(events: readonly BotEvent[], nextOffset: unknown): BotEvent[];
  /** An event's handlers settled. */
  settle(eventId: number): void;
  /** The offset to send: acknowledges every settled event below the first running one. */
  offset(): number | undefined;
  /** A poll carrying `offset` succeeded: the server has forgotten everything below it. */
  confirm(offset: number | undefined): void;
  /** Whether an offset that the server has not confirmed yet would acknowledge something. */
  readonly unconfirmed: boolean;
}

/**
 * Makes an empty {@link AckTracker}; the first poll sends no offset (acknowledging nothing).
 *
 * @example
 * ```ts
 * const tracker = createAckTracker();
 * ```
 */
export function createAckTracker(): AckTracker {
  // Events seen and not yet confirmed, by id: true while their handlers run.
  const seen = new Map<number, boolean>();
  let confirmed: number | undefined;
  let next: number | undefined;

  const offset = (): number | undefined => {
    let firstRunning: number | undefined;
    for (const [id, running] of seen) {
      if (running && (firstRunning === undefined || id < firstRunning)) firstRunning = id;
    }
    return firstRunning ?? next;
  };

  return {
    accept(events, nextOffset) {
      const fresh: BotEvent[] = [];
      for (const event of events) {
        const id = event.eventId;
        if (id === undefined || seen.has(id) || (confirmed !== undefined && id < confirmed)) {
          continue;
        }
        seen.set(id, true);
        fresh.push(event);
        next = Math.max(next ?? id + 1, id + 1);
      }
      // The server's cursor may skip ids it will never send; it never goes backwards here.
      if (typeof nextOffset === "number" && Number.isSafeInteger(nextOffset)) {
        next = Math.max(next ?? nextOffset, nextOffset);
      }
      return fresh;
    },
    settle(eventId) {
      if (seen.has(eventId)) seen.set(eventId, false);
    },
    offset,
    confirm(sent) {
      if (sent === undefined) return;
      confirmed = Math.max(confirmed ?? sent, sent);
      for (const id of seen.keys()) if (id < sent) seen.delete(id);
    },
    get unconfirmed() {
      const current = offset();
      return current !== undefined && (confirmed === undefined || current > confirmed);
    },
  };
}

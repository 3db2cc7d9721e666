/**
 * One event as `imbot.v2.Event.get` returns it.
 *
 * @example
 * ```ts
 * const event: QueuedEvent = { eventId: 1, type: "ONIMBOTV2MESSAGEADD", date: "…", data: {} };
 * ```
 */
export interface QueuedEvent {
  eventId: number;
  type: string;
  /** When it happened, as the portal writes dates. */
  date: string;
  data: Record<string, unknown>;
}

/**
 * What `imbot.v2.Event.get` answers.
 *
 * @example
 * ```ts
 * const page: EventPage = queue.read(undefined, 100); // { events, nextOffset, hasMore }
 * ```
 */
export interface EventPage {
  events: QueuedEvent[];
  nextOffset: number;
  hasMore: boolean;
}

/**
 * How many unacknowledged events a bot keeps; beyond it the oldest are dropped.
 *
 * @example
 * ```ts
 * new BotEventQueue(MAX_QUEUED_EVENTS);
 * ```
 */
const MAX_QUEUED_EVENTS = 10_000;

/**
 * The event queue of one fetch-mode bot. `read(offset)` first acknowledges (drops) every
 * event with a smaller id, then returns up to `limit` of the rest, oldest first; a read
 * without `offset` acknowledges nothing. Ids grow, so the queue is a list with a moving head.
 *
 * @example
 * ```ts
 * const queue = new BotEventQueue();
 * queue.push({ eventId: 1, type: "ONIMBOTV2MESSAGEADD", date: "…", data: {} });
 * queue.read(undefined, 100); // { events: [ …1 ], nextOffset: 2, hasMore: false }
 * queue.read(2, 100);         // { events: [], nextOffset: 2, hasMore: false }
 * ```
 */
export class BotEventQueue {
  #events: QueuedEvent[] = [];
  #head = 0;
  // The highest offset a reader acknowledged: what an empty read answers as `nextOffset`.
  #acknowledged = 0;

  constructor(readonly max = MAX_QUEUED_EVENTS) {}

  /** Unacknowledged events. */
  get size(): number {
    return this.#events.length - this.#head;
  }

  push(event: QueuedEvent): void {
    this.#events.push(event);
    // A bot nobody polls must not grow the emulator without end: the oldest go first.
    if (this.size > this.max) this.#head++;
    this.#compact();
  }

  read(offset: number | undefined, limit: number): EventPage {
    if (offset !== undefined) {
      while (this.#head < this.#events.length && (this.#events[this.#head]?.eventId ?? 0) < offset)
        this.#head++;
      if (offset > this.#acknowledged) this.#acknowledged = offset;
      this.#compact();
    }
    const events = this.#events.slice(this.#head, this.#head + limit);
    const last = events[events.length - 1];
    return {
      events,
      nextOffset: last === undefined ? this.#acknowledged : last.eventId + 1,
      hasMore: this.size > events.length,
    };
  }

  clear(): void {
    this.#events = [];
    this.#head = 0;
  }

  #compact(): void {
    if (this.#head > 1024 && this.#head * 2 > this.#events.length) {
      this.#events = this.#events.slice(this.#head);
      this.#head = 0;
    }
  }
}

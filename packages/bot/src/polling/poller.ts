import { isObject, onAbort, sleep } from "@b24im/core";
import { type BotRuntime, botParams } from "../bot-runtime.js";
import type { Dispatcher } from "../dispatch/dispatcher.js";
import type { BotEvent } from "../events/types.js";
import { createAckTracker } from "./ack-tracker.js";

/**
 * How FETCH mode polls.
 *
 * @example
 * ```ts
 * const options: PollingOptions = { limit: 100, idlePauseMs: 10_000 };
 * ```
 */
export interface PollingOptions {
  /** Events asked for per poll, 1–1000. */
  limit: number;
  /** The pause after a poll that brought nothing new, in ms (the platform asks for 5–30 s). */
  idlePauseMs: number;
}

// After a failed poll the pause doubles from the first to the last, with jitter.
const FIRST_BACKOFF_MS = 1_000;
const LAST_BACKOFF_MS = 30_000;
// An acknowledgement that handlers just made possible waits at least this long after the last
// poll, so a burst of quick handlers does not turn into a burst of polls.
const ACK_GAP_MS = 1_000;

/**
 * The FETCH-mode loop: one `imbot.v2.Event.get` at a time, until stopped.
 *
 * @example
 * ```ts
 * const poller = createPoller(runtime, dispatcher, { limit: 100, idlePauseMs: 10_000 });
 * const running = poller.run();
 * await poller.stop(); // running resolves too
 * ```
 */
export interface Poller {
  /** Polls until `stop()`; resolves once stopped and the last events were acknowledged. */
  run(): Promise<void>;
  /** Stops polling, waits for running handlers, acknowledges them. */
  stop(): Promise<void>;
}

/**
 * Makes the {@link Poller} behind `bot.start()`.
 *
 * - Each poll carries the offset that acknowledges the events whose handlers settled, never
 *   one still running ({@link createAckTracker}); an event id seen twice runs once.
 * - New events go to the dispatcher at once (each dialog in order, dialogs side by side).
 *   With `hasMore` the next poll goes at once; after a poll that brought nothing new the loop
 *   pauses `idlePauseMs` — or less, once settled handlers have something to acknowledge.
 * - A failed poll (after the client's own retries) goes to `report` and the loop backs off,
 *   1 s doubling to 30 s; nothing ends the loop but `stop()`.
 * - Polls go through the client, so its rate limiter and retries apply to them.
 *
 * @example
 * ```ts
 * const poller = createPoller(runtime, dispatcher, { limit: 100, idlePauseMs: 10_000 });
 * ```
 */
export function createPoller(
  runtime: BotRuntime,
  dispatcher: Dispatcher,
  options: PollingOptions,
): Poller {
  const { client, clock } = runtime;
  const tracker = createAckTracker();
  const stopping = new AbortController();
  let running: Promise<void> | undefined;
  // Brings the end of the current pause forward: stop(), or handlers whose acknowledgement
  // can go (no sooner than ACK_GAP_MS after the last poll).
  let shorten: ((until: number) => void) | undefined;
  let lastPollAt = Number.NEGATIVE_INFINITY;

  const poll = async (offset: number | undefined, limit: number) => {
    lastPollAt = clock.now();
    const result = await client.call<unknown>(
      "imbot.v2.Event.get",
      { ...botParams(runtime), ...(offset === undefined ? {} : { offset }), limit },
      { signal: stopping.signal },
    );
    tracker.confirm(offset);
    return readPoll(result);
  };

  // `acknowledging`: settled handlers may end this pause early (not a backoff's).
  const wait = async (ms: number, acknowledging: boolean) => {
    let until = clock.now() + ms;
    let sleeping = new AbortController();
    const bringForward = (at: number) => {
      if (at >= until) return;
      until = at;
      sleeping.abort();
    };
    if (acknowledging) shorten = bringForward;
    const stopListening = onAbort(stopping.signal, () => bringForward(Number.NEGATIVE_INFINITY));
    try {
      while (!stopping.signal.aborted && clock.now() < until) {
        sleeping = new AbortController();
        await sleep(clock, until - clock.now(), sleeping.signal).catch(() => {});
      }
    } finally {
      stopListening();
      shorten = undefined;
    }
  };

  const onSettled = (event: BotEvent) => {
    if (event.eventId !== undefined) tracker.settle(event.eventId);
    if (tracker.unconfirmed) shorten?.(lastPollAt + ACK_GAP_MS);
  };

  const loop = async () => {
    let failures = 0;
    while (!stopping.signal.aborted) {
      let page: PollPage;
      try {
        page = await poll(tracker.offset(), options.limit);
        failures = 0;
      } catch (error) {
        if (stopping.signal.aborted) break;
        runtime.report(error);
        failures++;
        const cap = Math.min(LAST_BACKOFF_MS, FIRST_BACKOFF_MS * 2 ** (failures - 1));
        await wait(cap / 2 + Math.random() * (cap / 2), false);
        continue;
      }
      const fresh = tracker.accept(page.events, page.nextOffset);
      for (const event of fresh) {
        void dispatcher.dispatch(event).then(() => onSettled(event));
      }
      if (page.hasMore && fresh.length > 0) continue;
      // Nothing new: pause; settled handlers may bring the next poll forward to acknowledge.
      const ackAt = tracker.unconfirmed ? lastPollAt + ACK_GAP_MS : Number.POSITIVE_INFINITY;
      await wait(Math.min(options.idlePauseMs, ackAt - clock.now()), true);
    }
    await dispatcher.idle();
    if (tracker.unconfirmed) {
      try {
        // The last acknowledgement: one event at most comes back, and stays unacknowledged.
        const offset = tracker.offset();
        await client.call("imbot.v2.Event.get", { ...botParams(runtime), offset, limit: 1 });
        tracker.confirm(offset);
      } catch (error) {
        runtime.report(error);
      }
    }
  };

  return {
    run() {
      running ??= loop();
      return running;
    },
    async stop() {
      stopping.abort();
      await (running ?? dispatcher.idle());
    },
  };
}

interface PollPage {
  events: BotEvent[];
  nextOffset: unknown;
  hasMore: boolean;
}

// `{ events, nextOffset, hasMore }`; an answer of another shape counts as an empty page.
function readPoll(result: unknown): PollPage {
  if (!isObject(result)) return { events: [], nextOffset: undefined, hasMore: false };
  const events = Array.isArray(result.events) ? result.events.filter(isEvent) : [];
  return { events, nextOffset: result.nextOffset, hasMore: result.hasMore === true };
}

function isEvent(value: unknown): value is BotEvent {
  return (
    isObject(value) &&
    typeof value.type === "string" &&
    isObject(value.data) &&
    Number.isSafeInteger(value.eventId)
  );
}

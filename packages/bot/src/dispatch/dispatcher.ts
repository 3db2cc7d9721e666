import type { BotRuntime } from "../bot-runtime.js";
import { contextFor, dialogIdOf, type EventContext } from "../context/contexts.js";
import { type BotEventName, eventNameOf } from "../events/event-names.js";
import type { BotEvent } from "../events/types.js";
import { createSlots } from "./slots.js";

/**
 * A function `bot.on()` registers. What it returns is awaited; what it throws goes to the
 * bot's `onError`.
 *
 * @example
 * ```ts
 * const greet: Handler = async (ctx) => { await ctx.reply("Hello!"); };
 * ```
 */
export type Handler = (ctx: EventContext) => unknown;

/**
 * Runs events' handlers: one dialog's events in the order they came, different dialogs side
 * by side, at most `concurrency` events at a time.
 *
 * @example
 * ```ts
 * const dispatcher = createDispatcher({ runtime, handlersFor: (name) => handlers[name], concurrency: 8 });
 * await dispatcher.dispatch(event);
 * ```
 */
export interface Dispatcher {
  /** Runs the event's handlers after its dialog's earlier events; resolves when they settled. Never rejects. */
  dispatch(event: BotEvent): Promise<void>;
  /** Resolves once every event dispatched so far has settled. */
  idle(): Promise<void>;
}

/**
 * Makes the {@link Dispatcher} both event modes hand their events to.
 *
 * - An event of a type no handler listens to, or for another bot (a webhook address two bots
 *   share), settles at once.
 * - A handler's throw (or rejection) goes to `runtime.report`, then the next handler runs.
 * - Once the handlers settled, an indicator they left up without an answer is taken down.
 *
 * @example
 * ```ts
 * const dispatcher = createDispatcher({ runtime, handlersFor, concurrency: 8 });
 * ```
 */
export function createDispatcher(o: {
  runtime: BotRuntime;
  handlersFor: (name: BotEventName) => readonly Handler[];
  concurrency: number;
}): Dispatcher {
  const { runtime, handlersFor } = o;
  const slots = createSlots(o.concurrency);
  // The last unsettled event of each dialog: the next one of that dialog starts after it, and
  // it settles only after the dialog's earlier ones — so these are all `idle()` waits for.
  const lanes = new Map<string, Promise<void>>();

  const run = async (event: BotEvent, name: BotEventName, handlers: readonly Handler[]) => {
    let built: ReturnType<typeof contextFor>;
    try {
      built = contextFor(runtime, event, name);
    } catch (error) {
      runtime.report(error, event);
      return;
    }
    try {
      for (const handler of handlers) {
        try {
          await handler(built.context);
        } catch (error) {
          runtime.report(error, event);
        }
      }
    } finally {
      await built.conversation?.finish();
    }
  };

  return {
    dispatch(event) {
      const name = eventNameOf(event.type);
      const handlers = name === undefined ? [] : handlersFor(name);
      const forBot = event.data.bot?.id;
      if (
        name === undefined ||
        handlers.length === 0 ||
        (typeof forBot === "number" && forBot !== runtime.botId)
      ) {
        return Promise.resolve();
      }
      // Events that belong to no dialog (`delete`) share one lane.
      const lane = dialogIdOf(event.data) ?? "";
      const before = lanes.get(lane) ?? Promise.resolve();
      const done = before
        .then(() => slots.take())
        .then(() => run(event, name, handlers).finally(() => slots.give()))
        .catch((error: unknown) => runtime.report(error, event));
      lanes.set(lane, done);
      void done.finally(() => {
        if (lanes.get(lane) === done) lanes.delete(lane);
      });
      return done;
    },
    async idle() {
      while (lanes.size > 0) await Promise.all(lanes.values());
    },
  };
}

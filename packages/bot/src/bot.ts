import { ConfigError, isFunction, isObject, need, onAbort, systemClock } from "@b24im/core";
import { type BotOptions, checkBotOptions } from "./bot-options.js";
import type { BotRuntime } from "./bot-runtime.js";
import type { CommandContext, EventContext, MessageContext } from "./context/contexts.js";
import { THINK_REFRESH_MS } from "./context/conversation.js";
import { createDispatcher, type Handler } from "./dispatch/dispatcher.js";
import { type BotEventName, EVENT_TYPES } from "./events/event-names.js";
import type { BotEvent } from "./events/types.js";
import { createPoller, type Poller } from "./polling/poller.js";
import { checkSignalOptions } from "./signal-options.js";
import { createWebhookHandler, type WebhookOptions } from "./webhook/webhook-handler.js";

/**
 * A bot on Bitrix24's bot platform 2.0, made by {@link createBot}: handlers by event, and
 * the two ways events arrive — polling (`start`) or a webhook (`fetch`).
 *
 * @example
 * ```ts
 * bot.on("message", async (ctx) => {
 *   const answer = await ctx.think((signal) => llm.ask(ctx.message.text, { signal }));
 *   await ctx.reply(answer);
 * });
 * await bot.start(); // until bot.stop()
 * ```
 */
export interface Bot {
  /** A person wrote to the bot (`ONIMBOTV2MESSAGEADD`). */
  on(type: "message", handler: (ctx: MessageContext) => unknown): Bot;
  /** A person called one of its slash commands (`ONIMBOTV2COMMANDADD`). */
  on(type: "command", handler: (ctx: CommandContext) => unknown): Bot;
  /**
   * The bot joined a chat, a message was edited or deleted, a reaction changed, a dialog
   * was opened with a context, or the bot was deleted.
   */
  on(
    type: "join" | "messageUpdate" | "messageDelete" | "reaction" | "context" | "delete",
    handler: (ctx: EventContext) => unknown,
  ): Bot;
  /**
   * FETCH mode: polls `imbot.v2.Event.get` until `stop()` (or the signal aborts), handing
   * each new event to its handlers. Resolves once stopped and the last events were
   * acknowledged; never rejects for a failed poll or a handler's throw (both go to `onError`).
   */
  start(options?: { signal?: AbortSignal }): Promise<void>;
  /** Stops polling, lets running handlers finish, acknowledges their events. */
  stop(): Promise<void>;
  /** Webhook mode: verifies, decodes and dispatches one event POST; see {@link WebhookOptions}. */
  fetch(request: Request, options?: WebhookOptions): Promise<Response>;
  /** Dispatches one decoded event (a queue of your own, tests); resolves when its handlers settled. */
  handle(event: BotEvent): Promise<void>;
}

const DEFAULT_CONCURRENCY = 8;
const DEFAULT_POLL_LIMIT = 100;
const DEFAULT_IDLE_PAUSE_MS = 10_000;

/**
 * Makes a bot on top of a `B24Client`: the client's auth, rate limiter, retries and typing
 * scheduler serve the bot's polls, answers and "Agent is thinking…" indicators. Options are
 * checked at once (`ConfigError` naming the bad one, e.g. `botToken` missing for a webhook
 * client).
 *
 * @example
 * ```ts
 * import { createClient } from "@b24im/core";
 * import { createFetchTransport } from "@b24im/transport-fetch";
 * import { createBot } from "@b24im/bot";
 *
 * const client = createClient({ webhook: process.env.B24_WEBHOOK_URL, transport: createFetchTransport() });
 * const bot = createBot({ client, botId: 456, botToken: process.env.B24_BOT_TOKEN });
 * bot.on("message", async (ctx) => {
 *   const answer = await ctx.think(async (signal, status) => {
 *     const facts = await search(ctx.message.text, { signal });
 *     status("COMPOSING");
 *     return compose(facts, { signal });
 *   });
 *   await ctx.reply(answer);
 * });
 * await bot.start();
 * ```
 */
export function createBot(options: BotOptions): Bot {
  checkBotOptions(options);
  const onError = options.onError ?? reportToConsole;
  const runtime: BotRuntime = {
    client: options.client,
    botId: options.botId,
    botToken: options.botToken,
    clock: options.clock ?? systemClock,
    thinkRefreshMs: options.thinkRefreshMs ?? THINK_REFRESH_MS,
    report: (error, event) => {
      try {
        const result: unknown = onError(error, event);
        if (result instanceof Promise) result.catch(() => {});
      } catch {
        // An onError that throws must not stop the loop or the other handlers.
      }
    },
  };
  const handlers = new Map<BotEventName, Handler[]>();
  const dispatcher = createDispatcher({
    runtime,
    handlersFor: (name) => handlers.get(name) ?? [],
    concurrency: options.concurrency ?? DEFAULT_CONCURRENCY,
  });
  const webhook = createWebhookHandler({
    applicationToken: options.applicationToken,
    dispatch: (event) => dispatcher.dispatch(event),
    report: (error) => runtime.report(error),
  });
  let poller: Poller | undefined;

  const bot: Bot = {
    on(type: BotEventName, handler: (ctx: never) => unknown) {
      need(
        typeof type === "string" && Object.hasOwn(EVENT_TYPES, type),
        "type",
        `one of ${Object.keys(EVENT_TYPES).join(", ")}`,
        type,
      );
      need(isFunction(handler), "handler", "a function (ctx) => …", handler);
      // The dispatcher hands each handler the context of its own event type.
      handlers.set(type, [...(handlers.get(type) ?? []), handler as Handler]);
      return bot;
    },
    start(startOptions) {
      const { signal } = checkSignalOptions(startOptions);
      if (poller === undefined) {
        const current = createPoller(runtime, dispatcher, {
          limit: options.pollLimit ?? DEFAULT_POLL_LIMIT,
          idlePauseMs: options.idlePauseMs ?? DEFAULT_IDLE_PAUSE_MS,
        });
        poller = current;
        void current.run().finally(() => {
          if (poller === current) poller = undefined;
        });
      }
      const current = poller;
      if (signal) {
        if (signal.aborted) void current.stop();
        else {
          const stopListening = onAbort(signal, () => void current.stop());
          void current.run().finally(stopListening);
        }
      }
      return current.run();
    },
    async stop() {
      await poller?.stop();
      await dispatcher.idle();
    },
    fetch: (request, fetchOptions) => webhook(request, fetchOptions),
    handle(event) {
      if (!isObject(event) || typeof event.type !== "string" || !isObject(event.data)) {
        return Promise.reject(
          new ConfigError("event", "event must be { type, data } as the platform sends it"),
        );
      }
      return dispatcher.dispatch(event);
    },
  };
  return bot;
}

// Never silent by default: a handler's throw or a failing poll shows up in the log.
function reportToConsole(error: unknown, event?: BotEvent): void {
  const where = event
    ? ` (${event.type}${event.eventId === undefined ? "" : ` #${event.eventId}`})`
    : "";
  const what = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  console.error(`@b24im/bot${where}: ${what}`);
}

import {
  type B24Client,
  type Clock,
  checkNumber,
  checkText,
  isFunction,
  isObject,
  need,
} from "@b24im/core";
import type { BotEvent } from "./events/types.js";

/**
 * Options of {@link createBot}.
 *
 * @example
 * ```ts
 * const options: BotOptions = { client, botId: 456, botToken: process.env.BOT_TOKEN, onError: console.error };
 * ```
 */
export interface BotOptions {
  /** Auth, rate limit, retries and typing come from the client. */
  client: B24Client;
  /** The bot's id (`imbot.v2.Bot.register` answers it). */
  botId: number;
  /** Required when the client uses a webhook (every `imbot.v2` call then sends it); not with OAuth. */
  botToken?: string | undefined;
  /** Webhook mode: the only top-level `auth[application_token]` accepted. Without it every event gets 401. */
  applicationToken?: string | undefined;
  /**
   * Receives what went wrong: a handler's throw (with its event), a failed poll, a failed
   * typing event. Default: one line on `console.error`. Never given a secret by the bot.
   */
  onError?: ((error: unknown, event?: BotEvent) => void) | undefined;
  /** Most events handled at once (each dialog's events still run in order). Default 8. */
  concurrency?: number | undefined;
  /** FETCH mode: events asked for per poll, 1–1000. Default 100. */
  pollLimit?: number | undefined;
  /** FETCH mode: the pause after a poll that brought nothing new, in ms. Default 10 000 (the platform asks for 5–30 s). */
  idlePauseMs?: number | undefined;
  /**
   * How often `ctx.think()` refreshes the indicator, in ms; each event asks the platform to
   * show it 15 s longer than that. Default 60 000 (a 75 s indicator): a third of the requests
   * `im.dialog.writing` needs. Shorter shows a crashed process's stale line for less time.
   */
  thinkRefreshMs?: number | undefined;
  /** Where timers come from; inject a fake clock in tests. Default core's `systemClock`. */
  clock?: Clock | undefined;
}

/**
 * Checks {@link BotOptions}: a bad one throws `ConfigError` naming it, never quoting a token.
 *
 * @example
 * ```ts
 * checkBotOptions({ client, botId: 0 }); // ConfigError: botId must be …
 * ```
 */
export function checkBotOptions(options: BotOptions): void {
  need(isObject(options), "options", "an object: createBot({ client, botId, botToken })", options);
  const { client, botId, botToken, applicationToken, onError, clock } = options;
  need(
    isObject(client) && isFunction(client.call) && isFunction(client.typing),
    "client",
    "a client made by createClient() of @b24im/core",
  );
  checkNumber("botId", botId, { min: 1, integer: true });
  if (botToken !== undefined) checkText("botToken", botToken);
  need(
    botToken !== undefined || client.auth !== "webhook",
    "botToken",
    "given: the client uses a webhook, and every imbot.v2 call over a webhook needs the bot's botToken (the one chosen at registration)",
  );
  if (applicationToken !== undefined) checkText("applicationToken", applicationToken);
  need(onError === undefined || isFunction(onError), "onError", "a function", onError);
  if (options.concurrency !== undefined) {
    checkNumber("concurrency", options.concurrency, { min: 1, max: 1000, integer: true });
  }
  if (options.pollLimit !== undefined) {
    checkNumber("pollLimit", options.pollLimit, { min: 1, max: 1000, integer: true });
  }
  if (options.idlePauseMs !== undefined) {
    checkNumber("idlePauseMs", options.idlePauseMs, { min: 100, max: 300_000 });
  }
  if (options.thinkRefreshMs !== undefined) {
    // A v2 event lasts at most 600 s, and asks for 15 s more than the refresh.
    checkNumber("thinkRefreshMs", options.thinkRefreshMs, { min: 1_000, max: 585_000 });
  }
  need(
    clock === undefined || (isObject(clock) && isFunction(clock.now)),
    "clock",
    "a Clock { now, setTimeout, clearTimeout }",
  );
}

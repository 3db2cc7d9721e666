import type { B24Client, Clock } from "@b24im/core";
import type { BotEvent } from "./events/types.js";

/**
 * What every part of a bot shares: the client it calls through, who it is, its clock, and
 * where failures go.
 *
 * @example
 * ```ts
 * const runtime: BotRuntime = { client, botId: 456, botToken, clock: systemClock, report: console.error };
 * ```
 */
export interface BotRuntime {
  readonly client: B24Client;
  readonly botId: number;
  /** Sent with every `imbot.v2` call when the client uses a webhook. */
  readonly botToken: string | undefined;
  readonly clock: Clock;
  /** How often `think()` refreshes the indicator. */
  readonly thinkRefreshMs: number;
  /** Hands a failure to the bot's `onError`; never throws. */
  report(error: unknown, event?: BotEvent): void;
}

/**
 * The parameters that name the bot in every `imbot.v2` call: `botId`, and `botToken` when
 * the client uses a webhook.
 *
 * @example
 * ```ts
 * client.call("imbot.v2.Event.get", { ...botParams(runtime), limit: 100 });
 * ```
 */
export function botParams(runtime: BotRuntime): { botId: number; botToken?: string } {
  return runtime.botToken === undefined
    ? { botId: runtime.botId }
    : { botId: runtime.botId, botToken: runtime.botToken };
}

import { textParam } from "../request-params.js";
import { RestError } from "../rest-error.js";
import { requireOwnedBot } from "./imbot-v2-access.js";
import type { RestMethod } from "./rest-method.js";

const DEFAULT_LIMIT = 100;
const MAX_LIMIT = 1000;

function limitParam(value: unknown): number {
  if (value === undefined || value === null || value === "") return DEFAULT_LIMIT;
  const limit = Number(textParam(value));
  // The docs give the range, not an error for leaving it: the emulator clamps.
  if (!Number.isFinite(limit)) return DEFAULT_LIMIT;
  return Math.min(MAX_LIMIT, Math.max(1, Math.trunc(limit)));
}

function offsetParam(value: unknown): number | undefined {
  if (value === undefined || value === null || value === "") return undefined;
  const offset = Number(textParam(value));
  if (!Number.isSafeInteger(offset) || offset < 0) {
    throw new RestError(400, "ERROR_ARGUMENT", "offset must be an integer ≥ 0");
  }
  return offset;
}

/**
 * `imbot.v2.Event.get {botId, botToken?, offset?, limit? (1–1000, default 100)}`: the bot's
 * events, `{events: [{eventId, type, date, data}], nextOffset, hasMore}`. `offset`
 * acknowledges every event with a smaller id; without it nothing is acknowledged and the
 * oldest unacknowledged events come back. Only the bot's owner may read them. A webhook-mode
 * bot's events are posted, not queued: its queue stays empty.
 *
 * @example
 * ```ts
 * // {"botId":100,"botToken":"demo-bot-token","offset":1002,"limit":50}
 * // → {"result":{"events":[{"eventId":1002,"type":"ONIMBOTV2MESSAGEADD",…}],"nextOffset":1003,"hasMore":false}}
 * ```
 */
export const imbotV2EventGet: RestMethod = {
  name: "imbot.v2.Event.get",
  caseSensitive: true,
  handle(params, context) {
    const bot = requireOwnedBot(params, context, { evenRemoved: true });
    return context.bots.read(bot, offsetParam(params.offset), limitParam(params.limit));
  },
};

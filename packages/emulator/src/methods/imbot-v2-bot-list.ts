import { botObject, userObject } from "../bot-objects.js";
import { textParam } from "../request-params.js";
import { ownsBot, recordParam, requireBotToken } from "./imbot-v2-access.js";
import type { RestMethod } from "./rest-method.js";

function pageNumber(value: unknown, fallback: number, min: number): number {
  const number = Number(textParam(value));
  return Number.isInteger(number) && number >= min ? number : fallback;
}

/**
 * `imbot.v2.Bot.list {botToken?, filter?: {type}, limit? (50), offset? (0)}`: the caller's
 * bots in the extended format, `{bots, users, hasNextPage}`. Never fails otherwise: no bots or
 * an unknown `filter.type` give an empty list.
 *
 * @example
 * ```ts
 * // {"botToken":"demo-bot-token"} → {"result":{"bots":[{"id":100,…}],"users":[…],"hasNextPage":false}}
 * ```
 */
export const imbotV2BotList: RestMethod = {
  name: "imbot.v2.Bot.list",
  caseSensitive: true,
  handle(params, { caller, portal, bots }) {
    const token = requireBotToken(params.botToken, caller);
    const type = textParam(recordParam(params.filter)?.type);
    const limit = pageNumber(params.limit, 50, 1);
    const offset = pageNumber(params.offset, 0, 0);
    const { registry } = bots;
    const mine = registry
      .all()
      .filter((bot) => ownsBot(bot, caller, token) && (type === undefined || bot.type === type));
    const page = mine.slice(offset, offset + limit);
    return {
      bots: page.map((bot) => botObject(bot, portal)),
      users: page.map((bot) => userObject(bot.id, portal, registry)),
      hasNextPage: offset + limit < mine.length,
    };
  },
};

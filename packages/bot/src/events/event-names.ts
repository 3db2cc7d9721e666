/**
 * The names `bot.on()` takes, and the platform's event type behind each.
 *
 * @example
 * ```ts
 * EVENT_TYPES.message; // "ONIMBOTV2MESSAGEADD"
 * ```
 */
export const EVENT_TYPES = {
  message: "ONIMBOTV2MESSAGEADD",
  command: "ONIMBOTV2COMMANDADD",
  join: "ONIMBOTV2JOINCHAT",
  messageUpdate: "ONIMBOTV2MESSAGEUPDATE",
  messageDelete: "ONIMBOTV2MESSAGEDELETE",
  reaction: "ONIMBOTV2REACTIONCHANGE",
  context: "ONIMBOTV2CONTEXTGET",
  delete: "ONIMBOTV2DELETE",
} as const;

/**
 * What `bot.on()` listens to: `"message"`, `"command"`, `"join"`, …
 *
 * @example
 * ```ts
 * const name: BotEventName = "message";
 * ```
 */
export type BotEventName = keyof typeof EVENT_TYPES;

const NAME_BY_TYPE = new Map<string, BotEventName>(
  Object.entries(EVENT_TYPES).map(([name, type]) => [type, name as BotEventName]),
);

/**
 * The `bot.on()` name of a platform event type (compared case-insensitively, as the
 * platform's event names are), or `undefined` for a type this package does not know.
 *
 * @example
 * ```ts
 * eventNameOf("ONIMBOTV2JOINCHAT"); // "join"
 * eventNameOf("ONIMV2MESSAGEADD");  // undefined
 * ```
 */
export function eventNameOf(type: string): BotEventName | undefined {
  return NAME_BY_TYPE.get(type.toUpperCase());
}

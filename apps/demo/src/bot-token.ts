import { randomBytes } from "node:crypto";

/**
 * The longest bot token the platform takes (`imbot.v2.Bot.register`, `fields.botToken`).
 *
 * @example
 * ```ts
 * if (token.length > MAX_BOT_TOKEN_LENGTH) throw new UsageError("B24_BOT_TOKEN is too long");
 * ```
 */
export const MAX_BOT_TOKEN_LENGTH = 40;

/**
 * A new random bot token: 32 URL-safe characters (192 bits), within the platform's 40.
 * Over a webhook the token is the bot's credential: every `imbot.v2` call sends it, and
 * registering the same code again only returns the bot with the same token.
 *
 * @example
 * ```ts
 * newBotToken(); // "q3V0s…" (32 characters)
 * ```
 */
export function newBotToken(): string {
  return randomBytes(24).toString("base64url");
}

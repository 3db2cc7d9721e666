const WORD_END = /[\p{L}\p{N}_]$/u;
const WORD_START = /^[\p{L}\p{N}_]/u;

/**
 * Does a group-chat message mention this bot? The portal's own mention is the BB-code its
 * clients write, `[USER=100]Demo Bot[/USER]`; for people typing on the emulator's page a plain
 * `@Demo Bot` (the bot's full name, any case, not inside a word such as an e-mail address)
 * counts too.
 *
 * @example
 * ```ts
 * mentionsBot("[USER=100]Demo Bot[/USER], hi", { id: 100, name: "Demo Bot" }); // true
 * mentionsBot("hey @demo bot!", { id: 100, name: "Demo Bot" }); // true
 * mentionsBot("hey @Demo Botanist", { id: 100, name: "Demo Bot" }); // false
 * ```
 */
export function mentionsBot(text: string, bot: { id: number; name: string }): boolean {
  const tag = /\[user=(\d+)\]/gi;
  for (const match of text.matchAll(tag)) if (Number(match[1]) === bot.id) return true;
  const name = bot.name.trim().toLowerCase();
  if (name === "") return false;
  const lower = text.toLowerCase();
  const wanted = `@${name}`;
  for (let at = lower.indexOf(wanted); at >= 0; at = lower.indexOf(wanted, at + 1)) {
    const before = lower.slice(Math.max(0, at - 2), at);
    const after = lower.slice(at + wanted.length, at + wanted.length + 2);
    if (!WORD_END.test(before) && !WORD_START.test(after)) return true;
  }
  return false;
}

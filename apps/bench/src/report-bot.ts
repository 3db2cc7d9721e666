import { spread, table } from "./markdown.js";
import type { BenchResults } from "./results.js";

/**
 * Figure 7 of the report: events per second through `@b24im/bot`, beside a naive decode.
 *
 * @example
 * ```ts
 * const lines: string[] = [];
 * botSection(results, lines);
 * ```
 */
export function botSection(results: BenchResults, lines: string[]): void {
  const bot = results.botEvents;
  if (!bot) return;
  lines.push(
    "## 7. Bot events",
    "",
    "Events a bot takes per second on one thread, no network: a decoded `ONIMBOTV2MESSAGEADD` " +
      "through `bot.handle`, and the same event as the platform posts it (PHP-style form, every " +
      "scalar a string) through `bot.fetch` — read the body, decode the keys, check the " +
      "application token in constant time, type the scalars back, dispatch — beside a naive " +
      "`Object.fromEntries(new URLSearchParams(body))` of that body, which does none of the rest. " +
      "The handler returns at once. `bot.fetch` includes building a WHATWG `Request` and " +
      "`Response` per event, which is most of its cost on Node.",
    "",
    `Reproduce: \`${bot.command}\``,
    "",
    table(
      ["path", "events/s"],
      [
        ["`bot.handle(event)`", spread(bot.handle)],
        ["`bot.fetch(request)`", spread(bot.fetch)],
        [
          "naive `URLSearchParams` decode (no verify, no types, no dispatch)",
          spread(bot.naiveDecode),
        ],
      ],
    ),
    "",
  );
}

import { seconds } from "./format.js";
import { SCENE_SEED } from "./scene.js";

/**
 * What the scene's intro states about its shortened timings.
 *
 * @example
 * ```ts
 * const timings: SceneTimings = { idlePauseMs: 500, thinkRefreshMs: 2_000, lineLifeMs: 17_000 };
 * out.write(sceneIntro(emulator.url, timings));
 * ```
 */
export interface SceneTimings {
  idlePauseMs: number;
  thinkRefreshMs: number;
  lineLifeMs: number;
}

/**
 * The scene's opening lines: the live page, and what is shortened for a local emulator (and
 * what is not: the rate limit).
 *
 * @example
 * ```ts
 * out.write(sceneIntro("http://127.0.0.1:40123", timings));
 * ```
 */
export function sceneIntro(url: string, t: SceneTimings): string {
  return [
    "b24im demo: an agent on Bitrix24's bot platform 2.0 that shows what it is doing while it thinks",
    "",
    `  Live page: ${url}/   (open it to watch the chats)`,
    `  Shortened for a local emulator: the bot polls for events every ${seconds(t.idlePauseMs)} when idle`,
    `  (a real portal wants 5–30 s) and refreshes its status line every ${seconds(t.thinkRefreshMs)} (default 60 s),`,
    `  each event keeping the line up ${seconds(t.lineLifeMs)}. The portal budget is real: the emulator`,
    "  enforces the standard rate limit (2 requests/s, bucket 50), and so does the bot's client.",
    "",
  ].join("\n");
}

/**
 * The line that introduces the bot once it is registered.
 *
 * @example
 * ```ts
 * botLine({ id: 5, name: "Helper", code: "b24im_demo_agent" });
 * ```
 */
export function botLine(bot: { id: number; name: string; code: string }): string {
  return `  Bot: ${bot.name} (id ${bot.id}), registered with imbot.v2.Bot.register: code ${bot.code}, fetch mode.\n\n`;
}

/**
 * What the bot posts in General when the scene is over, so the live page says so too (it
 * has no "ended" state of its own): with `--keep-open`, how to talk to the bot; otherwise
 * that the page no longer updates.
 *
 * @example
 * ```ts
 * closingNote(true, "Helper"); // "The scene is over, but I keep answering: …"
 * ```
 */
export function closingNote(keepOpen: boolean, botName: string): string {
  return keepOpen
    ? `The scene is over, but I keep answering: pick a sender in the box above and write to ${botName} privately, or here mentioning @${botName}.`
    : "The scene is over: the demo has stopped this emulator, and this page no longer updates. To talk to me yourself, run pnpm demo -- --keep-open.";
}

/**
 * The terminal's instructions for `--keep-open`.
 *
 * @example
 * ```ts
 * out.write(keepOpenInstructions("http://127.0.0.1:40123", "Helper"));
 * ```
 */
export function keepOpenInstructions(url: string, botName: string): string {
  const chats = (SCENE_SEED.chats ?? [])
    .map((chat) => `${chat.title} (chat${chat.id})`)
    .join(" or ");
  return [
    "",
    `${botName} keeps answering. On the live page ${url}/ pick a sender ("From"), then`,
    `  To: "${botName} (bot) — private", or To: ${chats} with @${botName} in the text,`,
    "and send. Its answers show there and here. Ctrl-C stops.",
    "",
    "",
  ].join("\n");
}

/**
 * The last lines of a scene that ended by itself: what to try next.
 *
 * @example
 * ```ts
 * out.write(nextSteps());
 * ```
 */
export function nextSteps(): string {
  return [
    "Next: pnpm demo -- --keep-open lets you write to the agent on the live page;",
    "      pnpm demo -- --bot runs it on your own portal (pnpm demo -- --help tells how).",
    "",
  ].join("\n");
}

import { createBot, type MessageContext } from "@b24im/bot";
import { B24Error, createClient, redactText } from "@b24im/core";
import { createAgent, echoPlan } from "./agent.js";
import { type DemoCommand, PORTAL_BOT_CODE } from "./args.js";
import { newBotToken } from "./bot-token.js";
import { ConversationLog } from "./conversation-log.js";
import { describeError } from "./describe-error.js";
import { count, seconds } from "./format.js";
import type { ViewOutput } from "./live-view.js";
import { type BotRegistration, RegistrationError, registerFetchBot } from "./register-bot.js";
import { makeTransport } from "./transports.js";

type BotCommand = Extract<DemoCommand, { kind: "bot" }>;

/**
 * The agent's name on a new registration (a bot registered before keeps its own).
 *
 * @example
 * ```ts
 * await registerFetchBot(client, { code: PORTAL_BOT_CODE, botToken, tokenSource: "generated", name: PORTAL_BOT_NAME });
 * ```
 */
export const PORTAL_BOT_NAME = "b24im Demo Agent";
/**
 * How long the bot pauses after a poll that brought nothing: the platform asks for 5–30 s;
 * the lower end keeps the demo responsive.
 *
 * @example
 * ```ts
 * const bot = createBot({ client, botId: registration.id, botToken, idlePauseMs: PORTAL_IDLE_PAUSE_MS });
 * ```
 */
export const PORTAL_IDLE_PAUSE_MS = 5_000;

/**
 * Options of {@link runPortalBot}.
 *
 * @example
 * ```ts
 * if (command.kind === "bot") {
 *   const options: PortalBotOptions = { command, out: process.stdout, signal };
 *   process.exitCode = await runPortalBot(options);
 * }
 * ```
 */
export interface PortalBotOptions {
  command: BotCommand;
  out: ViewOutput;
  /** Ctrl-C. */
  signal: AbortSignal;
  now?: () => number;
}

/**
 * Bot mode: registers the agent on the user's portal as a fetch-mode v2 bot (idempotently,
 * by {@link PORTAL_BOT_CODE} and its token) and answers every message people write to it
 * until Ctrl-C, saying in plain words what it received, showed and answered.
 *
 * Secrets: the webhook code is never printed; the bot token neither — except a token made
 * here (no `B24_BOT_TOKEN`), printed once after the portal accepted it, so the user can keep
 * it. Every other line goes through `redactText` with the token as a known secret.
 *
 * Resolves with the exit code: 130 after Ctrl-C, 1 when registration failed or the portal
 * refused polling for good (a deleted bot, a revoked webhook).
 *
 * @example
 * ```ts
 * const code = await runPortalBot({ command, out: process.stdout, signal });
 * ```
 */
export async function runPortalBot(o: PortalBotOptions): Promise<number> {
  const { command } = o;
  const now = o.now ?? Date.now;
  const botToken = command.botToken ?? newBotToken();
  const generated = command.botToken === undefined;
  const write = (text: string): void => {
    o.out.write(redactText(text, [botToken]));
  };
  let log: ConversationLog | undefined;
  const client = createClient({
    webhook: command.webhook,
    transport: makeTransport(command.transport),
    rateLimit: "standard",
    hooks: {
      onRetry: (event) => {
        const line = `retrying ${event.method} in ${seconds(event.delayMs)}: ${describeError(event.error, "imbot")}`;
        if (log === undefined) write(`  ${line}\n`);
        else log.say(line);
      },
    },
  });

  write(intro(command, generated));
  let registration: BotRegistration;
  try {
    registration = await registerFetchBot(client, {
      code: PORTAL_BOT_CODE,
      botToken,
      tokenSource: generated ? "generated" : "environment",
      name: PORTAL_BOT_NAME,
      signal: o.signal,
    });
  } catch (error) {
    await client.close();
    if (o.signal.aborted) {
      write("Stopped by Ctrl-C before the bot was registered.\n");
      return 130;
    }
    const why = error instanceof RegistrationError ? error.message : describeError(error, "imbot");
    write(`Could not register the bot: ${why}\n`);
    return 1;
  }
  write(registered(registration, generated));
  // The one deliberate print of a token: it was made here, and the user needs it to come back.
  if (generated) o.out.write(handOver(botToken));
  write(instructions(registration.name));

  const current = new ConversationLog({
    write: (line) => write(`${line}\n`),
    botName: registration.name,
    where: whereOnPortal,
    now,
  });
  log = current;
  // A poll the portal refuses for good (no event: it is no handler's error) ends the run.
  const giveUp = new AbortController();
  let fatal: unknown;
  const stop = AbortSignal.any([o.signal, giveUp.signal]);
  const bot = createBot({
    client,
    botId: registration.id,
    botToken,
    idlePauseMs: PORTAL_IDLE_PAUSE_MS,
    onError: (error, event) => {
      current.trouble(error);
      if (event === undefined && error instanceof B24Error && !error.retryable && !fatal) {
        fatal = error;
        giveUp.abort(error);
      }
    },
  });
  bot.on(
    "message",
    createAgent({ plan: (ctx) => echoPlan(ctx.message.text), observer: current, stop, now }),
  );
  current.say(`listening as ${registration.name}`);
  await bot.start({ signal: stop });
  await client.close();

  const answered = `answered ${count(current.answers, "message")}`;
  if (fatal !== undefined) {
    current.say(`gave up (${answered}): ${describeError(fatal, "imbot")}`);
    return 1;
  }
  current.say(
    `stopped by Ctrl-C (${answered}). The bot stays registered: run again with the same B24_BOT_TOKEN to continue.`,
  );
  return 130;
}

function intro(command: BotCommand, generated: boolean): string {
  return [
    "b24im demo: the agent on your portal (bot platform 2.0, fetch mode: it polls, no public address needed)",
    "",
    `  webhook    ${redactText(command.webhook)}`,
    `  bot code   ${PORTAL_BOT_CODE}`,
    `  bot token  ${generated ? "none in B24_BOT_TOKEN: a new one was made" : "from B24_BOT_TOKEN"}`,
    `  transport  ${command.transport}`,
    "",
    "",
  ].join("\n");
}

function registered(bot: BotRegistration, generated: boolean): string {
  const how = generated
    ? "registered with the new token"
    : "ready (registering is idempotent: this code and token give this bot on every run)";
  const switched = bot.switchedToFetch
    ? "\n  It was registered for webhooks; it now polls instead (imbot.v2.Bot.update)."
    : "";
  return `  bot        ${bot.name} (user ${bot.id}), ${how}${switched}\n\n`;
}

function handOver(token: string): string {
  return [
    "  Keep this token, printed only this once: the portal gives this bot back only to it.",
    `    export B24_BOT_TOKEN=${token}`,
    "",
    "",
  ].join("\n");
}

function instructions(name: string): string {
  return [
    `Write to ${name} on your portal: open a chat with it, or add it to a group chat and`,
    `mention it. It shows "thinking…", "searching…", "composing…", then answers. It polls every`,
    `${seconds(PORTAL_IDLE_PAUSE_MS)} when idle, so an answer may take that long to start. Ctrl-C stops.`,
    "",
    "",
  ].join("\n");
}

// A portal names dialogs by chat title or by the person; its ids are what the bot answers to.
function whereOnPortal(ctx: MessageContext): string {
  if (ctx.chat.type === "private") return `private dialog with ${ctx.user.name}`;
  return `${ctx.chat.name === "" ? "chat" : ctx.chat.name} (${ctx.dialogId})`;
}

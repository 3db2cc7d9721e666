import { formatDialogId, parseDialogId, parseWebhookUrl, redactText } from "@b24im/core";
import { MAX_BOT_TOKEN_LENGTH } from "./bot-token.js";
import { SCENE_BOT } from "./scene.js";

/**
 * Which transport the real-portal mode sends through.
 *
 * @example
 * ```ts
 * const name: TransportName = "fetch";
 * const client = createClient({ webhook, transport: makeTransport(name) });
 * ```
 */
export type TransportName = "node" | "fetch";

/**
 * What the command line asked for.
 *
 * @example
 * ```ts
 * const command: DemoCommand = parseArgs(process.argv.slice(2), process.env);
 * if (command.kind === "portal") await runRealPortal({ command, out: process.stdout, signal });
 * ```
 */
export type DemoCommand =
  | { kind: "help" }
  | {
      kind: "scene";
      /** Leave the emulator and its page up after the scene, until Ctrl-C. */
      keepOpen: boolean;
      /** For tests: write the emulator's records to this file at the end. */
      reportJson?: string;
    }
  | {
      kind: "bot";
      webhook: string;
      transport: TransportName;
      /** From `B24_BOT_TOKEN`; without it a new one is made (and printed once). */
      botToken?: string;
    }
  | {
      kind: "portal";
      webhook: string;
      /** The canonical dialog id (`"chat5"`, `"13"`, `"sg7"`). */
      dialogId: string;
      seconds: number;
      transport: TransportName;
      refreshMs: number;
    };

/**
 * A command line the demo cannot run. The message names the option and the fix; the CLI
 * prints it with the usage and exits 2.
 *
 * @example
 * ```ts
 * try {
 *   parseArgs(["--seconds", "x"], {});
 * } catch (error) {
 *   if (error instanceof UsageError) console.error(error.message);
 * }
 * ```
 */
export class UsageError extends Error {
  override get name(): string {
    return "UsageError";
  }
}

/**
 * The code the agent is registered under on a real portal: the same bot on every run.
 *
 * @example
 * ```ts
 * await registerFetchBot(client, { code: PORTAL_BOT_CODE, botToken, tokenSource: "environment", name: PORTAL_BOT_NAME });
 * ```
 */
export const PORTAL_BOT_CODE = "b24im_demo_agent";

/**
 * The default length of the real-portal run.
 *
 * @example
 * ```ts
 * expect(parseArgs(["--dialog", "chat5"], { B24_WEBHOOK_URL: webhook })).toMatchObject({ seconds: DEFAULT_SECONDS });
 * ```
 */
export const DEFAULT_SECONDS = 60;
/**
 * The default refresh interval of the real-portal run: the SDK's own default.
 *
 * @example
 * ```ts
 * expect(parseArgs(["--dialog", "chat5"], { B24_WEBHOOK_URL: webhook })).toMatchObject({ refreshMs: DEFAULT_REFRESH_MS });
 * ```
 */
export const DEFAULT_REFRESH_MS = 20_000;
const MAX_SECONDS = 3600;
const MIN_REFRESH_MS = 1000;
const MAX_REFRESH_MS = 30_000;

/**
 * The short usage printed with every argument error.
 *
 * @example
 * ```ts
 * if (error instanceof UsageError) process.stderr.write(`b24im demo: ${error.message}\n\n${USAGE}\n`);
 * ```
 */
export const USAGE = `usage: pnpm demo                       play the scene on the embedded emulator
       pnpm demo -- --keep-open         …then let people on its live page talk to the bot
       pnpm demo -- --bot [--webhook URL] [--transport node|fetch]
                                         run the agent on your portal until Ctrl-C
       pnpm demo -- --webhook URL --dialog ID [--seconds N] [--transport node|fetch]
                                         keep "typing…" alive in a dialog of your portal
       pnpm demo -- --help               every option`;

/**
 * The full `--help` text.
 *
 * @example
 * ```ts
 * if (command.kind === "help") process.stdout.write(`${HELP}\n`);
 * ```
 */
export const HELP = `b24im demo: an agent on Bitrix24's bot platform 2.0 that shows what it is doing
("Agent is thinking…", "…searching…") while it works, then answers.

${USAGE}

Scene mode (no --bot or --dialog): starts the Bitrix24 emulator inside this process,
prints the address of its live page and plays a short scene: three people ask a bot
(registered with imbot.v2.Bot.register, polling for events) questions in two group
chats and a private dialog; for each one it shows changing statuses while it "thinks",
then answers. Takes about 10 seconds, then exits.
  --keep-open           after the scene, the bot keeps answering: write to it on the
                        live page (privately, or in a chat mentioning @${SCENE_BOT.name}) until Ctrl-C

Bot mode (--bot, with --webhook or B24_WEBHOOK_URL): registers the agent on your portal
as a bot platform 2.0 bot in fetch mode (it polls, so it needs no public address) under
the fixed code ${PORTAL_BOT_CODE}, and answers every message people write to it until
Ctrl-C, saying in plain words what it received and answered. The webhook needs the
"imbot" scope. The bot's token comes from the B24_BOT_TOKEN environment variable; without
it a new token is made and printed once: keep it, the portal gives the bot back only to
the same token (registering is idempotent by code and token).
  --transport NAME      "node" (undici, default) or "fetch" (WHATWG fetch)

Typing mode (--dialog, with --webhook or B24_WEBHOOK_URL): keeps "typing…" alive
in one dialog of your portal and reports every refresh and any error in plain words.
  --webhook URL         inbound webhook, e.g. https://PORTAL/rest/1/CODE/
                        (default: the B24_WEBHOOK_URL environment variable); it needs
                        the "im" scope and its user must be a member of the dialog
  --dialog ID           the dialog: "chat5" (group chat), "13" (private dialog with
                        user 13) or "sg7" (chat of workgroup 7)
  --seconds N           how long to keep typing; default ${DEFAULT_SECONDS}, at most ${MAX_SECONDS}
  --transport NAME      "node" (undici, default) or "fetch" (WHATWG fetch)
  --refresh-ms N        refresh interval in milliseconds, ${MIN_REFRESH_MS}–${MAX_REFRESH_MS};
                        default ${DEFAULT_REFRESH_MS} (the indicator lives about 35 s)

Other:
  -h, --help            this text
  --report-json FILE    for tests: after the scene, write the emulator's typing
                        statistics, request log and messages to FILE as JSON

The webhook code and the bot token are never printed, except a newly made token:
once, so that you can keep it.
Ctrl-C stops cleanly and exits 130; a second Ctrl-C quits at once.
Exit codes: 0 done, 1 the portal refused or failed, 2 bad arguments, 130 Ctrl-C.
Through pnpm, pass options after "--": pnpm demo -- --help`;

type OptionKind = "flag" | "value";
const OPTIONS: Record<string, OptionKind> = {
  help: "flag",
  "keep-open": "flag",
  "report-json": "value",
  bot: "flag",
  webhook: "value",
  dialog: "value",
  seconds: "value",
  transport: "value",
  "refresh-ms": "value",
};

const SCENE_ONLY = ["keep-open", "report-json"];
const TYPING_ONLY = ["dialog", "seconds", "refresh-ms"];

/**
 * Reads the demo's command line. `pnpm demo -- …` passes a leading `--`, which is skipped.
 * The webhook may come from `B24_WEBHOOK_URL`, the bot token from `B24_BOT_TOKEN`. Throws
 * {@link UsageError} for anything it cannot run — options of two modes mixed, a missing
 * webhook; an invalid dialog id names the accepted forms. Never quotes a token.
 *
 * @example
 * ```ts
 * parseArgs(["--", "--dialog", "chat5"], { B24_WEBHOOK_URL: "https://x.bitrix24.ru/rest/1/abc/" });
 * // { kind: "portal", dialogId: "chat5", seconds: 60, transport: "node", … }
 * parseArgs(["--bot"], { B24_WEBHOOK_URL: "https://x.bitrix24.ru/rest/1/abc/" });
 * // { kind: "bot", webhook: "https://x.bitrix24.ru/rest/1/abc/", transport: "node" }
 * ```
 */
export function parseArgs(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
): DemoCommand {
  const values = readOptions(argv[0] === "--" ? argv.slice(1) : argv);
  if (values.has("help")) return { kind: "help" };
  const webhook = values.get("webhook") ?? nonEmpty(env.B24_WEBHOOK_URL);
  if (values.has("bot")) return readBotMode(values, webhook, env);
  if (values.has("dialog")) return readTypingMode(values, webhook);

  const portalOnly = ["webhook", "transport", "seconds", "refresh-ms"].find((n) => values.has(n));
  if (portalOnly === "webhook" || portalOnly === "transport") {
    throw new UsageError(
      `--${portalOnly} needs --dialog ID (keep "typing…" alive there) or --bot (run the agent)`,
    );
  }
  if (portalOnly !== undefined) {
    throw new UsageError(`--${portalOnly} needs --dialog ID (the dialog to type in)`);
  }
  const reportJson = values.get("report-json");
  return {
    kind: "scene",
    keepOpen: values.has("keep-open"),
    ...(reportJson === undefined ? {} : { reportJson }),
  };
}

function readBotMode(
  values: Map<string, string>,
  webhook: string | undefined,
  env: Readonly<Record<string, string | undefined>>,
): DemoCommand {
  rejectOthers(values, SCENE_ONLY, "belongs to the scene mode; drop it or drop --bot");
  rejectOthers(
    values,
    TYPING_ONLY,
    "belongs to the typing mode; --bot answers wherever people write to it, until Ctrl-C. Drop one of them",
  );
  if (webhook === undefined) {
    throw new UsageError(
      '--bot needs a webhook with the "imbot" scope: pass --webhook URL or set B24_WEBHOOK_URL',
    );
  }
  const botToken = readBotToken(env.B24_BOT_TOKEN);
  return {
    kind: "bot",
    webhook: readWebhook(webhook),
    transport: readTransport(values.get("transport")),
    ...(botToken === undefined ? {} : { botToken }),
  };
}

function readTypingMode(values: Map<string, string>, webhook: string | undefined): DemoCommand {
  rejectOthers(values, SCENE_ONLY, "belongs to the scene mode; drop it or drop --dialog");
  if (webhook === undefined) {
    throw new UsageError("--dialog needs a webhook: pass --webhook URL or set B24_WEBHOOK_URL");
  }
  return {
    kind: "portal",
    webhook: readWebhook(webhook),
    dialogId: readDialog(values.get("dialog") as string),
    seconds: readNumber(values.get("seconds"), "seconds", DEFAULT_SECONDS, 1, MAX_SECONDS),
    transport: readTransport(values.get("transport")),
    refreshMs: readNumber(
      values.get("refresh-ms"),
      "refresh-ms",
      DEFAULT_REFRESH_MS,
      MIN_REFRESH_MS,
      MAX_REFRESH_MS,
    ),
  };
}

function rejectOthers(values: Map<string, string>, names: readonly string[], why: string): void {
  const given = names.find((name) => values.has(name));
  if (given !== undefined) throw new UsageError(`--${given} ${why}`);
}

// The token itself is never quoted, not even cut short.
function readBotToken(text: string | undefined): string | undefined {
  if (text === undefined || text === "") return undefined;
  if (text.trim() !== text || text.length > MAX_BOT_TOKEN_LENGTH) {
    throw new UsageError(
      `B24_BOT_TOKEN must be 1–${MAX_BOT_TOKEN_LENGTH} characters without surrounding spaces (the platform's limit); it has ${text.length}`,
    );
  }
  return text;
}

function readOptions(args: readonly string[]): Map<string, string> {
  const values = new Map<string, string>();
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    if (arg === "-h") {
      values.set("help", "");
      continue;
    }
    const match = /^--([a-z-]+)(?:=(.*))?$/s.exec(arg);
    const name = match?.[1];
    const kind = name === undefined ? undefined : OPTIONS[name];
    if (match === null || name === undefined || kind === undefined) {
      throw new UsageError(
        arg.startsWith("-") ? `unknown option ${quote(arg)}` : `unexpected argument ${quote(arg)}`,
      );
    }
    if (values.has(name)) throw new UsageError(`--${name} is given twice`);
    if (kind === "flag") {
      if (match[2] !== undefined) throw new UsageError(`--${name} takes no value`);
      values.set(name, "");
      continue;
    }
    const value = match[2] ?? args[++i];
    if (value === undefined || (match[2] === undefined && value.startsWith("--"))) {
      throw new UsageError(`--${name} needs a value`);
    }
    values.set(name, value);
  }
  return values;
}

function readWebhook(url: string): string {
  try {
    parseWebhookUrl(url);
    return url;
  } catch (error) {
    throw new UsageError(`--webhook: ${redactText((error as Error).message)}`);
  }
}

function readDialog(text: string): string {
  try {
    return formatDialogId(parseDialogId(text));
  } catch (error) {
    throw new UsageError(`--dialog: ${(error as Error).message}`);
  }
}

function readNumber(
  text: string | undefined,
  name: string,
  fallback: number,
  min: number,
  max: number,
): number {
  if (text === undefined) return fallback;
  const value = /^\d+(\.\d+)?$/.test(text) ? Number(text) : Number.NaN;
  if (!(value >= min && value <= max)) {
    throw new UsageError(`--${name} must be a number from ${min} to ${max}, got ${quote(text)}`);
  }
  return value;
}

function readTransport(text: string | undefined): TransportName {
  if (text === undefined || text === "node" || text === "fetch") return text ?? "node";
  throw new UsageError(`--transport must be "node" or "fetch", got ${quote(text)}`);
}

function nonEmpty(text: string | undefined): string | undefined {
  return text === undefined || text.trim() === "" ? undefined : text;
}

/** Quotes user input for a message, redacted and cut short: it may be a pasted webhook. */
function quote(input: string): string {
  const text = redactText(input);
  return JSON.stringify(text.length > 60 ? `${text.slice(0, 60)}…` : text);
}

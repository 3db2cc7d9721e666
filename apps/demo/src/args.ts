import { formatDialogId, parseDialogId, parseWebhookUrl, redactText } from "@b24im/core";

/** Which transport the real-portal mode sends through. */
export type TransportName = "node" | "fetch";

/** What the command line asked for. */
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

/** The default length of the real-portal run. */
export const DEFAULT_SECONDS = 60;
/** The default refresh interval of the real-portal run: the SDK's own default. */
export const DEFAULT_REFRESH_MS = 20_000;
const MAX_SECONDS = 3600;
const MIN_REFRESH_MS = 1000;
const MAX_REFRESH_MS = 30_000;

/** The short usage printed with every argument error. */
export const USAGE = `usage: pnpm demo                       play the scene on the embedded emulator
       pnpm demo -- --keep-open         …and leave its live page up until Ctrl-C
       pnpm demo -- --webhook URL --dialog ID [--seconds N] [--transport node|fetch]
                                         keep "typing…" alive in a dialog of a real portal
       pnpm demo -- --help               every option`;

/** The full `--help` text. */
export const HELP = `b24im demo: a bot that keeps "typing…" alive while it thinks.

${USAGE}

Scene mode (no --webhook/--dialog): starts the Bitrix24 emulator inside this process,
prints the address of its live page and plays a short scene in which a bot answers
questions in three dialogs, holding the typing indicator with whileTyping() while it
thinks, then posting its answer with im.message.add. Takes about 10 seconds, then exits.
  --keep-open           after the scene, keep the emulator and its page up until Ctrl-C

Real-portal mode (--dialog, with --webhook or B24_WEBHOOK_URL): keeps "typing…" alive
in one dialog of your portal and reports every refresh and any error in plain words.
The webhook code is never printed.
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

Ctrl-C stops typing cleanly and exits 130. Argument errors exit 2.
Through pnpm, pass options after "--": pnpm demo -- --help`;

type OptionKind = "flag" | "value";
const OPTIONS: Record<string, OptionKind> = {
  help: "flag",
  "keep-open": "flag",
  "report-json": "value",
  webhook: "value",
  dialog: "value",
  seconds: "value",
  transport: "value",
  "refresh-ms": "value",
};

/**
 * Reads the demo's command line. `pnpm demo -- …` passes a leading `--`, which is skipped.
 * The webhook may come from `B24_WEBHOOK_URL`. Throws {@link UsageError} for anything it
 * cannot run; an invalid dialog id names the accepted forms.
 *
 * @example
 * ```ts
 * parseArgs(["--", "--dialog", "chat5"], { B24_WEBHOOK_URL: "https://x.bitrix24.ru/rest/1/abc/" });
 * // { kind: "portal", dialogId: "chat5", seconds: 60, transport: "node", … }
 * ```
 */
export function parseArgs(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
): DemoCommand {
  const values = readOptions(argv[0] === "--" ? argv.slice(1) : argv);
  if (values.has("help")) return { kind: "help" };

  const webhook = values.get("webhook") ?? nonEmpty(env.B24_WEBHOOK_URL);
  const dialog = values.get("dialog");
  const portalOnly = ["webhook", "seconds", "transport", "refresh-ms"].filter((n) => values.has(n));
  if (dialog === undefined) {
    if (portalOnly.length > 0) {
      throw new UsageError(`--${portalOnly[0]} needs --dialog ID (the dialog to type in)`);
    }
    const reportJson = values.get("report-json");
    return {
      kind: "scene",
      keepOpen: values.has("keep-open"),
      ...(reportJson === undefined ? {} : { reportJson }),
    };
  }

  const sceneOnly = ["keep-open", "report-json"].find((n) => values.has(n));
  if (sceneOnly !== undefined) {
    throw new UsageError(`--${sceneOnly} belongs to the scene mode; drop it or drop --dialog`);
  }
  if (webhook === undefined) {
    throw new UsageError("--dialog needs a webhook: pass --webhook URL or set B24_WEBHOOK_URL");
  }
  return {
    kind: "portal",
    webhook: readWebhook(webhook),
    dialogId: readDialog(dialog),
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

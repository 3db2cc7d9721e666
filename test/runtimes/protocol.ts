// What the runner hands the suite and what the suite answers, shared by both sides. It
// travels as JSON: on stdin / stdout lines for Deno and Bun, as an HTTP exchange for workerd.

/** The suite's input: where the emulator is, and the timings the runner will check against. */
export interface SuiteInput {
  /** The emulator's base address, for its recipient view (`/_emulator/state`). */
  emulatorUrl: string;
  /** A webhook of user 1; its code is the secret no error may show. */
  webhookUrl: string;
  /** The same webhook on a port nobody listens on: a refused connection. */
  refusedWebhookUrl: string;
  /** A method the emulator never answers, twice: for the timeout check and the abort check. */
  hangingMethod: string;
  /** The lease the suite holds; the runner reads the emulator's statistics of it afterwards. */
  typing: { dialogId: string; refreshMs: number; holdMs: number };
  /** A v2 bot of the emulator's seed, for the @b24im/bot checks. */
  bot: BotInput;
}

/** The bot the suite (and, in workerd, the served webhook) answers as. */
export interface BotInput {
  botId: number;
  botToken: string;
  /** What the emulator signs this bot's webhook events with (top-level auth[application_token]). */
  applicationToken: string;
  /** A group chat the bot is a member of. */
  dialogId: string;
}

/** One check's outcome, as the suite reports it. */
export interface CheckResult {
  check: string;
  ok: boolean;
  ms: number;
  /** Why it failed (never the webhook code: the runner masks it again before printing). */
  detail?: string;
}

/** A line of the Deno / Bun suite's stdout: one per check, then one at the end. */
export type SuiteLine = ({ type: "check" } & CheckResult) | { type: "end"; runtime: string };

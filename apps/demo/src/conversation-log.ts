import type { AgentStatus, MessageContext } from "@b24im/bot";
import { type AgentObserver, type AgentReply, plainText } from "./agent.js";
import { describeError } from "./describe-error.js";
import { seconds, shorten, stamp } from "./format.js";

/**
 * Options of {@link ConversationLog}.
 *
 * @example
 * ```ts
 * const options: ConversationLogOptions = { write: (line) => console.log(line), botName: "Helper", where: (ctx) => ctx.dialogId };
 * const log = new ConversationLog(options);
 * ```
 */
export interface ConversationLogOptions {
  /** Writes one finished line (no newline). */
  write(line: string): void;
  /** The bot's name as people see it. */
  botName: string;
  /** How to name the dialog of a message. */
  where(ctx: MessageContext): string;
  now?: () => number;
}

// People's messages are quoted on one line, shortened: this is a log, not the chat.
const QUOTE_LENGTH = 120;

/**
 * The agent's conversations in plain words, one stamped line per thing that happened: a
 * message received, each status shown, the answer, a stop. For the bot mode on a real portal
 * and for `--keep-open` after the scene.
 *
 * @example
 * ```ts
 * const log = new ConversationLog({ write: (line) => console.log(line), botName: "Helper", where: (ctx) => ctx.dialogId });
 * bot.on("message", createAgent({ plan, observer: log, stop }));
 * // [ 12.3 s] chat1 · Boris Petrov wrote: “@Helper hi” (event #7)
 * // [ 12.3 s] chat1 · Helper is thinking…
 * ```
 */
export class ConversationLog implements AgentObserver {
  readonly #now: () => number;
  readonly #startedAt: number;
  #answered = 0;

  constructor(readonly o: ConversationLogOptions) {
    this.#now = o.now ?? Date.now;
    this.#startedAt = this.#now();
  }

  /** How many answers were posted. */
  get answers(): number {
    return this.#answered;
  }

  /** Writes a stamped line. */
  say(line: string): void {
    this.o.write(`${stamp(this.#now() - this.#startedAt)} ${line}`);
  }

  received(ctx: MessageContext): void {
    const text = shorten(plainText(ctx.message.text), QUOTE_LENGTH);
    const event = ctx.event.eventId === undefined ? "" : ` (event #${ctx.event.eventId})`;
    this.say(`${this.o.where(ctx)} · ${ctx.user.name} wrote: “${text}”${event}`);
  }

  status(ctx: MessageContext, status: AgentStatus): void {
    this.say(`${this.o.where(ctx)} · ${this.o.botName} is ${statusWords(status)}…`);
  }

  answered(ctx: MessageContext, reply: AgentReply): void {
    this.#answered++;
    // Whole and unquoted: the agent's own words, which may quote the person.
    const after = seconds(reply.tookMs);
    this.say(`${this.o.where(ctx)} · ${this.o.botName} answered after ${after}: ${reply.text}`);
  }

  interrupted(ctx: MessageContext, apologised: boolean): void {
    const told = apologised ? " and said so" : "; it could not even say so";
    this.say(`${this.o.where(ctx)} · ${this.o.botName} was stopped before answering${told}`);
  }

  /** The bot's `onError`, in plain words. */
  trouble(error: unknown): void {
    this.say(`trouble: ${describeError(error, "imbot")}`);
  }
}

/**
 * A status in words: `"THINKING"` → `"thinking"`, `"IMBOT_AGENT_ACTION_READING_DOCS"` →
 * `"reading docs"`.
 *
 * @example
 * ```ts
 * statusWords("SEARCHING"); // "searching"
 * ```
 */
export function statusWords(status: AgentStatus): string {
  return status
    .replace(/^IMBOT_AGENT_ACTION_/, "")
    .toLowerCase()
    .replaceAll("_", " ");
}

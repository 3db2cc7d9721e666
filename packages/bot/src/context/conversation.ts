import {
  type B24Error,
  ConfigError,
  checkDelay,
  imbotV2InputActionNotify,
  isFunction,
  isObject,
  need,
  type TypingLease,
} from "@b24im/core";
import { type BotRuntime, botParams } from "../bot-runtime.js";
import type { BotEvent } from "../events/types.js";
import { checkSignalOptions } from "../signal-options.js";
import { type AgentStatus, statusMessageCode } from "./agent-status.js";

/**
 * The longest message the platform takes (`imbot.v2.Chat.Message.send`).
 *
 * @example
 * ```ts
 * const parts = answer.match(new RegExp(`[\\s\\S]{1,${MAX_MESSAGE_LENGTH}}`, "g")) ?? [];
 * for (const part of parts) await ctx.reply(part);
 * ```
 */
export const MAX_MESSAGE_LENGTH = 20_000;

/**
 * How often `think()` refreshes the indicator by default (`thinkRefreshMs`). A v2 indicator
 * lasts the `duration` its event asks for, so a minute between events (each asking for 75 s)
 * keeps it up with a third of the requests `im.dialog.writing` needs; a crashed process
 * leaves it up for at most that.
 *
 * @example
 * ```ts
 * createBot({ client, botId, botToken, thinkRefreshMs: THINK_REFRESH_MS / 2 });
 * ```
 */
export const THINK_REFRESH_MS = 60_000;

/**
 * Options of `ctx.think()`.
 *
 * @example
 * ```ts
 * await ctx.think(job, { status: "SEARCHING", maxDurationMs: 120_000 });
 * ```
 */
export interface ThinkOptions {
  /** What recipients read first; default `"THINKING"` ("Agent is thinking…"). */
  status?: AgentStatus | undefined;
  /** The indicator stops by itself after this long and the job's signal aborts; default 300 000. */
  maxDurationMs?: number | undefined;
}

/**
 * Options of `ctx.reply()`.
 *
 * @example
 * ```ts
 * await ctx.reply("Done.", { signal: AbortSignal.timeout(10_000) });
 * ```
 */
export interface ReplyOptions {
  signal?: AbortSignal | undefined;
  /**
   * Never post this answer twice: send it again only after a failure that surely did not
   * reach the portal (a refused connection, a 503 or 429 refusal), and reject after a
   * timeout, a reset or a proxy error page, which may have come after the portal posted it.
   * Default `false`: an answer is retried like any call — it is not lost to a passing
   * failure, and in the rare case that such a failure came after the portal posted it, it
   * appears twice.
   */
  onlyOnce?: boolean | undefined;
}

/**
 * The job `think()` runs: it gets a signal (aborted when the think gives up at
 * `maxDurationMs`) and `status()`, which switches what recipients read at once.
 *
 * @example
 * ```ts
 * const job: ThinkJob<string> = async (signal, status) => {
 *   const hits = await search(question, { signal });
 *   status("COMPOSING");
 *   return compose(hits, { signal });
 * };
 * ```
 */
export type ThinkJob<T> = (signal: AbortSignal, status: (code: AgentStatus) => void) => Promise<T>;

/**
 * Answering in one dialog on behalf of one event: the indicator while jobs think, the
 * answers, and the clean-up when the handler is done.
 *
 * @example
 * ```ts
 * const conversation = createConversation(runtime, "chat5", event);
 * const answer = await conversation.think((signal) => ask(signal));
 * await conversation.reply(answer);
 * await conversation.finish();
 * ```
 */
export interface Conversation {
  reply(text: string, options?: ReplyOptions): Promise<number>;
  think<T>(job: ThinkJob<T>, options?: ThinkOptions): Promise<T>;
  /** Called once the handlers settled: ends an indicator that no answer ended. */
  finish(): Promise<void>;
}

/**
 * Makes the {@link Conversation} behind a handler's `ctx.reply()` and `ctx.think()`.
 *
 * - `think()` keeps the bot's v2 indicator ("Agent is thinking…") alive through the client's
 *   typing scheduler — shared leases, batched refreshes, `maxDurationMs` — and settles
 *   exactly as its job does.
 * - `reply()` ends the indicator: the open leases stop and any event still on its way
 *   settles before the message goes, so no late refresh shows "thinking…" under the answer.
 *   A `status()` call after a reply shows the indicator again.
 * - `finish()`: when an indicator went up and no message followed (the job threw, or the
 *   handler chose not to answer), one last event with a one-second `duration` takes it down
 *   instead of leaving it up for the rest of its `duration`.
 *
 * @example
 * ```ts
 * const conversation = createConversation(runtime, "1", event);
 * ```
 */
export function createConversation(
  runtime: BotRuntime,
  dialogId: string,
  event: BotEvent,
): Conversation {
  // Every lease since the last answer, open or stopped: an answer waits until none of them
  // has an event on its way.
  const leases = new Set<TypingLease>();
  // The status recipients may still see: set while an indicator may be up, cleared by an answer.
  let shown: string | undefined;

  const endIndicator = async () => {
    const open = [...leases];
    leases.clear();
    for (const lease of open) lease.stop();
    await Promise.all(open.map((lease) => lease.settled()));
  };

  const openLease = (code: string, maxDurationMs: number, abort: (reason: B24Error) => void) => {
    const lease = runtime.client.typing(dialogId, {
      as: { ...botParams(runtime), v2: true, statusMessageCode: code },
      refreshMs: runtime.thinkRefreshMs,
      maxDurationMs,
      onError: (error) => {
        if (error.code === "TYPING_MAX_DURATION") abort(error);
        runtime.report(error, event);
      },
    });
    leases.add(lease);
    shown = code;
    return lease;
  };

  return {
    async reply(text, options) {
      need(
        typeof text === "string" && text.length > 0 && text.length <= MAX_MESSAGE_LENGTH,
        "text",
        `a non-empty string of at most ${MAX_MESSAGE_LENGTH} characters (the platform's limit; split a longer answer)`,
        text,
      );
      const { signal, onlyOnce = false } = checkReplyOptions(options);
      await endIndicator();
      const result = await runtime.client.call<{ id?: unknown }>(
        "imbot.v2.Chat.Message.send",
        { ...botParams(runtime), dialogId, fields: { message: text } },
        { signal, idempotent: !onlyOnce },
      );
      shown = undefined;
      return Number(result?.id);
    },

    async think(job, options) {
      need(isFunction(job), "job", "a function (signal, status) => Promise", job);
      const { status = "THINKING", maxDurationMs = 300_000 } = checkThinkOptions(options);
      let code = statusMessageCode(status);
      const controller = new AbortController();
      const abort = (reason: B24Error) => controller.abort(reason);
      let lease = openLease(code, maxDurationMs, abort);
      let done = false;
      const setStatus = (next: AgentStatus) => {
        code = statusMessageCode(next);
        if (done || controller.signal.aborted) return;
        // After a reply the indicator is down: a new status puts it up again.
        if (leases.has(lease)) lease.setStatus(code);
        else lease = openLease(code, maxDurationMs, abort);
        shown = code;
      };
      try {
        return await job(controller.signal, setStatus);
      } finally {
        done = true;
        lease.stop();
      }
    },

    async finish() {
      const code = shown;
      await endIndicator();
      if (code === undefined) return;
      shown = undefined;
      try {
        const call = imbotV2InputActionNotify({
          dialogId,
          ...botParams(runtime),
          statusMessageCode: code,
          duration: 1,
        });
        await runtime.client.call(call.method, call.params);
      } catch (error) {
        runtime.report(error, event);
      }
    },
  };
}

function checkReplyOptions(given: ReplyOptions | undefined): ReplyOptions {
  const options = checkSignalOptions(given);
  need(
    options.onlyOnce === undefined || typeof options.onlyOnce === "boolean",
    "onlyOnce",
    "true or false",
    options.onlyOnce,
  );
  return options;
}

function checkThinkOptions(options: ThinkOptions | undefined): ThinkOptions {
  if (options === undefined) return {};
  if (!isObject(options)) {
    throw new ConfigError("options", "think options must be an object such as { status }");
  }
  if (options.maxDurationMs !== undefined) {
    checkDelay("maxDurationMs", options.maxDurationMs, { above: true, infinite: true });
  }
  return options;
}

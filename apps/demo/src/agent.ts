import { setTimeout as sleep } from "node:timers/promises";
import type { AgentStatus, MessageContext } from "@b24im/bot";
import { shorten } from "./format.js";

/**
 * One stretch of the agent's work: the status recipients read, and for how long.
 *
 * @example
 * ```ts
 * const step: ThinkStep = { status: "SEARCHING", ms: 2_400 };
 * ```
 */
export interface ThinkStep {
  status: AgentStatus;
  ms: number;
}

/**
 * How the agent answers one message: what it shows while it works, then what it says.
 *
 * @example
 * ```ts
 * const plan: AgentPlan = {
 *   steps: [{ status: "THINKING", ms: 1_000 }, { status: "SEARCHING", ms: 1_500 }],
 *   answer: "10:00, as usual, in the small meeting room.",
 * };
 * ```
 */
export interface AgentPlan {
  /** The first step's status is what the line opens with; no steps: an answer at once. */
  steps: readonly ThinkStep[];
  answer: string;
}

/**
 * What the agent reports as it works; every method is optional.
 *
 * @example
 * ```ts
 * const observer: AgentObserver = { answered: (ctx, reply) => play.answered(ctx.message.id, reply) };
 * bot.on("message", createAgent({ plan: (ctx) => echoPlan(ctx.message.text), observer, stop: signal }));
 * ```
 */
export interface AgentObserver {
  /** A person's message reached the agent; it starts working on it. */
  received?(ctx: MessageContext): void;
  /** The agent switched to this status (the first step's status included). */
  status?(ctx: MessageContext, status: AgentStatus): void;
  /** The answer was posted. */
  answered?(ctx: MessageContext, reply: AgentReply): void;
  /** Stopped (Ctrl-C) before the answer: `apologised` when the person was told so. */
  interrupted?(ctx: MessageContext, apologised: boolean): void;
}

/**
 * The answer the agent posted.
 *
 * @example
 * ```ts
 * const reply: AgentReply = { messageId: 42, text: "Friday.", tookMs: 3_900 };
 * log.answered(ctx, reply); // "… Helper answered after 3.9 s: Friday."
 * ```
 */
export interface AgentReply {
  /** The new message's id. */
  messageId: number;
  text: string;
  /** From the moment the message reached the agent to the posted answer. */
  tookMs: number;
}

/**
 * Options of {@link createAgent}.
 *
 * @example
 * ```ts
 * const options: AgentOptions = { plan: (ctx) => echoPlan(ctx.message.text), observer: log, stop: signal };
 * bot.on("message", createAgent(options));
 * ```
 */
export interface AgentOptions {
  /** The plan for a message. */
  plan(ctx: MessageContext): AgentPlan;
  observer?: AgentObserver;
  /** Ctrl-C: running work stops at once and the person gets a short apology instead of silence. */
  stop: AbortSignal;
  now?: () => number;
}

/**
 * What the agent says when it was stopped before it could answer.
 *
 * @example
 * ```ts
 * await ctx.reply(APOLOGY, { signal: AbortSignal.timeout(5_000) });
 * ```
 */
export const APOLOGY = "Sorry: I was stopped before I could answer. Please ask me again later.";
// The apology must not hold up a stop when the portal does not answer.
const APOLOGY_TIMEOUT_MS = 5_000;

/**
 * The demo's agent: a `message` handler for `@b24im/bot` that plays an LLM agent. It holds
 * the v2 status line with `ctx.think()` for the whole job, switching what recipients read
 * ("Agent is thinking…" → "…searching…" → "…composing…") step by step as its plan says,
 * then posts the plan's answer with `ctx.reply()`, which ends the line. Messages from bots
 * are ignored, so two bots never talk to each other forever.
 *
 * @example
 * ```ts
 * bot.on("message", createAgent({ plan: (ctx) => echoPlan(ctx.message.text), stop: signal }));
 * ```
 */
export function createAgent(o: AgentOptions): (ctx: MessageContext) => Promise<void> {
  const now = o.now ?? Date.now;
  return async (ctx) => {
    if (ctx.user.bot) return;
    const startedAt = now();
    o.observer?.received?.(ctx);
    const plan = o.plan(ctx);
    const [first] = plan.steps;
    try {
      if (o.stop.aborted) throw o.stop.reason;
      if (first !== undefined)
        await ctx.think(
          async (signal, status) => {
            const stopped = AbortSignal.any([signal, o.stop]);
            for (const step of plan.steps) {
              // The first status is already up: think() opened the line with it.
              if (step !== first) status(step.status);
              o.observer?.status?.(ctx, step.status);
              await sleep(step.ms, undefined, { signal: stopped });
            }
          },
          { status: first.status },
        );
    } catch (error) {
      if (!o.stop.aborted) throw error;
      const apologised = await ctx
        .reply(APOLOGY, { signal: AbortSignal.timeout(APOLOGY_TIMEOUT_MS) })
        .then(
          () => true,
          () => false,
        );
      o.observer?.interrupted?.(ctx, apologised);
      return;
    }
    const messageId = await ctx.reply(plan.answer);
    o.observer?.answered?.(ctx, { messageId, text: plan.answer, tookMs: now() - startedAt });
  };
}

/**
 * The plan for a message nobody scripted (the live page's message box, a real portal): a few
 * seconds of plausible agent work, then an answer that quotes the message and says what the
 * person just watched.
 *
 * @example
 * ```ts
 * echoPlan("[USER=5]Helper[/USER] hello").answer; // 'You wrote “@Helper hello”. …'
 * ```
 */
export function echoPlan(text: string): AgentPlan {
  const steps: ThinkStep[] = [
    { status: "THINKING", ms: 1_200 },
    { status: "SEARCHING", ms: 2_400 },
    { status: "COMPOSING", ms: 1_400 },
  ];
  const quoted = shorten(plainText(text), 200);
  const total = steps.reduce((sum, step) => sum + step.ms, 0) / 1000;
  const answer =
    `You wrote “${quoted}”. I am the b24im demo agent, with no model behind me: for ${total} s ` +
    `I showed what an agent built on @b24im/bot shows while its model works.`;
  return { steps, answer };
}

/**
 * A message as a person reads it: the portal's mention BB-code `[USER=5]Helper[/USER]`
 * becomes `@Helper`, and runs of white space one space.
 *
 * @example
 * ```ts
 * plainText("[USER=5]Helper[/USER]  what's new?"); // "@Helper what's new?"
 * ```
 */
export function plainText(text: string): string {
  return text
    .replace(/\[user=\d+\]([^[]*)\[\/user\]/gi, "@$1")
    .replace(/\s+/g, " ")
    .trim();
}

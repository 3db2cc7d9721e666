import type { MessageContext } from "@b24im/bot";
import type { AgentObserver, AgentReply } from "./agent.js";
import { plainText } from "./agent.js";
import { describeError } from "./describe-error.js";
import { pageDialogId } from "./dialog-names.js";
import { seconds, shorten } from "./format.js";
import type { LiveView } from "./live-view.js";
import type { RecipientView } from "./recipients.js";
import type { MeteredRequest, RequestMeter } from "./request-meter.js";
import { summarizeRequest } from "./request-meter.js";
import { type SceneStep, stepName } from "./scene.js";

/**
 * Who the dashboard reports about.
 *
 * @example
 * ```ts
 * const cast: DashboardCast = { view, meter, recipients, bot: SCENE_BOT, nameOf: (id) => userName(id) };
 * const dashboard = new SceneDashboard(cast);
 * ```
 */
export interface DashboardCast {
  view: LiveView;
  meter: RequestMeter;
  /** What recipients see, read after each typing event the portal answered. */
  recipients: RecipientView;
  bot: { id: number; name: string };
  /** A person's full name. */
  nameOf(userId: number): string;
  now?: () => number;
}

// Messages typed on the live page during the scene are quoted shortened: it is a log line.
const QUOTE_LENGTH = 200;

/**
 * Joins the scene, the agent and the bot's client into the live view. Each question, pick-up
 * and answer becomes a log line; each request the bot sends updates the counts of the
 * dialogs it carried; and after each typing event the portal answered, the dialog's line
 * shows what recipients now read there ("Agent is searching…"), taken from
 * the portal itself rather than from what the bot meant to show.
 *
 * @example
 * ```ts
 * const dashboard = new SceneDashboard({ view, meter, recipients, bot: { id: 5, name: "Helper" }, nameOf });
 * const client = createClient({ webhook, transport, hooks: {
 *   onRequest: (e) => dashboard.botRequest(e.request),
 *   onResponse: (e) => dashboard.botResponse(e.request),
 * } });
 * ```
 */
export class SceneDashboard implements AgentObserver {
  readonly #askedAt = new Map<number, number>();
  readonly #seen = new Map<string, string[]>();
  readonly #now: () => number;

  constructor(readonly cast: DashboardCast) {
    this.#now = cast.now ?? Date.now;
  }

  /** The scene posted a question. */
  asked(step: SceneStep, messageId: number): void {
    this.#askedAt.set(messageId, this.#now());
    const asker = this.cast.nameOf(step.askerId);
    this.cast.view.log(`${stepName(step)} · ${asker} asks: ${step.question}`);
    this.cast.view.update(step.dialogId, { phase: "asked" }, false);
  }

  received(ctx: MessageContext): void {
    const id = this.#pageId(ctx);
    const askedAt = this.#askedAt.get(ctx.message.id);
    const name = this.cast.recipients.name(id);
    if (askedAt === undefined) {
      // Someone typing on the live page while the scene plays.
      const text = shorten(plainText(ctx.message.text), QUOTE_LENGTH);
      this.cast.view.log(`${name} · ${ctx.user.name} writes: ${text}`);
    } else {
      const after = seconds(this.#now() - askedAt);
      this.cast.view.log(
        `${name} · ${this.cast.bot.name} picked it up, ${after} after it was asked`,
      );
    }
    this.cast.view.update(id, { phase: "thinking", status: undefined, since: undefined }, false);
  }

  answered(ctx: MessageContext, reply: AgentReply): void {
    const id = this.#pageId(ctx);
    const askedAt = this.#askedAt.get(ctx.message.id) ?? this.#now() - reply.tookMs;
    this.cast.view.update(id, {
      phase: "answered",
      status: undefined,
      tookMs: this.#now() - askedAt,
      ...this.#counts(ctx.dialogId),
    });
    // Whole: the answer is the point of the scene (a long log line wraps, the block does not).
    this.cast.view.log(
      `${this.cast.recipients.name(id)} · ${this.cast.bot.name} answers: ${reply.text}`,
    );
  }

  interrupted(ctx: MessageContext, apologised: boolean): void {
    const note = apologised ? "stopped by Ctrl-C (apologised)" : "stopped by Ctrl-C";
    this.cast.view.update(this.#pageId(ctx), { phase: "failed", status: undefined, note });
  }

  /** The bot's `onError`: a handler, poll or typing failure, in plain words. */
  trouble(error: unknown): void {
    this.cast.view.log(`trouble: ${describeError(error, "imbot")}`);
  }

  /** The bot client's `onRequest` hook: counts the request and updates the dialogs it carried. */
  botRequest(request: MeteredRequest): void {
    const summary = this.cast.meter.record(request, this.#now());
    for (const dialog of new Set(summary.dialogs)) {
      const id = pageDialogId(dialog, this.cast.bot.id);
      const row = this.cast.view.row(id);
      if (row === undefined) continue;
      const counts = row.phase === "thinking" ? this.#counts(dialog) : {};
      this.cast.view.update(
        id,
        { requests: this.cast.meter.requestsFor(dialog), ...counts },
        false,
      );
    }
  }

  /**
   * The bot client's `onResponse` hook: after a typing event was answered, each dialog it
   * went to shows (and, off a TTY, logs) what recipients read there now.
   */
  botResponse(request: MeteredRequest): void {
    const dialogs = new Set(summarizeRequest(request).typing.map((sent) => sent.dialogId));
    for (const dialog of dialogs) {
      const id = pageDialogId(dialog, this.cast.bot.id);
      if (this.cast.view.row(id)?.phase !== "thinking") continue;
      const line = this.cast.recipients.line(id);
      if (line === undefined) continue;
      const seen = this.#seen.get(id) ?? [];
      if (seen.at(-1) !== line.text) this.#seen.set(id, [...seen, line.text]);
      this.cast.view.update(id, { status: line.text, since: line.since, ...this.#counts(dialog) });
    }
  }

  /** Each status text recipients read in a dialog (the page's id), in order, once per change. */
  textsSeen(pageId: string): string[] {
    return [...(this.#seen.get(pageId) ?? [])];
  }

  #counts(dialog: string): { statuses: number; refreshes: number } {
    const { meter } = this.cast;
    return { statuses: meter.statusChanges(dialog), refreshes: meter.refreshes(dialog) };
  }

  #pageId(ctx: MessageContext): string {
    return pageDialogId(ctx.dialogId, this.cast.bot.id);
  }
}

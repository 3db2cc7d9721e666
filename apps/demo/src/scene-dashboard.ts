import { describeError } from "./describe-error.js";
import type { LiveView } from "./live-view.js";
import type { MeteredRequest, RequestMeter } from "./request-meter.js";
import type { SceneObserver, SceneStep, StepResult } from "./scene.js";

/**
 * Joins what the scene does and what the bot's client sends into the live view: each
 * question and answer becomes a log line, each request the bot sends updates the counts of
 * the dialogs it carried, and each typing event during thinking counts as a refresh after
 * the first.
 *
 * @example
 * ```ts
 * const dashboard = new SceneDashboard(view, meter, (id) => `user ${id}`);
 * const bot = createClient({ webhook, transport, hooks: { onRequest: (e) => dashboard.botRequest(e.request) } });
 * await playScene(SCENE, { bot, askers, typingEvents: (id) => meter.typingEvents(id), refreshMs, observer: dashboard });
 * ```
 */
export class SceneDashboard implements SceneObserver {
  readonly #eventsBeforeTyping = new Map<string, number>();

  constructor(
    readonly view: LiveView,
    readonly meter: RequestMeter,
    readonly nameOf: (userId: number) => string,
    readonly botUserId: number,
    readonly now: () => number = Date.now,
  ) {}

  /** The bot's `onRequest` hook: counts the request and updates the dialogs it carried. */
  botRequest(request: MeteredRequest): void {
    const summary = this.meter.record(request, this.now());
    for (const id of new Set(summary.dialogs)) {
      const row = this.view.row(id);
      if (row === undefined) continue;
      const typing = row.phase === "typing";
      const refreshes = typing ? this.#refreshes(id) : row.refreshes;
      const announce = typing && summary.typingIn.includes(id);
      this.view.update(id, { requests: this.meter.requestsFor(id), refreshes }, announce);
    }
  }

  asked(step: SceneStep): void {
    this.view.log(`${step.dialogId.padEnd(6)} ${this.nameOf(step.askerId)} asks: ${step.question}`);
    this.view.update(step.dialogId, { phase: "asked" }, false);
  }

  typingStarted(step: SceneStep, at: number): void {
    this.#eventsBeforeTyping.set(step.dialogId, this.meter.typingEvents(step.dialogId));
    this.view.update(step.dialogId, { phase: "typing", typingSince: at, refreshes: 0 }, false);
  }

  answered(step: SceneStep, result: StepResult): void {
    this.view.update(step.dialogId, {
      phase: "answered",
      typingMs: result.typingMs,
      refreshes: result.refreshes,
    });
    this.view.log(
      `${step.dialogId.padEnd(6)} ${this.nameOf(this.botUserId)} answers: ${result.answer}`,
    );
  }

  typingError(error: Error, dialogId: string): void {
    this.view.log(`${dialogId.padEnd(6)} typing trouble: ${describeError(error)}`);
  }

  #refreshes(dialogId: string): number {
    const before = this.#eventsBeforeTyping.get(dialogId) ?? 0;
    return Math.max(0, this.meter.typingEvents(dialogId) - before - 1);
  }
}

import type { EmulatorCounters, EmulatorState, TypingStat } from "@b24im/emulator";
import { count, seconds } from "./format.js";
import type { RequestMeter } from "./request-meter.js";
import { botDialogId, type SceneStep, type StepResult, stepName } from "./scene.js";

/**
 * What the summary reads: the emulator's records, and the bot's own request count.
 *
 * @example
 * ```ts
 * const input: SummaryInput = { steps: SCENE, results, state: emulator.state(), stats: emulator.typingStats(),
 *   counters: emulator.counters, meter, botId: registered.id, lineLifeMs: SCENE_LINE_LIFE_MS };
 * out.write(sceneSummary(input));
 * ```
 */
export interface SummaryInput {
  steps: readonly SceneStep[];
  results: readonly StepResult[];
  state: EmulatorState;
  stats: readonly TypingStat[];
  counters: Readonly<EmulatorCounters>;
  /** What the bot sent: its status changes per dialog, requests by kind, the bucket estimate. */
  meter: RequestMeter;
  botId: number;
  /** How long each status event keeps the line up (its `duration`). */
  lineLifeMs: number;
}

/**
 * One dialog's numbers, as the emulator recorded them.
 *
 * @example
 * ```ts
 * const figures: DialogFigures = dialogFigures(input, step, result);
 * figures.lapses; // 0: the status line never went out
 * ```
 */
export interface DialogFigures {
  /** From the question to the answer, by the emulator's message times. */
  waitedMs: number;
  /** From the bot's first status event to its answer. */
  lineUpMs: number;
  events: number;
  statuses: number;
  refreshes: number;
  maxGapMs: number;
  lapses: number;
}

/**
 * A step's numbers from the emulator's records: message times from its state, status events
 * from its typing statistics. Which events changed the status comes from the bot's meter
 * (the emulator counts events, not what they showed).
 *
 * @example
 * ```ts
 * dialogFigures(input, SCENE[0], results[0]); // { waitedMs: 9100, lineUpMs: 8600, events: 6, … }
 * ```
 */
export function dialogFigures(
  input: SummaryInput,
  step: SceneStep,
  result: StepResult | undefined,
): DialogFigures {
  const messages = input.state.dialogs.find((d) => d.id === step.dialogId)?.messages ?? [];
  const question = messages.find((m) => m.id === result?.questionId);
  const answer = messages.find((m) => m.id === result?.answerId);
  const stat = input.stats.find(
    (s) => s.dialogId === botDialogId(step) && s.senderId === input.botId,
  );
  const statuses = input.meter.statusChanges(botDialogId(step));
  const answeredAt = answer?.at ?? 0;
  return {
    waitedMs: question === undefined ? 0 : answeredAt - question.at,
    lineUpMs: stat === undefined ? 0 : answeredAt - stat.firstAt,
    events: stat?.events ?? 0,
    statuses,
    refreshes: Math.max(0, (stat?.events ?? 0) - statuses),
    maxGapMs: stat?.maxGapMs ?? 0,
    lapses: stat?.lapses ?? 0,
  };
}

/**
 * The summary printed after the scene: per dialog how long the person waited, how long the
 * status line was up and what kept it up; whether it ever went out; the requests spent and
 * how many the portal rejected — read from the emulator, not from what the bot meant to do.
 *
 * @example
 * ```ts
 * out.write(sceneSummary({ steps: SCENE, results, state: emulator.state(), stats: emulator.typingStats(), … }));
 * ```
 */
export function sceneSummary(input: SummaryInput): string {
  const figures = input.steps.map((step, i) => dialogFigures(input, step, input.results[i]));
  const width = Math.max(...input.steps.map((step) => stepName(step).length));
  const lapses = figures.reduce((sum, f) => sum + f.lapses, 0);
  const longestGap = Math.max(0, ...figures.map((f) => f.maxGapMs));
  const lineUp = figures.reduce((sum, f) => sum + f.lineUpMs, 0);
  const refreshes = figures.reduce((sum, f) => sum + f.refreshes, 0);
  const statuses = figures.reduce((sum, f) => sum + f.statuses, 0);
  const { kinds } = input.meter;
  const { counters } = input;
  const life = seconds(input.lineLifeMs);
  const dialogs = new Set(input.results.map((r) => r.dialogId)).size;
  const { batches: batched } = input.meter;
  const batches =
    batched === 0 ? "" : ` (${batched} of them ${batched === 1 ? "a batch" : "batches"})`;
  const lines = [
    "",
    `Scene complete: ${count(input.results.length, "question")} answered in ${count(dialogs, "dialog")}.`,
    ...input.steps.map((step, i) => {
      const f = figures[i] as DialogFigures;
      return `  ${stepName(step).padEnd(width)}  answered after ${seconds(f.waitedMs)} · status line up ${seconds(f.lineUpMs)} · ${count(f.statuses, "status", "statuses")}, ${count(f.refreshes, "refresh", "refreshes")}`;
    }),
    `  The status lines were up ${seconds(lineUp)} in all: ${count(statuses, "status change", "status changes")} and ${count(refreshes, "refresh", "refreshes")}.`,
    lapses === 0
      ? `  They never went out: the longest gap between two events was ${seconds(longestGap)}, under the ${life} each event asks for.`
      : `  They went out ${count(lapses, "time")} (longest gap ${seconds(longestGap)}; each event asks for ${life}).`,
    `  Budget: ${count(counters.requests, "request")} reached the portal — ${count(kinds.poll, "poll")}, ${kinds.typing} typing${batches}, ${count(kinds.message, "message")}, ${kinds.other} other; its bucket peaked at ≈${input.meter.peakLevel.toFixed(1)} of ${input.meter.budget.bucketSize}.`,
    `  The portal rejected ${counters.rejected503} with 503 (rate limit) and ${counters.rejected429} with 429 (operating time).`,
    "",
  ];
  return `${lines.join("\n")}\n`;
}

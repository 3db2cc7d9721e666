import { setTimeout as sleep } from "node:timers/promises";
import type { EmulatorSeed } from "@b24im/emulator";
import { seconds } from "./format.js";
import type { DialogRow } from "./live-view.js";

/** What the scene needs of a client: `call`, and `whileTyping` for the bot. */
export interface SceneClient {
  call(
    method: string,
    params?: Record<string, unknown>,
    o?: { signal?: AbortSignal },
  ): Promise<unknown>;
}

/** The bot's client. `@b24im/core`'s client fits. */
export interface SceneBot extends SceneClient {
  whileTyping<T>(
    dialogId: string,
    job: (signal: AbortSignal) => Promise<T>,
    o?: {
      refreshMs?: number;
      signal?: AbortSignal;
      onError?: (error: Error, dialogId: string) => void;
    },
  ): Promise<T>;
}

/** What the bot measured while it thought, for its answer. */
export interface ThinkingFacts {
  thinkMs: number;
  refreshes: number;
}

/** One question and its answer. */
export interface SceneStep {
  /** Where the bot types and answers. */
  dialogId: string;
  title: string;
  askerId: number;
  /** The dialog id as the asker writes it (a private dialog is the other person's id). */
  askIn: string;
  /** When the question is posted, ms after the scene starts. */
  askAtMs: number;
  /** The pause before the bot starts typing: it reads first. */
  readMs: number;
  /** How long the bot "thinks" while typing. */
  thinkMs: number;
  question: string;
  answer(facts: ThinkingFacts): string;
}

/** The bot's user id in {@link SCENE_SEED}: the webhook it answers through belongs to it. */
export const BOT_USER_ID = 1;

/** The scene's portal: the bot, three people who ask, two chats and a private dialog. */
export const SCENE_SEED: EmulatorSeed = {
  memberId: "b24im-demo",
  users: [
    { id: BOT_USER_ID, name: "Helper", lastName: "Bot" },
    { id: 2, name: "Boris", lastName: "Petrov" },
    { id: 3, name: "Clara", lastName: "Ivanova" },
    { id: 4, name: "Dmitry", lastName: "Smirnov" },
  ],
  chats: [
    { id: 1, title: "General", members: [1, 2, 3, 4] },
    { id: 2, title: "Project Alpha", members: [1, 2, 4] },
  ],
  webhooks: [
    { userId: 1, code: "demo0bot0webhook0k7q2" },
    { userId: 2, code: "demo0boris0webhook0x4" },
    { userId: 3, code: "demo0clara0webhook0m9" },
    { userId: 4, code: "demo0dmitry0webhook08" },
  ],
};

const aside = ({ thinkMs, refreshes }: ThinkingFacts): string =>
  refreshes === 0
    ? `(I thought for ${seconds(thinkMs)}: one typing event was enough.)`
    : `(I thought for ${seconds(thinkMs)}; b24im refreshed my "typing…" ${times(refreshes)}, so it never went out.)`;

/**
 * The script: three questions in three dialogs, overlapping. The first thinks longest,
 * so several refreshes are seen; the last is short enough to need none.
 */
export const SCENE: readonly SceneStep[] = [
  {
    dialogId: "chat1",
    title: "General",
    askerId: 2,
    askIn: "chat1",
    askAtMs: 1000,
    readMs: 700,
    thinkMs: 8000,
    question: "@Helper can you summarise this week's release thread?",
    answer: (facts) =>
      `Summary: two features merged, one bug still open, release planned for Friday. ${aside(facts)}`,
  },
  {
    dialogId: "chat2",
    title: "Project Alpha",
    askerId: 4,
    askIn: "chat2",
    askAtMs: 2500,
    readMs: 700,
    thinkMs: 4500,
    question: "Is Alpha still on track for Friday?",
    answer: (facts) => `Yes: four of five tasks are done, the last is in review. ${aside(facts)}`,
  },
  {
    dialogId: "3",
    title: "Clara (private)",
    askerId: 3,
    askIn: String(BOT_USER_ID),
    askAtMs: 4000,
    readMs: 600,
    thinkMs: 1800,
    question: "What time is stand-up tomorrow?",
    answer: (facts) => `10:00, as usual. ${aside(facts)}`,
  },
];

/** How one step went. */
export interface StepResult {
  dialogId: string;
  question: string;
  answer: string;
  typingEvents: number;
  refreshes: number;
  typingMs: number;
}

/** What the scene reports as it plays. */
export interface SceneObserver {
  asked(step: SceneStep): void;
  typingStarted(step: SceneStep, at: number): void;
  answered(step: SceneStep, result: StepResult): void;
  typingError(error: Error, dialogId: string): void;
}

/** Everything {@link playScene} plays with. */
export interface SceneCast {
  bot: SceneBot;
  /** A client per asker id, each with that person's webhook. */
  askers: ReadonlyMap<number, SceneClient>;
  /** Typing events the bot has sent to a dialog so far (from its `onRequest` hook). */
  typingEvents(dialogId: string): number;
  refreshMs: number;
  observer: SceneObserver;
  now?: () => number;
  signal?: AbortSignal;
}

/**
 * Plays the steps, overlapping in time: each asker posts a question, the bot reads, then
 * holds "typing…" with `whileTyping` while it thinks and posts its answer with
 * `im.message.add`. Resolves with each step's result in script order; rejects with the
 * signal's reason when aborted (typing is released by `whileTyping`).
 *
 * @example
 * ```ts
 * const results = await playScene(SCENE, { bot, askers, typingEvents, refreshMs: 2500, observer });
 * ```
 */
export async function playScene(
  steps: readonly SceneStep[],
  cast: SceneCast,
): Promise<StepResult[]> {
  const now = cast.now ?? Date.now;
  const startedAt = now();
  // One failed step stops the others, so that nothing is left running when this settles.
  const failed = new AbortController();
  const signal = cast.signal ? AbortSignal.any([cast.signal, failed.signal]) : failed.signal;
  const settled = await Promise.allSettled(
    steps.map((step) =>
      playStep(step, { ...cast, signal }, startedAt, now).catch((error: unknown) => {
        if (!failed.signal.aborted) failed.abort(error);
        throw error;
      }),
    ),
  );
  if (cast.signal?.aborted) throw cast.signal.reason;
  if (failed.signal.aborted) throw failed.signal.reason;
  return settled.map((outcome) => (outcome as PromiseFulfilledResult<StepResult>).value);
}

async function playStep(
  step: SceneStep,
  cast: SceneCast,
  startedAt: number,
  now: () => number,
): Promise<StepResult> {
  const { signal } = cast;
  const asker = cast.askers.get(step.askerId);
  if (asker === undefined) throw new Error(`no client for asker ${step.askerId}`);
  await sleep(Math.max(0, startedAt + step.askAtMs - now()), undefined, { signal });
  await asker.call("im.message.add", { DIALOG_ID: step.askIn, MESSAGE: step.question }, { signal });
  cast.observer.asked(step);
  await sleep(step.readMs, undefined, { signal });

  const eventsBefore = cast.typingEvents(step.dialogId);
  const typingFrom = now();
  cast.observer.typingStarted(step, typingFrom);
  await cast.bot.whileTyping(
    step.dialogId,
    (jobSignal) => sleep(step.thinkMs, undefined, { signal: jobSignal }),
    {
      refreshMs: cast.refreshMs,
      onError: (error, dialogId) => cast.observer.typingError(error, dialogId),
      ...(signal === undefined ? {} : { signal }),
    },
  );
  const typingMs = now() - typingFrom;
  const typingEvents = cast.typingEvents(step.dialogId) - eventsBefore;
  const refreshes = Math.max(0, typingEvents - 1);
  const answer = step.answer({ thinkMs: typingMs, refreshes });
  await cast.bot.call("im.message.add", { DIALOG_ID: step.dialogId, MESSAGE: answer }, { signal });
  const result = {
    dialogId: step.dialogId,
    question: step.question,
    answer,
    typingEvents,
    refreshes,
    typingMs,
  };
  cast.observer.answered(step, result);
  return result;
}

/** The live line of each dialog before the scene starts. */
export function initialRows(steps: readonly SceneStep[]): DialogRow[] {
  return steps.map((step) => ({
    id: step.dialogId,
    title: step.title,
    phase: "waiting",
    refreshes: 0,
    requests: 0,
  }));
}

function times(count: number): string {
  return count === 1 ? "once" : count === 2 ? "twice" : `${count} times`;
}

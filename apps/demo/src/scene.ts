import { setTimeout as sleep } from "node:timers/promises";
import type { EmulatorSeed } from "@b24im/emulator";
import type { AgentPlan, AgentReply } from "./agent.js";
import { dialogName } from "./dialog-names.js";
import { seconds } from "./format.js";
import type { DialogRow } from "./live-view.js";

/**
 * One question of the scene, and how the agent works on it.
 *
 * @example
 * ```ts
 * const step: SceneStep = { dialogId: "chat1", title: "General", askerId: 2, askIn: "chat1", askAtMs: 800,
 *   question: "@Helper is Alpha on track?", plan: echoPlan("is Alpha on track?") };
 * stepName(step); // "General (chat1)"
 * ```
 */
export interface SceneStep {
  /** The page's id of the dialog (`"chat1"`, `"3-5"`): the live line and the summary's key. */
  dialogId: string;
  /** The dialog's title as the page shows it. */
  title: string;
  askerId: number;
  /** Where the asker writes, as they would: `"chat1"`, or the bot's id in a private dialog. */
  askIn: string;
  /** When the question is posted, ms after the scene starts. */
  askAtMs: number;
  question: string;
  plan: AgentPlan;
}

/**
 * The scene's bot: seeded into the chats, then registered by code as on a portal.
 *
 * @example
 * ```ts
 * await registerFetchBot(client, { code: SCENE_BOT.code, botToken: SCENE_BOT.botToken, tokenSource: "scene", name: SCENE_BOT.name });
 * ```
 */
export const SCENE_BOT = {
  id: 5,
  name: "Helper",
  code: "b24im_demo_agent",
  // A local emulator's bot: this token opens nothing anywhere else.
  botToken: "b24im-demo-scene-token",
} as const;

/**
 * The user whose webhook the bot's client uses (an administrator installs a bot).
 *
 * @example
 * ```ts
 * const client = createClient({ webhook: emulator.webhookUrl(INSTALLER_ID), transport: createNodeTransport() });
 * ```
 */
export const INSTALLER_ID = 1;

/**
 * The scene's portal: an administrator, three people who ask, two chats the bot is a member
 * of. The bot is seeded because the emulator adds a bot to no chat after registration (no
 * method for it); registering its code with its token then returns it, as a second
 * registration on a portal does.
 *
 * @example
 * ```ts
 * const emulator = await startEmulator({ seed: SCENE_SEED, rateLimit: "standard" });
 * ```
 */
export const SCENE_SEED: EmulatorSeed = {
  memberId: "b24im-demo",
  users: [
    { id: INSTALLER_ID, name: "Anna", lastName: "Admin", admin: true },
    { id: 2, name: "Boris", lastName: "Petrov" },
    { id: 3, name: "Clara", lastName: "Ivanova" },
    { id: 4, name: "Dmitry", lastName: "Smirnov" },
  ],
  chats: [
    { id: 1, title: "General", members: [1, 2, 3, 4, SCENE_BOT.id] },
    { id: 2, title: "Project Alpha", members: [1, 2, 4, SCENE_BOT.id] },
  ],
  bots: [
    {
      id: SCENE_BOT.id,
      name: SCENE_BOT.name,
      clientId: "b24im-demo",
      botToken: SCENE_BOT.botToken,
      code: SCENE_BOT.code,
      workPosition: "Demo agent",
    },
  ],
  webhooks: [{ userId: INSTALLER_ID, code: "demo0admin0webhook0k7q2" }],
};

/**
 * The script: three people ask at moments that overlap — two in group chats, mentioning the
 * bot, one privately. Each plan reads like an LLM agent's work (think, look something up,
 * compose); the first is long enough for the line to be refreshed while one status holds.
 * Every status holds at least ~a second, so a busy machine's pause never skips one.
 *
 * @example
 * ```ts
 * const play = new ScenePlay(SCENE, { say: (message) => emulator.say(message), answerTimeoutMs: 25_000 });
 * const results = await play.run(); // one per step, in script order
 * ```
 */
export const SCENE: readonly SceneStep[] = [
  {
    dialogId: "chat1",
    title: "General",
    askerId: 2,
    askIn: "chat1",
    askAtMs: 800,
    question: `@${SCENE_BOT.name} can you summarise this week's release thread?`,
    plan: {
      steps: [
        { status: "THINKING", ms: 1_200 },
        { status: "READING_DOCS", ms: 4_400 },
        { status: "COMPOSING", ms: 2_600 },
      ],
      answer:
        "This week: two features merged (the typing scheduler and bot platform 2.0), one bug still open, release planned for Friday.",
    },
  },
  {
    dialogId: "chat2",
    title: "Project Alpha",
    askerId: 4,
    askIn: "chat2",
    askAtMs: 1_800,
    question: `@${SCENE_BOT.name} is Alpha still on track for Friday?`,
    plan: {
      steps: [
        { status: "THINKING", ms: 1_000 },
        { status: "CHECKING", ms: 2_600 },
        { status: "COMPOSING", ms: 1_400 },
      ],
      answer: "Yes: four of five tasks are done, and the last one is in review.",
    },
  },
  {
    dialogId: `3-${SCENE_BOT.id}`,
    title: `Clara Ivanova & ${SCENE_BOT.name}`,
    askerId: 3,
    askIn: String(SCENE_BOT.id),
    askAtMs: 3_000,
    question: "What time is stand-up tomorrow?",
    plan: {
      steps: [
        { status: "THINKING", ms: 1_000 },
        { status: "SEARCHING", ms: 1_500 },
        { status: "COMPOSING", ms: 900 },
      ],
      answer: "10:00, as usual, in the small meeting room.",
    },
  },
];

/**
 * A step's name everywhere the demo prints it, as the page heads the dialog.
 *
 * @example
 * ```ts
 * stepName(SCENE[0]); // "General (chat1)"
 * ```
 */
export function stepName(step: SceneStep): string {
  return dialogName(step.title, step.dialogId);
}

/**
 * Where the bot answers a step, as the bot (and its requests) name the dialog: the chat's
 * id, or in a private dialog the asker's id.
 *
 * @example
 * ```ts
 * botDialogId(SCENE[2]); // "3"
 * ```
 */
export function botDialogId(step: SceneStep): string {
  return step.askIn === String(SCENE_BOT.id) ? String(step.askerId) : step.askIn;
}

/**
 * The live line of each dialog before the scene starts.
 *
 * @example
 * ```ts
 * const view = new LiveView(process.stdout, initialRows(SCENE), budget);
 * initialRows(SCENE)[0]; // { id: "chat1", name: "General (chat1)", phase: "waiting", statuses: 0, … }
 * ```
 */
export function initialRows(steps: readonly SceneStep[]): DialogRow[] {
  return steps.map((step) => ({
    id: step.dialogId,
    name: stepName(step),
    phase: "waiting",
    statuses: 0,
    refreshes: 0,
    requests: 0,
  }));
}

/**
 * How one question went.
 *
 * @example
 * ```ts
 * const results: StepResult[] = await play.run();
 * for (const r of results) console.log(r.dialogId, r.answeredAt - r.askedAt);
 * ```
 */
export interface StepResult {
  dialogId: string;
  question: string;
  questionId: number;
  answer: string;
  answerId: number;
  askedAt: number;
  answeredAt: number;
}

/**
 * What {@link ScenePlay} needs: a way for people to write, and where to report.
 *
 * @example
 * ```ts
 * const cast: SceneCast = { say: (message) => emulator.say(message), asked: (step, id) => dashboard.asked(step, id), answerTimeoutMs: ANSWER_TIMEOUT_MS, signal };
 * const play = new ScenePlay(SCENE, cast);
 * ```
 */
export interface SceneCast {
  /** A person writes (`emulator.say`); returns the message id. */
  say(options: { from: number; dialogId: string; text: string }): number;
  /** Each question as it is posted. */
  asked?(step: SceneStep, messageId: number): void;
  /** How long the bot may take to answer a question before the scene fails. */
  answerTimeoutMs: number;
  signal?: AbortSignal;
  now?: () => number;
}

interface Pending {
  step: SceneStep;
  answered(reply: AgentReply): void;
}

/**
 * Plays the script against a running bot: posts each question at its moment, hands the agent
 * the scripted plan for it ({@link planFor}), and waits for each answer ({@link answered}).
 *
 * @example
 * ```ts
 * const play = new ScenePlay(SCENE, { say: (o) => emulator.say(o), answerTimeoutMs: 20_000 });
 * bot.on("message", createAgent({ plan: (ctx) => play.planFor(ctx.message.id) ?? echoPlan(ctx.message.text), … }));
 * const results = await play.run();
 * ```
 */
export class ScenePlay {
  readonly #pending = new Map<number, Pending>();
  readonly #now: () => number;

  constructor(
    readonly steps: readonly SceneStep[],
    readonly cast: SceneCast,
  ) {
    this.#now = cast.now ?? Date.now;
  }

  /** The scripted plan for a message, if it is one of the scene's questions. */
  planFor(messageId: number): AgentPlan | undefined {
    return this.#pending.get(messageId)?.step.plan;
  }

  /** The agent posted its answer to a message. */
  answered(questionId: number, reply: AgentReply): void {
    this.#pending.get(questionId)?.answered(reply);
  }

  /**
   * Posts the questions and waits for every answer; resolves with the results in script
   * order. Rejects with the signal's reason when aborted, and with a plain error when a
   * question waits longer than `answerTimeoutMs` (the other steps stop then too).
   */
  async run(): Promise<StepResult[]> {
    const startedAt = this.#now();
    // One failed step stops the others, so that nothing is left running when this settles.
    const failed = new AbortController();
    const { signal: outer } = this.cast;
    const signal = outer ? AbortSignal.any([outer, failed.signal]) : failed.signal;
    const settled = await Promise.allSettled(
      this.steps.map((step) =>
        this.#play(step, startedAt, signal).catch((error: unknown) => {
          if (!failed.signal.aborted) failed.abort(error);
          throw error;
        }),
      ),
    );
    if (outer?.aborted) throw outer.reason;
    if (failed.signal.aborted) throw failed.signal.reason;
    return settled.map((outcome) => (outcome as PromiseFulfilledResult<StepResult>).value);
  }

  async #play(step: SceneStep, startedAt: number, signal: AbortSignal): Promise<StepResult> {
    await sleep(Math.max(0, startedAt + step.askAtMs - this.#now()), undefined, { signal });
    const askedAt = this.#now();
    const questionId = this.cast.say({
      from: step.askerId,
      dialogId: step.askIn,
      text: step.question,
    });
    // Registered in the same tick as the question: the bot cannot have polled it yet.
    const reply = new Promise<AgentReply>((resolve, reject) => {
      const timer = setTimeout(() => {
        signal.removeEventListener("abort", onAbort);
        const within = seconds(this.cast.answerTimeoutMs);
        reject(new Error(`the bot did not answer in ${stepName(step)} within ${within}`));
      }, this.cast.answerTimeoutMs);
      const onAbort = () => {
        clearTimeout(timer);
        reject(signal.reason);
      };
      signal.addEventListener("abort", onAbort, { once: true });
      this.#pending.set(questionId, {
        step,
        answered: (answer) => {
          clearTimeout(timer);
          signal.removeEventListener("abort", onAbort);
          resolve(answer);
        },
      });
      if (signal.aborted) onAbort();
    });
    this.cast.asked?.(step, questionId);
    const answer = await reply;
    return {
      dialogId: step.dialogId,
      question: step.question,
      questionId,
      answer: answer.text,
      answerId: answer.messageId,
      askedAt,
      answeredAt: this.#now(),
    };
  }
}

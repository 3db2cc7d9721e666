import type { Bot, MessageContext } from "@b24im/bot";
import { createBot } from "@b24im/bot";
import { createClient } from "@b24im/core";
import { type Emulator, startEmulator } from "@b24im/emulator";
import { createNodeTransport } from "@b24im/transport-node";
import { type AgentObserver, createAgent, echoPlan } from "./agent.js";
import { ConversationLog } from "./conversation-log.js";
import { describeError } from "./describe-error.js";
import { pageDialogId } from "./dialog-names.js";
import { count } from "./format.js";
import { LiveView, type ViewOutput } from "./live-view.js";
import { emulatorRecipients } from "./recipients.js";
import { registerFetchBot } from "./register-bot.js";
import { RequestMeter } from "./request-meter.js";
import {
  INSTALLER_ID,
  initialRows,
  SCENE,
  SCENE_BOT,
  SCENE_SEED,
  ScenePlay,
  type StepResult,
} from "./scene.js";
import { SceneDashboard } from "./scene-dashboard.js";
import { type SceneReport, snapshotScene, writeSceneReport } from "./scene-report.js";
import { sceneSummary } from "./scene-summary.js";
import {
  botLine,
  closingNote,
  keepOpenInstructions,
  nextSteps,
  sceneIntro,
} from "./scene-texts.js";

/**
 * How long the scene's bot pauses after a poll that brought nothing (10 s by default).
 *
 * @example
 * ```ts
 * const bot = createBot({ client, botId, botToken, idlePauseMs: SCENE_IDLE_PAUSE_MS, thinkRefreshMs: SCENE_THINK_REFRESH_MS });
 * ```
 */
export const SCENE_IDLE_PAUSE_MS = 500;
/**
 * How often the scene's bot refreshes its status line (60 s by default).
 *
 * @example
 * ```ts
 * const bot = createBot({ client, botId, botToken, idlePauseMs: SCENE_IDLE_PAUSE_MS, thinkRefreshMs: SCENE_THINK_REFRESH_MS });
 * ```
 */
export const SCENE_THINK_REFRESH_MS = 2_000;
/**
 * How long each status event keeps the line up: @b24im/bot asks for 15 s more than the refresh.
 *
 * @example
 * ```ts
 * const timings = { idlePauseMs: SCENE_IDLE_PAUSE_MS, thinkRefreshMs: SCENE_THINK_REFRESH_MS, lineLifeMs: SCENE_LINE_LIFE_MS };
 * out.write(sceneIntro(emulator.url, timings));
 * ```
 */
export const SCENE_LINE_LIFE_MS = SCENE_THINK_REFRESH_MS + 15_000;
/**
 * A question still unanswered this long after it was posted fails the scene.
 *
 * @example
 * ```ts
 * const play = new ScenePlay(SCENE, { say: (message) => emulator.say(message), answerTimeoutMs: ANSWER_TIMEOUT_MS, signal });
 * ```
 */
export const ANSWER_TIMEOUT_MS = 25_000;

/**
 * Options of {@link runEmbeddedScene}.
 *
 * @example
 * ```ts
 * const options: EmbeddedSceneOptions = { out: process.stdout, keepOpen: true, signal };
 * process.exitCode = await runEmbeddedScene(options);
 * ```
 */
export interface EmbeddedSceneOptions {
  out: ViewOutput;
  /** After the scene, keep the bot answering on the live page until `signal` aborts. */
  keepOpen: boolean;
  /** For tests: where to write the emulator's records as JSON. */
  reportJson?: string;
  /** Ctrl-C. */
  signal: AbortSignal;
}

type Reporter = AgentObserver & { trouble(error: unknown): void };

/**
 * Scene mode: starts the emulator in this process (standard rate limit, so the budget is
 * real), registers the agent as a fetch-mode v2 bot, lets {@link SCENE}'s people ask it
 * questions while a live terminal view shows what recipients read, posts a closing note on
 * the page, prints a summary read from the emulator and closes everything it opened. With
 * `keepOpen` the bot keeps answering people on the live page until `signal` aborts. Resolves
 * with the exit code: 0, 1 when the scene failed, 130 after Ctrl-C.
 *
 * @example
 * ```ts
 * const code = await runEmbeddedScene({ out: process.stdout, keepOpen: false, signal });
 * ```
 */
export async function runEmbeddedScene(o: EmbeddedSceneOptions): Promise<number> {
  const { out } = o;
  const emulator = await startEmulator({ seed: SCENE_SEED, rateLimit: "standard" });
  const meter = new RequestMeter();
  const recipients = emulatorRecipients(emulator, SCENE_BOT.id);
  const view = new LiveView(out, initialRows(SCENE), () => ({
    requests: meter.requests,
    kinds: meter.kinds,
    level: meter.bucketLevel(Date.now()),
    ...meter.budget,
  }));
  const dashboard = new SceneDashboard({
    view,
    meter,
    recipients,
    bot: SCENE_BOT,
    nameOf: (id) => userName(id),
  });
  // The scene's failure stops the agent's work too, so that shutting down never waits for it.
  const halt = new AbortController();
  const stop = AbortSignal.any([o.signal, halt.signal]);
  let reporter: Reporter = dashboard;
  const play = new ScenePlay(SCENE, {
    say: (message) => emulator.say(message),
    asked: (step, id) => dashboard.asked(step, id),
    answerTimeoutMs: ANSWER_TIMEOUT_MS,
    signal: o.signal,
  });
  const client = createClient({
    webhook: emulator.webhookUrl(INSTALLER_ID),
    transport: createNodeTransport(),
    rateLimit: "standard",
    hooks: {
      onRequest: (event) => dashboard.botRequest(event.request),
      onResponse: (event) => dashboard.botResponse(event.request),
    },
  });
  let bot: Bot | undefined;
  let polling: Promise<void> | undefined;
  let viewRunning = false;
  const shutDown = async () => {
    await bot?.stop().catch(() => {});
    await polling?.catch(() => {});
    await client.close().catch(() => {});
  };

  try {
    out.write(sceneIntro(emulator.url, timings()));
    const registered = await registerFetchBot(client, {
      code: SCENE_BOT.code,
      botToken: SCENE_BOT.botToken,
      tokenSource: "scene",
      name: SCENE_BOT.name,
    });
    out.write(botLine(registered));
    bot = createBot({
      client,
      botId: registered.id,
      botToken: SCENE_BOT.botToken,
      idlePauseMs: SCENE_IDLE_PAUSE_MS,
      thinkRefreshMs: SCENE_THINK_REFRESH_MS,
      onError: (error) => reporter.trouble(error),
    });
    bot.on(
      "message",
      createAgent({
        plan: (ctx) => play.planFor(ctx.message.id) ?? echoPlan(ctx.message.text),
        observer: relay(() => reporter, play),
        stop,
      }),
    );
    view.start();
    viewRunning = true;
    // start() reports failed polls to onError and never rejects; the catch is a safety net.
    polling = bot.start().catch((error: unknown) => reporter.trouble(error));
    const results = await play.run();
    viewRunning = false;
    view.stop();

    await client.call("imbot.v2.Chat.Message.send", {
      botId: registered.id,
      botToken: SCENE_BOT.botToken,
      dialogId: "chat1",
      fields: { message: closingNote(o.keepOpen, registered.name), system: true },
    });
    out.write(
      sceneSummary({
        steps: SCENE,
        results,
        state: emulator.state(),
        stats: emulator.typingStats(),
        counters: emulator.counters,
        meter,
        botId: registered.id,
        lineLifeMs: SCENE_LINE_LIFE_MS,
      }),
    );

    if (o.keepOpen && !o.signal.aborted) {
      const log = new ConversationLog({
        write: (line) => out.write(`${line}\n`),
        botName: registered.name,
        where: (ctx) => recipients.name(pageDialogId(ctx.dialogId, registered.id)),
      });
      reporter = log;
      out.write(keepOpenInstructions(emulator.url, registered.name));
      await new Promise((resolve) => o.signal.addEventListener("abort", resolve, { once: true }));
      await shutDown();
      await emulator.close();
      out.write(
        `\nStopped by Ctrl-C: ${registered.name} answered ${count(log.answers, "message")} on the page; bot stopped, emulator closed.\n`,
      );
      return 130;
    }
    out.write(nextSteps());
    await shutDown();
    const report =
      o.reportJson === undefined ? undefined : snapshot(emulator, results, meter, dashboard);
    await emulator.close();
    if (report !== undefined && o.reportJson !== undefined)
      await writeSceneReport(o.reportJson, report);
    return 0;
  } catch (error) {
    halt.abort(error);
    // The bot first, while the view still runs: its last word shows on its dialog's line.
    await shutDown();
    if (viewRunning) view.stop();
    await emulator.close();
    if (o.signal.aborted) {
      out.write("\nStopped by Ctrl-C: the bot stopped, emulator closed.\n");
      return 130;
    }
    out.write(`\nThe scene failed: ${describeError(error, "imbot")}\n`);
    return 1;
  }
}

/**
 * The agent's observer: whichever reporter is current (the live view during the scene, the
 * conversation log after it), and the scene's own bookkeeping of answers.
 */
function relay(current: () => Reporter, play: ScenePlay): AgentObserver {
  return {
    received: (ctx: MessageContext) => current().received?.(ctx),
    status: (ctx, status) => current().status?.(ctx, status),
    answered: (ctx, reply) => {
      current().answered?.(ctx, reply);
      play.answered(ctx.message.id, reply);
    },
    interrupted: (ctx, apologised) => current().interrupted?.(ctx, apologised),
  };
}

function timings() {
  return {
    idlePauseMs: SCENE_IDLE_PAUSE_MS,
    thinkRefreshMs: SCENE_THINK_REFRESH_MS,
    lineLifeMs: SCENE_LINE_LIFE_MS,
  };
}

function snapshot(
  emulator: Emulator,
  results: StepResult[],
  meter: RequestMeter,
  dashboard: SceneDashboard,
): SceneReport {
  return snapshotScene({
    emulator,
    steps: SCENE,
    results,
    meter,
    textsSeen: (id) => dashboard.textsSeen(id),
    bot: { id: SCENE_BOT.id, name: SCENE_BOT.name },
    thinkRefreshMs: SCENE_THINK_REFRESH_MS,
    lineLifeMs: SCENE_LINE_LIFE_MS,
  });
}

function userName(userId: number): string {
  const user = SCENE_SEED.users.find((u) => u.id === userId);
  return user === undefined ? `user ${userId}` : `${user.name} ${user.lastName ?? ""}`.trim();
}

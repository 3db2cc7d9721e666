import { writeFileSync } from "node:fs";
import { type B24Client, createClient } from "@b24im/core";
import { type Emulator, startEmulator } from "@b24im/emulator";
import { createNodeTransport } from "@b24im/transport-node";
import { describeError } from "./describe-error.js";
import { count, seconds } from "./format.js";
import { LiveView, type ViewOutput } from "./live-view.js";
import { RequestMeter } from "./request-meter.js";
import {
  BOT_USER_ID,
  initialRows,
  playScene,
  SCENE,
  SCENE_SEED,
  type StepResult,
} from "./scene.js";
import { SceneDashboard } from "./scene-dashboard.js";

/** How long the emulator shows "… is typing" after an event in the scene (35 s on a portal). */
export const SCENE_TYPING_TTL_MS = 4000;
/** How often the scene's bot refreshes the indicator (the SDK's default is 20 s). */
export const SCENE_REFRESH_MS = 2500;

/** Options of {@link runEmbeddedScene}. */
export interface EmbeddedSceneOptions {
  out: ViewOutput;
  /** After the scene, keep the emulator up until `signal` aborts. */
  keepOpen: boolean;
  /** For tests: where to write the emulator's records as JSON. */
  reportJson?: string;
  /** Ctrl-C. */
  signal: AbortSignal;
}

/** What `--report-json` writes: the emulator's records, for the end-to-end test. */
export interface SceneReport {
  typingTtlMs: number;
  refreshMs: number;
  botUserId: number;
  steps: StepResult[];
  typingStats: ReturnType<Emulator["typingStats"]>;
  log: Emulator["log"];
  state: ReturnType<Emulator["state"]>;
  meter: { requests: number; batches: number; peakBucketLevel: number };
  /** `process.getActiveResourcesInfo()` once everything was closed. */
  activeResources: string[];
}

/**
 * Scene mode: starts the emulator in this process (with the standard rate limit, so the
 * budget is real), prints its live page, plays {@link SCENE} with a live terminal view,
 * prints a summary, and closes everything it opened. Resolves with the exit code: 0, 1 when
 * the scene failed, 130 when `signal` aborted it.
 *
 * @example
 * ```ts
 * const code = await runEmbeddedScene({ out: process.stdout, keepOpen: false, signal });
 * ```
 */
export async function runEmbeddedScene(o: EmbeddedSceneOptions): Promise<number> {
  const { out } = o;
  const emulator = await startEmulator({
    seed: SCENE_SEED,
    typingTtlMs: SCENE_TYPING_TTL_MS,
    rateLimit: "standard",
  });
  const meter = new RequestMeter();
  const view = new LiveView(out, initialRows(SCENE), () => ({
    requests: meter.requests,
    level: meter.bucketLevel(Date.now()),
    ...meter.budget,
  }));
  const dashboard = new SceneDashboard(view, meter, nameOf, BOT_USER_ID);
  const clients: B24Client[] = [];
  let viewRunning = false;
  try {
    const bot = createClient({
      webhook: emulator.webhookUrl(BOT_USER_ID),
      transport: createNodeTransport(),
      rateLimit: "standard",
      typing: { refreshMs: SCENE_REFRESH_MS },
      hooks: { onRequest: (event) => dashboard.botRequest(event.request) },
    });
    clients.push(bot);
    const askers = new Map<number, B24Client>();
    for (const step of SCENE) {
      if (askers.has(step.askerId)) continue;
      const asker = createClient({
        webhook: emulator.webhookUrl(step.askerId),
        transport: createNodeTransport(),
      });
      clients.push(asker);
      askers.set(step.askerId, asker);
    }

    out.write(intro(emulator.url));
    view.start();
    viewRunning = true;
    const results = await playScene(SCENE, {
      bot,
      askers,
      typingEvents: (id) => meter.typingEvents(id),
      refreshMs: SCENE_REFRESH_MS,
      observer: dashboard,
      signal: o.signal,
    });
    viewRunning = false;
    view.stop();
    out.write(summary(results, meter, emulator));

    if (o.keepOpen && !o.signal.aborted) {
      out.write(`\nThe live page stays up at ${emulator.url}/ — press Ctrl-C to exit.\n`);
      await new Promise((resolve) => o.signal.addEventListener("abort", resolve, { once: true }));
    }
    await closeAll(clients);
    const report = o.reportJson === undefined ? undefined : snapshot(emulator, results, meter);
    await emulator.close();
    if (report !== undefined && o.reportJson !== undefined) {
      report.activeResources = await settledResources();
      writeFileSync(o.reportJson, `${JSON.stringify(report, null, 2)}\n`);
    }
    return 0;
  } catch (error) {
    if (viewRunning) view.stop();
    await closeAll(clients);
    await emulator.close();
    if (o.signal.aborted) {
      out.write("\nStopped by Ctrl-C: typing released, emulator closed.\n");
      return 130;
    }
    out.write(`\nThe scene failed: ${describeError(error)}\n`);
    return 1;
  }
}

function intro(url: string): string {
  return [
    `b24im demo: a bot that keeps "typing…" alive while it thinks`,
    "",
    `  Live page: ${url}/   (open it to watch the chats)`,
    `  Shortened for the demo: the emulator's indicator lives ${seconds(SCENE_TYPING_TTL_MS)} after each event`,
    `  (about 35 s on a real portal), so the bot refreshes it every ${seconds(SCENE_REFRESH_MS)} (SDK default 20 s).`,
    `  The portal budget is real: the emulator enforces the standard rate limit (2 requests/s, bucket 50).`,
    "",
    "",
  ].join("\n");
}

function summary(results: readonly StepResult[], meter: RequestMeter, emulator: Emulator): string {
  const refreshes = results.reduce((sum, r) => sum + r.refreshes, 0);
  const typingMs = results.reduce((sum, r) => sum + r.typingMs, 0);
  const bot = emulator.typingStats().filter((stat) => stat.senderId === BOT_USER_ID);
  const longestGap = Math.max(0, ...bot.map((stat) => stat.maxGapMs));
  const lapses = bot.reduce((sum, stat) => sum + stat.lapses, 0);
  const rejected = emulator.counters.rejected503 + emulator.counters.rejected429;
  const lines = [
    "",
    `Scene complete: ${results.length} questions answered in ${new Set(results.map((r) => r.dialogId)).size} dialogs.`,
    ...results.map(
      (r) =>
        `  ${r.dialogId.padEnd(6)} typed ${seconds(r.typingMs)} · ${count(r.typingEvents, "typing event")} (${count(r.refreshes, "refresh", "refreshes")}) · answered`,
    ),
    `  Typing held ${seconds(typingMs)} in total with ${count(refreshes, "refresh", "refreshes")}.`,
    lapses === 0
      ? `  The indicator never went out: the longest gap between events was ${seconds(longestGap)}, under its ${seconds(SCENE_TYPING_TTL_MS)} life.`
      : `  The indicator went out ${lapses} times (longest gap ${seconds(longestGap)}, life ${seconds(SCENE_TYPING_TTL_MS)}).`,
    `  Budget: the bot spent ${meter.requests} requests (${meter.batches} of them batches); the portal bucket peaked at ≈${meter.peakLevel.toFixed(1)} of ${meter.budget.bucketSize}; ${rejected} requests were rejected.`,
    "",
  ];
  return `${lines.join("\n")}\n`;
}

function snapshot(emulator: Emulator, steps: StepResult[], meter: RequestMeter): SceneReport {
  return {
    typingTtlMs: SCENE_TYPING_TTL_MS,
    refreshMs: SCENE_REFRESH_MS,
    botUserId: BOT_USER_ID,
    steps,
    typingStats: emulator.typingStats(),
    log: [...emulator.log],
    state: emulator.state(),
    meter: { requests: meter.requests, batches: meter.batches, peakBucketLevel: meter.peakLevel },
    activeResources: [],
  };
}

/** What still holds the process open once closed sockets have had a turn to finish closing. */
async function settledResources(): Promise<string[]> {
  await new Promise((resolve) => setImmediate(resolve));
  await new Promise((resolve) => setImmediate(resolve));
  return process.getActiveResourcesInfo();
}

async function closeAll(clients: readonly B24Client[]): Promise<void> {
  await Promise.allSettled(clients.map((client) => client.close()));
}

function nameOf(userId: number): string {
  const user = SCENE_SEED.users.find((u) => u.id === userId);
  return user === undefined ? `user ${userId}` : `${user.name} ${user.lastName ?? ""}`.trim();
}

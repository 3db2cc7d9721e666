import { writeFileSync } from "node:fs";
import type { Emulator } from "@b24im/emulator";
import type { RequestKind, RequestMeter } from "./request-meter.js";
import { botDialogId, type SceneStep, type StepResult } from "./scene.js";

/**
 * One question in the report: how it went, and what the bot sent and recipients read.
 *
 * @example
 * ```ts
 * for (const step of report.steps) console.log(step.botDialogId, step.statusesSent, step.textsSeen);
 * ```
 */
export interface ReportedStep extends StepResult {
  /** The dialog as the bot's requests and the typing statistics name it (`"3"`, `"chat1"`). */
  botDialogId: string;
  /** The statuses the bot sent there, once per change (`"IMBOT_AGENT_ACTION_THINKING"`, …). */
  statusesSent: string[];
  /** The status texts recipients read there, once per change, from the emulator's state. */
  textsSeen: string[];
}

/**
 * What `--report-json` writes: the emulator's records, for the end-to-end test.
 *
 * @example
 * ```ts
 * const report = JSON.parse(readFileSync(reportFile, "utf8")) as SceneReport;
 * report.steps.length; // one per question of SCENE
 * ```
 */
export interface SceneReport {
  bot: { id: number; name: string };
  thinkRefreshMs: number;
  /** How long each status event keeps the line up. */
  lineLifeMs: number;
  steps: ReportedStep[];
  typingStats: ReturnType<Emulator["typingStats"]>;
  log: Emulator["log"];
  state: ReturnType<Emulator["state"]>;
  meter: {
    requests: number;
    batches: number;
    kinds: Record<RequestKind, number>;
    peakBucketLevel: number;
  };
  /** `process.getActiveResourcesInfo()` once everything was closed. */
  activeResources: string[];
}

/**
 * What {@link snapshotScene} reads.
 *
 * @example
 * ```ts
 * const input: SnapshotInput = { emulator, steps: SCENE, results, meter, textsSeen: (id) => dashboard.textsSeen(id),
 *   bot: { id: SCENE_BOT.id, name: SCENE_BOT.name }, thinkRefreshMs: SCENE_THINK_REFRESH_MS, lineLifeMs: SCENE_LINE_LIFE_MS };
 * const report = snapshotScene(input);
 * ```
 */
export interface SnapshotInput {
  emulator: Pick<Emulator, "typingStats" | "log" | "state">;
  steps: readonly SceneStep[];
  results: readonly StepResult[];
  meter: RequestMeter;
  textsSeen(pageId: string): string[];
  bot: { id: number; name: string };
  thinkRefreshMs: number;
  lineLifeMs: number;
}

/**
 * Takes the report while the emulator is still up; `activeResources` is filled in by
 * {@link writeSceneReport} once everything is closed.
 *
 * @example
 * ```ts
 * const report = snapshotScene({ emulator, steps: SCENE, results, meter, textsSeen, bot, thinkRefreshMs, lineLifeMs });
 * ```
 */
export function snapshotScene(i: SnapshotInput): SceneReport {
  return {
    bot: i.bot,
    thinkRefreshMs: i.thinkRefreshMs,
    lineLifeMs: i.lineLifeMs,
    steps: i.results.map((result, n) => {
      const step = i.steps[n] as SceneStep;
      return {
        ...result,
        botDialogId: botDialogId(step),
        statusesSent: i.meter.statusesSent(botDialogId(step)),
        textsSeen: i.textsSeen(step.dialogId),
      };
    }),
    typingStats: i.emulator.typingStats(),
    log: [...i.emulator.log],
    state: i.emulator.state(),
    meter: {
      requests: i.meter.requests,
      batches: i.meter.batches,
      kinds: { ...i.meter.kinds },
      peakBucketLevel: i.meter.peakLevel,
    },
    activeResources: [],
  };
}

/**
 * Writes the report with what still holds the process open, once closed sockets have had a
 * turn to finish closing.
 *
 * @example
 * ```ts
 * await emulator.close();
 * await writeSceneReport(file, report);
 * ```
 */
export async function writeSceneReport(file: string, report: SceneReport): Promise<void> {
  await new Promise((resolve) => setImmediate(resolve));
  await new Promise((resolve) => setImmediate(resolve));
  const activeResources = process.getActiveResourcesInfo();
  writeFileSync(file, `${JSON.stringify({ ...report, activeResources }, null, 2)}\n`);
}

import { access, readFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { testCertificate } from "./certificate.js";
import { explanations } from "./explanations.js";
import { machineInfo } from "./machine.js";
import { writeReport } from "./report.js";
import type { BenchResults } from "./results.js";
import { runBotEvents } from "./scenarios/bot-events.js";
import { runBundleSize } from "./scenarios/bundle-size.js";
import { FULL_SPEED_PLAN, QUICK_SPEED_PLAN, runCallSpeed } from "./scenarios/call-speed.js";
import { FULL_SOAK_PLAN, QUICK_SOAK_PLAN, runChaosSoak } from "./scenarios/chaos-soak.js";
import { runCoreOps } from "./scenarios/core-ops.js";
import { FULL_FLEET_PLAN, QUICK_FLEET_PLAN, runFleet } from "./scenarios/fleet.js";
import { runLeaseMemory } from "./scenarios/lease-memory.js";
import { runLimiterOverhead } from "./scenarios/limiter-overhead.js";
import {
  FULL_CAPACITY_PLAN,
  QUICK_CAPACITY_PLAN,
  runTypingCapacity,
} from "./scenarios/typing-capacity.js";

const FIGURES = [
  "speed",
  "capacity",
  "size",
  "memory",
  "core",
  "soak",
  "bot",
  "fleet",
  "overhead",
] as const;
type Figure = (typeof FIGURES)[number];

// Where each figure keeps its results: a run of some figures merges into the saved report.
const FIELDS: Record<Figure, keyof BenchResults> = {
  speed: "callSpeed",
  capacity: "typingCapacity",
  size: "bundleSize",
  memory: "leaseMemory",
  core: "coreOps",
  soak: "chaosSoak",
  bot: "botEvents",
  fleet: "fleet",
  overhead: "limiterOverhead",
};

const USAGE = `Usage: pnpm bench [--quick] [--only=${FIGURES.join(",")}] [--out=DIR]
  --quick  tiny durations (time-scaled capacity and soak): checks every figure still runs, in about a minute;
           writes to apps/bench/results/quick/ unless --out is given
  --only   run only these figures (comma-separated); merged into the results.json already in the
           output directory, if there is one, so the other figures stay in the report
  --out    write RESULTS.md and results.json here (default: apps/bench/)
  --render measure nothing: rewrite RESULTS.md from the results.json already in the output directory`;

interface Options {
  quick: boolean;
  render: boolean;
  only: Figure[];
  out: string;
}

function parseArgs(argv: string[]): Options {
  const benchDir = fileURLToPath(new URL("..", import.meta.url));
  let quick = false;
  let render = false;
  let only: Figure[] = [...FIGURES];
  let out: string | undefined;
  // pnpm may hand the arguments over behind a lone "--".
  for (const arg of argv.filter((a) => a !== "--")) {
    if (arg === "--quick") quick = true;
    else if (arg === "--render") render = true;
    else if (arg.startsWith("--only=")) {
      const names = arg.slice("--only=".length).split(",");
      const unknown = names.filter((name) => !FIGURES.includes(name as Figure));
      if (unknown.length > 0) throw new Error(`unknown figure ${unknown.join(", ")}\n${USAGE}`);
      only = names as Figure[];
    } else if (arg.startsWith("--out=")) out = arg.slice("--out=".length);
    else if (arg === "--help" || arg === "-h") {
      console.log(USAGE);
      process.exit(0);
    } else throw new Error(`unknown argument ${arg}\n${USAGE}`);
  }
  return {
    quick,
    render,
    only,
    out: out ?? (quick ? join(benchDir, "results", "quick") : benchDir),
  };
}

function commandFor(figure: Figure, quick: boolean): string {
  return `pnpm bench${quick ? " --quick" : ""} --only=${figure}`;
}

async function main(): Promise<number> {
  const options = parseArgs(process.argv.slice(2));
  if (options.render) {
    const saved = JSON.parse(
      await readFile(join(options.out, "results.json"), "utf8"),
    ) as BenchResults;
    await writeReport(options.out, saved, explanations);
    console.log(`rewrote ${join(options.out, "RESULTS.md")} from results.json`);
    return 0;
  }
  const started = Date.now();
  const results: BenchResults = {
    startedAt: new Date(started).toISOString(),
    durationSeconds: 0,
    quick: options.quick,
    machine: machineInfo(),
    failures: [],
  };
  const log = (line: string) => console.log(line);
  const { quick } = options;
  const steps: Record<Figure, () => Promise<void>> = {
    bot: async () => {
      results.botEvents = await runBotEvents(
        quick ? 2 : 5,
        quick ? 100 : 1_000,
        commandFor("bot", quick),
      );
    },
    core: async () => {
      results.coreOps = runCoreOps(quick ? 2 : 5, quick ? 100 : 1_000, commandFor("core", quick));
    },
    size: async () => {
      results.bundleSize = await runBundleSize(commandFor("size", quick));
    },
    memory: async () => {
      results.leaseMemory = await runLeaseMemory(
        10_000,
        quick ? 2 : 5,
        commandFor("memory", quick),
      );
    },
    speed: async () => {
      const certificate = await testCertificate();
      results.callSpeed = await runCallSpeed(
        quick ? QUICK_SPEED_PLAN : FULL_SPEED_PLAN,
        certificate,
        log,
        commandFor("speed", quick),
      );
    },
    capacity: async () => {
      results.typingCapacity = await runTypingCapacity(
        quick ? QUICK_CAPACITY_PLAN : FULL_CAPACITY_PLAN,
        log,
        commandFor("capacity", quick),
      );
    },
    soak: async () => {
      results.chaosSoak = await runChaosSoak(
        quick ? QUICK_SOAK_PLAN : FULL_SOAK_PLAN,
        log,
        commandFor("soak", quick),
      );
    },
    fleet: async () => {
      results.fleet = await runFleet(
        quick ? QUICK_FLEET_PLAN : FULL_FLEET_PLAN,
        log,
        commandFor("fleet", quick),
      );
    },
    overhead: async () => {
      results.limiterOverhead = await runLimiterOverhead(
        quick ? 0.5 : 5,
        commandFor("overhead", quick),
      );
    },
  };
  // Quick and CPU-light first; the long ones never overlap, so none steals another's CPU.
  const order: Figure[] = [
    "core",
    "bot",
    "size",
    "memory",
    "speed",
    "overhead",
    "capacity",
    "soak",
    "fleet",
  ];
  for (const figure of order.filter((f) => options.only.includes(f))) {
    const figureStarted = Date.now();
    log(`${figure}…`);
    try {
      await steps[figure]();
      log(`${figure} done in ${((Date.now() - figureStarted) / 1000).toFixed(1)} s`);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      results.failures.push({ figure, message: message.replace(/\s+/g, " ").slice(0, 400) });
      console.error(`${figure} crashed:`, error);
    }
  }
  results.durationSeconds = (Date.now() - started) / 1000;
  const report = await mergedWithSaved(options, results);
  await writeReport(options.out, report, explanations);
  log(
    `wrote ${join(options.out, "RESULTS.md")} and results.json in ${results.durationSeconds.toFixed(1)} s`,
  );
  // The soak and the fleet are tests as much as figures: CI's quick run fails when they do.
  const soakFailed = results.chaosSoak !== undefined && !results.chaosSoak.verdict.passed;
  if (soakFailed) console.error("the chaos soak failed its verdict (see RESULTS.md, figure 6)");
  const fleetFailed = results.fleet !== undefined && !results.fleet.verdict.passed;
  if (fleetFailed) console.error("the fleet failed its verdict (see RESULTS.md, figure 8)");
  return results.failures.length > 0 || soakFailed || fleetFailed ? 1 : 0;
}

// A run of some figures replaces those in the saved report and keeps the others.
async function mergedWithSaved(options: Options, results: BenchResults): Promise<BenchResults> {
  const path = join(options.out, "results.json");
  const some = options.only.length < FIGURES.length;
  const saved =
    some &&
    (await access(path).then(
      () => true,
      () => false,
    ));
  if (!saved) return results;
  const merged = JSON.parse(await readFile(path, "utf8")) as BenchResults;
  if (merged.quick !== results.quick) return results;
  const fresh = results as unknown as Record<string, unknown>;
  const into = merged as unknown as Record<string, unknown>;
  for (const figure of options.only) {
    const field = FIELDS[figure];
    if (fresh[field] === undefined) delete into[field];
    else into[field] = fresh[field];
  }
  merged.failures = [
    ...merged.failures.filter((failure) => !options.only.includes(failure.figure as Figure)),
    ...results.failures,
  ];
  merged.updated = [
    ...(merged.updated ?? []).filter(
      (update) => !update.figures.every((figure) => options.only.includes(figure as Figure)),
    ),
    { figures: options.only, at: results.startedAt },
  ];
  return merged;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  },
);

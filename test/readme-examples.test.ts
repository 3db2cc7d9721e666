// Every complete example in the READMEs (a code block that starts with an import) runs as
// written against a fresh emulator: B24_WEBHOOK_URL is its webhook, B24_BOT_ID / B24_BOT_TOKEN /
// B24_APPLICATION_TOKEN its seeded bot. An example marked `<!-- example: runs until stopped -->`
// is a bot serving until Ctrl-C: a person writes to it while it runs, and it must answer (a
// webhook bot on port 3000 gets the emulator's event POSTs there). An example that reads
// REDIS_URL gets a redis-server of its own (Debian's), stopped by PID after.
import { execFile, spawn } from "node:child_process";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { defaultSeed, type Emulator, startEmulator } from "@b24im/emulator";
import { afterAll, describe, expect, it } from "vitest";
import {
  type RedisServer,
  redisServerMissing,
  startRedisServer,
} from "../packages/limiter-redis/src/testing/redis-server.test-helpers.js";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const READMES = [
  "README.md",
  "packages/core/README.md",
  "packages/transport-fetch/README.md",
  "packages/transport-node/README.md",
  "packages/emulator/README.md",
  "packages/bot/README.md",
  "packages/limiter-redis/README.md",
];
const LONG_RUNNING = "<!-- example: runs until stopped -->";
const WORK_DIR = join(ROOT, ".readme-examples");
const TIMEOUT_MS = 20_000;
const ALIVE_MS = 8_000;
const WEBHOOK_PORT = 3000;
const EXACT_OPTIONAL_PROPERTY_TYPES = true;

interface Example {
  name: string;
  code: string;
  /** A ```ts block (type-checked) or a ```js one (only run). */
  typescript: boolean;
  longRunning: boolean;
}

function examplesOf(readme: string): Example[] {
  const text = readFileSync(join(ROOT, readme), "utf8");
  const examples: Example[] = [];
  for (const match of text.matchAll(/```(ts|js)\n([\s\S]*?)```/g)) {
    const code = match[2] as string;
    if (!/^import /.test(code)) continue;
    const line = text.slice(0, match.index).split("\n").length;
    const before = text.slice(Math.max(0, (match.index ?? 0) - 200), match.index);
    examples.push({
      name: `${readme}:${line}`,
      code,
      typescript: match[1] === "ts",
      longRunning: before.includes(LONG_RUNNING),
    });
  }
  return examples;
}

interface Outcome {
  code: number | null;
  signal: NodeJS.Signals | null;
  output: string;
  alive: boolean;
}

function run(file: string, env: Record<string, string>, longRunning: boolean): Promise<Outcome> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ["--import", "tsx", file], {
      cwd: ROOT,
      env: { ...process.env, ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    let alive = false;
    child.stdout.on("data", (chunk) => {
      output += chunk;
    });
    child.stderr.on("data", (chunk) => {
      output += chunk;
    });
    const limit = setTimeout(
      () => {
        alive = true;
        child.kill("SIGTERM");
      },
      longRunning ? ALIVE_MS : TIMEOUT_MS,
    );
    child.on("close", (code, signal) => {
      clearTimeout(limit);
      resolve({ code, signal, output, alive });
    });
  });
}

/** Whether the bot answered user 1 in their private dialog within `ms`. */
async function answerFrom(emulator: Emulator, botId: number, ms: number): Promise<boolean> {
  for (let waited = 0; waited < ms; waited += 100) {
    const dialog = emulator.state().dialogs.find((d) => d.id === `1-${botId}`);
    if (dialog?.messages.some((message) => message.authorId === botId)) return true;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return false;
}

describe("README examples, as written, against the emulator", () => {
  mkdirSync(WORK_DIR, { recursive: true });
  const examples = READMES.flatMap(examplesOf);
  let redis: RedisServer | undefined;
  afterAll(async () => {
    rmSync(WORK_DIR, { recursive: true, force: true });
    await redis?.stop();
  });

  it("finds the examples", () => {
    expect(examples.length).toBeGreaterThanOrEqual(12);
  });

  it("type-check as written, with the strictest options users turn on", async () => {
    const dir = join(WORK_DIR, "typecheck");
    mkdirSync(dir, { recursive: true });
    for (const [index, example] of examples.entries()) {
      if (example.typescript) writeFileSync(join(dir, `example-${index}.mts`), example.code);
    }
    writeFileSync(
      join(dir, "tsconfig.json"),
      JSON.stringify({
        extends: "../../tsconfig.base.json",
        compilerOptions: {
          lib: ["ES2023", "DOM", "DOM.Iterable"],
          types: ["node"],
          noEmit: true,
          exactOptionalPropertyTypes: EXACT_OPTIONAL_PROPERTY_TYPES,
        },
        include: ["*.mts"],
      }),
    );
    const tsc = join(ROOT, "node_modules", "typescript", "bin", "tsc");
    const result = await new Promise<{ code: number; output: string }>((resolve) => {
      execFile(process.execPath, [tsc, "-p", dir], { cwd: ROOT }, (error, stdout, stderr) =>
        resolve({ code: error ? 1 : 0, output: `${stdout}${stderr}` }),
      );
    });
    // Name each failing file by its README line.
    const output = result.output.replace(
      /example-(\d+)\.mts/g,
      (_, n) => examples[Number(n)]?.name ?? n,
    );
    expect(output).toBe("");
    expect(result.code).toBe(0);
  }, 60_000);

  for (const [index, example] of examples.entries()) {
    const needsRedis = example.code.includes("REDIS_URL");
    it.skipIf(needsRedis && redisServerMissing)(
      `${example.name} runs`,
      async () => {
        const emulator = await startEmulator();
        try {
          const bot = defaultSeed().bots?.[0];
          const file = join(WORK_DIR, `example-${index}.mts`);
          mkdirSync(dirname(file), { recursive: true });
          writeFileSync(file, example.code);
          if (needsRedis) redis ??= await startRedisServer();
          const running = run(
            relative(ROOT, file),
            {
              B24_WEBHOOK_URL: emulator.webhookUrl(),
              B24_BOT_ID: String(bot?.id),
              B24_BOT_TOKEN: String(bot?.botToken),
              B24_APPLICATION_TOKEN: emulator.applicationToken(bot?.id ?? 0),
              ...(redis ? { REDIS_URL: redis.url } : {}),
            },
            example.longRunning,
          );
          let answered = false;
          if (example.longRunning && bot) {
            const question = {
              from: 1,
              dialogId: String(bot.id),
              text: "Is the release on track?",
            };
            if (example.code.includes("nodeListener")) {
              // The bot's events go to the example's server instead of its queue.
              const update = await fetch(`${emulator.webhookUrl()}imbot.v2.Bot.update`, {
                method: "POST",
                headers: { "content-type": "application/json" },
                body: JSON.stringify({
                  botId: bot.id,
                  botToken: bot.botToken,
                  fields: { eventMode: "webhook", webhookUrl: `http://127.0.0.1:${WEBHOOK_PORT}/` },
                }),
              });
              expect(update.status).toBe(200);
              await new Promise((resolve) => setTimeout(resolve, 1_500)); // its server starts
            }
            // A polling bot finds the question on its first poll.
            emulator.say(question);
            answered = await answerFrom(emulator, bot.id, ALIVE_MS - 2_000);
          }
          const outcome = await running;
          if (example.longRunning) {
            expect(outcome.alive, `it ended early:\n${outcome.output}`).toBe(true);
            expect(outcome.output).not.toMatch(/Error|error/);
            expect(answered, `the bot did not answer:\n${outcome.output}`).toBe(true);
          } else {
            expect(outcome.alive, `still running after ${TIMEOUT_MS} ms:\n${outcome.output}`).toBe(
              false,
            );
            expect(outcome.code, outcome.output).toBe(0);
          }
        } finally {
          await emulator.close();
        }
      },
      30_000,
    );
  }
});

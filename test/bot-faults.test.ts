// @b24im/bot's polling under the faults a real portal and its proxies produce, and across a
// process that dies mid-handler: no event lost, none handled twice, the loop keeps going.
import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { fileURLToPath } from "node:url";
import { createBot } from "@b24im/bot";
import { type B24Client, createClient } from "@b24im/core";
import { type Emulator, startEmulator } from "@b24im/emulator";
import { createNodeTransport } from "@b24im/transport-node";
import { afterEach, beforeEach, describe, expect, it } from "vitest";

const BOT_TOKEN = "faulty-bot-t0ken";
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("a polling bot under faults", () => {
  let emulator: Emulator;
  let client: B24Client;
  let child: ChildProcess | undefined;

  beforeEach(async () => {
    emulator = await startEmulator();
    client = createClient({
      webhook: emulator.webhookUrl(),
      transport: createNodeTransport(),
      timeoutMs: 1_000,
      retry: { attempts: 3, baseDelayMs: 50, maxDelayMs: 200 },
    });
  });
  afterEach(async () => {
    if (child?.exitCode === null) child.kill("SIGKILL");
    await client.close();
    await emulator.close();
  });

  const register = async () => {
    const { bot } = await client.call<{ bot: { id: number } }>("imbot.v2.Bot.register", {
      fields: {
        code: "faulty",
        botToken: BOT_TOKEN,
        eventMode: "fetch",
        properties: { name: "Faulty" },
      },
    });
    return bot.id;
  };

  const answersBy = (botId: number) =>
    emulator
      .state()
      .dialogs.flatMap((d) => d.messages)
      .filter((m) => m.authorId === botId)
      .map((m) => m.text)
      .sort();

  it("resets, hangs, 503s, 502 pages and cut JSON on polls and answers: every message answered once", async () => {
    const botId = await register();
    const runs = new Map<string, number>();
    const errors: unknown[] = [];
    const bot = createBot({
      client,
      botId,
      botToken: BOT_TOKEN,
      idlePauseMs: 100,
      thinkRefreshMs: 1_000,
      onError: (error) => void errors.push(error),
    }).on("message", async (ctx) => {
      runs.set(ctx.message.text, (runs.get(ctx.message.text) ?? 0) + 1);
      const answer = await ctx.think(async () => {
        await sleep(100);
        return `re: ${ctx.message.text}`;
      });
      await ctx.reply(answer);
    });
    const poll = "imbot.v2.Event.get";
    const send = "imbot.v2.Chat.Message.send";
    for (const fault of [
      { kind: "reset", method: poll, times: 2 },
      { kind: "hang", method: poll, times: 1 },
      { kind: "status", status: 503, error: "QUERY_LIMIT_EXCEEDED", method: poll, times: 2 },
      { kind: "html", status: 502, method: poll, times: 2 },
      { kind: "cutJson", method: poll, times: 1 },
      { kind: "reset", method: send, times: 2 },
      { kind: "hang", method: send, times: 1 },
      { kind: "html", status: 504, method: send, times: 1 },
      { kind: "reset", method: "imbot.v2.Chat.InputAction.notify", times: 1 },
    ] as const) {
      emulator.faults.add(fault);
    }
    const texts: string[] = [];
    const polling = bot.start();
    for (let i = 0; i < 10; i++) {
      const text = `question ${i}`;
      texts.push(text);
      emulator.say({ from: (i % 5) + 1, dialogId: String(botId), text });
      await sleep(150);
    }
    // More faults arrive while the bot works.
    emulator.faults.add({ kind: "reset", method: poll, times: 1 });
    // The loop backs off after each failed poll (1 s, 2 s, 4 s, … with jitter): allow for it.
    for (let waited = 0; answersBy(botId).length < texts.length && waited < 60_000; waited += 100) {
      await sleep(100);
    }
    await sleep(1_500);
    await bot.stop();
    await polling;
    expect(answersBy(botId)).toEqual(texts.map((text) => `re: ${text}`).sort());
    expect([...runs.values()].every((count) => count === 1)).toBe(true);
    expect([...runs.keys()].sort()).toEqual([...texts].sort());
    // The failed polls were reported, and the loop went on past every one of them.
    expect(errors.length).toBeGreaterThan(0);
    // The planned faults were met: failed answers to polls and sends, as the portal logged them.
    const failed = (method: string) =>
      emulator.log.filter((entry) => entry.method === method && entry.status !== 200).length;
    expect(failed(poll)).toBeGreaterThanOrEqual(2 + 1 + 2 + 2 + 1);
    expect(failed(send)).toBeGreaterThanOrEqual(2 + 1 + 1);
  }, 90_000);

  it("a process killed mid-handler: the next one finishes the unacknowledged events, each once", async () => {
    const botId = await register();
    child = spawn(
      process.execPath,
      [fileURLToPath(new URL("./fixtures/stuck-bot.mjs", import.meta.url))],
      {
        env: {
          ...process.env,
          B24_WEBHOOK_URL: emulator.webhookUrl(),
          B24_BOT_ID: String(botId),
          B24_BOT_TOKEN: BOT_TOKEN,
        },
        stdio: ["ignore", "pipe", "inherit"],
      },
    );
    const lines: string[] = [];
    child.stdout
      ?.setEncoding("utf8")
      .on("data", (chunk: string) => lines.push(...chunk.trim().split("\n")));
    const waitFor = async (line: string) => {
      for (let waited = 0; !lines.includes(line); waited += 50) {
        if (waited > 20_000)
          throw new Error(`the child never printed ${line}: ${lines.join(" | ")}`);
        await sleep(50);
      }
    };
    emulator.say({ from: 1, dialogId: String(botId), text: "first" });
    await waitFor("done first");
    await sleep(1_500); // its acknowledgement goes out with the next poll
    emulator.say({ from: 2, dialogId: String(botId), text: "stuck" });
    emulator.say({ from: 2, dialogId: String(botId), text: "behind the stuck one" });
    await waitFor("start stuck");
    child.kill("SIGKILL");
    await once(child, "exit");

    const runs: string[] = [];
    const restarted = createBot({ client, botId, botToken: BOT_TOKEN, idlePauseMs: 100 }).on(
      "message",
      async (ctx) => {
        runs.push(ctx.message.text);
        await ctx.reply(`re: ${ctx.message.text}`);
      },
    );
    const polling = restarted.start();
    for (let waited = 0; runs.length < 2 && waited < 10_000; waited += 50) await sleep(50);
    await restarted.stop();
    await polling;
    expect(runs).toEqual(["stuck", "behind the stuck one"]);
    expect(answersBy(botId)).toEqual(["re: behind the stuck one", "re: first", "re: stuck"]);
  }, 60_000);
});

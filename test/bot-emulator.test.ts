// @b24im/bot against the emulator, end to end in both event modes, as the recipients see it:
// a person's message reaches the handler once, the bot's status line stays up for the whole
// job and switches with status(), the answer appears and the line ends with it.
import { once } from "node:events";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { type Bot, createBot } from "@b24im/bot";
import { nodeListener } from "@b24im/bot/node";
import { type B24Client, createClient } from "@b24im/core";
import { type Emulator, startEmulator } from "@b24im/emulator";
import { createNodeTransport } from "@b24im/transport-node";
import { afterEach, beforeEach, describe, expect, it } from "vitest";

const BOT_TOKEN = "e2e-bot-t0ken";
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Sample {
  at: number;
  line: { statusMessageCode?: string; text: string } | undefined;
  answered: boolean;
}

describe("a bot on the emulator, end to end", () => {
  let emulator: Emulator;
  let client: B24Client;
  let server: Server | undefined;

  beforeEach(async () => {
    emulator = await startEmulator();
    client = createClient({ webhook: emulator.webhookUrl(), transport: createNodeTransport() });
  });
  afterEach(async () => {
    await client.close();
    server?.closeAllConnections();
    server?.close();
    await emulator.close();
  });

  const register = async (eventMode: "fetch" | "webhook", webhookUrl?: string) => {
    const { bot } = await client.call<{ bot: { id: number } }>("imbot.v2.Bot.register", {
      fields: {
        code: `e2e-${eventMode}`,
        botToken: BOT_TOKEN,
        eventMode,
        ...(webhookUrl ? { webhookUrl } : {}),
        properties: { name: "E2E Agent" },
      },
    });
    return bot.id;
  };

  // The job: 1.5 s thinking, then 1.5 s searching; answers once.
  const agent = (bot: Bot, runs: string[]) =>
    bot.on("message", async (ctx) => {
      runs.push(ctx.message.text);
      const answer = await ctx.think(async (_signal, status) => {
        await sleep(1_500);
        status("SEARCHING");
        await sleep(1_500);
        return `Answer to: ${ctx.message.text}`;
      });
      await ctx.reply(answer);
    });

  // What user 1 sees in the private dialog with the bot, sampled every 50 ms until the answer.
  const watch = async (botId: number): Promise<Sample[]> => {
    const samples: Sample[] = [];
    const started = Date.now();
    for (;;) {
      const dialog = emulator.state().dialogs.find((d) => d.id === `1-${botId}`);
      const line = dialog?.typing.find((typing) => typing.senderId === botId);
      const answered = (dialog?.messages ?? []).some((m) => m.authorId === botId);
      samples.push({ at: Date.now() - started, line, answered });
      if (answered || Date.now() - started > 15_000) return samples;
      await sleep(50);
    }
  };

  const expectWholeJobShown = (samples: Sample[], botId: number) => {
    const shown = samples.findIndex((s) => s.line !== undefined);
    const answeredAt = samples.findIndex((s) => s.answered);
    expect(shown).toBeGreaterThanOrEqual(0);
    expect(answeredAt).toBeGreaterThan(shown);
    // Up from the first event to the answer, without a gap.
    for (const sample of samples.slice(shown, answeredAt)) expect(sample.line).toBeDefined();
    const codes = [...new Set(samples.map((s) => s.line?.statusMessageCode).filter(Boolean))];
    expect(codes).toEqual(["IMBOT_AGENT_ACTION_THINKING", "IMBOT_AGENT_ACTION_SEARCHING"]);
    expect(samples.find((s) => s.line)?.line?.text).toBe("Agent is thinking…");
    // The answer ends the line.
    const dialog = emulator.state().dialogs.find((d) => d.id === `1-${botId}`);
    expect(dialog?.typing.filter((t) => t.senderId === botId)).toEqual([]);
    expect(dialog?.messages.filter((m) => m.authorId === botId).map((m) => m.text)).toEqual([
      "Answer to: What is b24im?",
    ]);
    for (const stat of emulator.typingStats()) expect(stat.lapses).toBe(0);
  };

  it("fetch mode: one run, the status line for the whole job, switched, ended by the answer", async () => {
    const botId = await register("fetch");
    const runs: string[] = [];
    const bot = agent(
      createBot({ client, botId, botToken: BOT_TOKEN, idlePauseMs: 100, thinkRefreshMs: 1_000 }),
      runs,
    );
    const polling = bot.start();
    emulator.say({ from: 1, dialogId: String(botId), text: "What is b24im?" });
    const samples = await watch(botId);
    await sleep(500);
    await bot.stop();
    await polling;
    expect(runs).toEqual(["What is b24im?"]);
    expectWholeJobShown(samples, botId);
  }, 30_000);

  it("webhook mode: the emulator's POST, verified, handled once, answered the same way", async () => {
    const runs: string[] = [];
    let bot: Bot | undefined;
    server = createServer((req, res) => void (bot ? nodeListener(bot)(req, res) : res.end()));
    server.listen(0, "127.0.0.1");
    await once(server, "listening");
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/bitrix24/events`;
    const botId = await register("webhook", url);
    bot = agent(
      createBot({
        client,
        botId,
        botToken: BOT_TOKEN,
        applicationToken: emulator.applicationToken(botId),
        thinkRefreshMs: 1_000,
      }),
      runs,
    );
    emulator.say({ from: 1, dialogId: String(botId), text: "What is b24im?" });
    const samples = await watch(botId);
    await emulator.deliveriesSettled();
    expect(runs).toEqual(["What is b24im?"]);
    expect(emulator.deliveries.map((d) => d.status)).toEqual([200]);
    expectWholeJobShown(samples, botId);
  }, 30_000);

  it("webhook mode: a wrong application token gets 401 and the handler never runs", async () => {
    let ran = false;
    const bot = createBot({ client, botId: 1, botToken: BOT_TOKEN, applicationToken: "not-it" });
    bot.on("message", () => {
      ran = true;
    });
    server = createServer(nodeListener(bot));
    server.listen(0, "127.0.0.1");
    await once(server, "listening");
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    const botId = await register("webhook", url);
    emulator.say({ from: 1, dialogId: String(botId), text: "hi" });
    await emulator.deliveriesSettled();
    expect(emulator.deliveries.map((d) => d.status)).toEqual([401]);
    expect(ran).toBe(false);
  });

  it("an answer sent onlyOnce that times out after the portal posted it is not sent again", async () => {
    const impatient = createClient({
      webhook: emulator.webhookUrl(),
      transport: createNodeTransport(),
      timeoutMs: 300,
    });
    try {
      const botId = await register("fetch");
      const errors: unknown[] = [];
      const bot = createBot({
        client: impatient,
        botId,
        botToken: BOT_TOKEN,
        idlePauseMs: 100,
        onError: (error) => void errors.push(error),
      }).on("message", (ctx) => ctx.reply("Only once, please.", { onlyOnce: true }));
      // The portal posts the message, but answers only after the client gave up waiting.
      emulator.faults.add({ kind: "delay", ms: 800, method: "imbot.v2.Chat.Message.send" });
      const polling = bot.start();
      emulator.say({ from: 1, dialogId: String(botId), text: "hello" });
      for (let waited = 0; errors.length === 0 && waited < 5_000; waited += 50) await sleep(50);
      await sleep(1_500);
      await bot.stop();
      await polling;
      expect(errors.map((error) => (error as { code?: string }).code)).toEqual(["TIMEOUT"]);
      const posted = emulator
        .state()
        .dialogs.find((d) => d.id === `1-${botId}`)
        ?.messages.filter((m) => m.authorId === botId);
      expect(posted?.map((m) => m.text)).toEqual(["Only once, please."]);
    } finally {
      await impatient.close();
    }
  }, 30_000);
});

import { ConfigError } from "@b24im/core";
import { describe, expect, it } from "vitest";
import { fakePlatform } from "../fake-platform.test-helpers.js";

const tick = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("think and reply", () => {
  it("shows the status for the whole job, switches it at once, and the answer ends it", async () => {
    const p = fakePlatform();
    const bot = p.bot().on("message", async (ctx) => {
      const answer = await ctx.think(async (_signal, status) => {
        await p.clock.advance(130_000);
        status("COMPOSING");
        await p.clock.advance(10_000);
        return `echo: ${ctx.message.text}`;
      });
      await ctx.reply(answer);
    });
    await bot.handle(p.say("chat5", "hi"));
    const t0 = p.seen.notifies[0]?.at as number;
    expect(p.seen.notifies.map((n) => [n.at - t0, n.code, n.duration])).toEqual([
      [0, "IMBOT_AGENT_ACTION_THINKING", 75],
      [60_000, "IMBOT_AGENT_ACTION_THINKING", 75],
      [120_000, "IMBOT_AGENT_ACTION_THINKING", 75],
      [130_000, "IMBOT_AGENT_ACTION_COMPOSING", 75],
    ]);
    expect(p.seen.messages).toEqual([{ at: t0 + 140_000, dialogId: "chat5", text: "echo: hi" }]);
    // No refresh of the finished think follows the answer.
    await p.clock.advance(300_000);
    expect(p.seen.notifies).toHaveLength(4);
  });

  it("a reply inside the job ends the indicator; a later status() shows it again", async () => {
    const p = fakePlatform();
    const bot = p.bot().on("message", (ctx) =>
      ctx.think(async (_signal, status) => {
        await ctx.reply("Looking into it…");
        await p.clock.advance(90_000);
        status("SEARCHING");
        await p.clock.advance(1_000);
        await ctx.reply("Found it.");
      }),
    );
    await bot.handle(p.say("1", "where is my order?"));
    const t0 = p.seen.messages[0]?.at as number;
    // The first answer came before the first event was due: the line only shows for the search.
    expect(p.seen.notifies.map((n) => [n.at - t0, n.code])).toEqual([
      [90_000, "IMBOT_AGENT_ACTION_SEARCHING"],
    ]);
    expect(p.seen.messages.map((m) => [m.at - t0, m.text])).toEqual([
      [0, "Looking into it…"],
      [91_000, "Found it."],
    ]);
    await p.clock.advance(200_000);
    expect(p.seen.notifies).toHaveLength(1);
  });

  it("think settles exactly as its job; an indicator no answer ended is taken down", async () => {
    const p = fakePlatform();
    const failure = new Error("model unavailable");
    const errors: unknown[] = [];
    const bot = p
      .bot({ onError: (error) => void errors.push(error) })
      .on("message", async (ctx) => {
        await ctx.think(async () => {
          await p.clock.advance(5_000);
          throw failure;
        });
      });
    await bot.handle(p.say("1", "hi"));
    expect(errors).toEqual([failure]);
    expect(p.seen.messages).toEqual([]);
    // The thinking line goes down within a second instead of staying up 75 s.
    expect(p.seen.notifies.map((n) => [n.code, n.duration])).toEqual([
      ["IMBOT_AGENT_ACTION_THINKING", 75],
      ["IMBOT_AGENT_ACTION_THINKING", 1],
    ]);
  });

  it("a job that ends before the first event shows nothing and sends nothing extra", async () => {
    const p = fakePlatform();
    let value: unknown;
    const bot = p.bot().on("message", async (ctx) => {
      value = await ctx.think(async (signal) => {
        expect(signal.aborted).toBe(false);
        return 42;
      });
      await ctx.reply(`The answer is ${value}`);
    });
    await bot.handle(p.say("1", "?"));
    expect(value).toBe(42);
    expect(p.seen.notifies).toHaveLength(0);
    expect(p.seen.messages).toHaveLength(1);
  });

  it("waits for a typing event in flight before the answer goes", async () => {
    const p = fakePlatform();
    let releaseNotify: (() => void) | undefined;
    p.transport.enqueue(
      (x) =>
        new Promise((resolve) => {
          releaseNotify = () =>
            resolve({ status: 200, headers: {}, body: '{"result":{"result":true}}' });
          expect(x.request.url).toMatch(/InputAction\.notify$/);
        }),
    );
    const bot = p.bot().on("message", async (ctx) => {
      // The first event goes out and hangs; the job ends meanwhile.
      await ctx.think(() => p.clock.advance(0));
      const sent = ctx.reply("done");
      await tick(5);
      expect(p.seen.messages).toHaveLength(0);
      releaseNotify?.();
      await sent;
    });
    await bot.handle(p.say("1", "?"));
    expect(p.seen.messages.map((m) => m.text)).toEqual(["done"]);
  });

  it("maxDurationMs ends the indicator and aborts the job's signal, reported once", async () => {
    const p = fakePlatform();
    const errors: Array<{ code?: string }> = [];
    let reason: unknown;
    const bot = p
      .bot({ onError: (error) => void errors.push(error as { code?: string }) })
      .on("message", (ctx) =>
        ctx.think(
          (signal) =>
            new Promise<void>((resolve) => {
              signal.addEventListener("abort", () => {
                reason = signal.reason;
                resolve();
              });
            }),
          { maxDurationMs: 90_000 },
        ),
      );
    const handled = bot.handle(p.say("1", "?"));
    await p.clock.advance(90_000);
    await handled;
    expect((reason as { code?: string }).code).toBe("TYPING_MAX_DURATION");
    expect(errors.map((e) => e.code)).toEqual(["TYPING_MAX_DURATION"]);
  });

  it("rejects bad input with ConfigError naming it, before anything is sent", async () => {
    const p = fakePlatform();
    const outcomes: unknown[] = [];
    const bot = p.bot().on("message", async (ctx) => {
      for (const attempt of [
        () => ctx.reply(""),
        () => ctx.reply("x".repeat(20_001)),
        () => ctx.reply(42 as never),
        () => ctx.reply("fine", { onlyOnce: "yes" as never }),
        () => ctx.think(async () => 1, { status: "DANCING" as never }),
        () => ctx.think("not a job" as never),
        () => ctx.think(async () => 1, { maxDurationMs: -1 }),
        () => ctx.think(async (_s, status) => status("thinking" as never)),
      ]) {
        outcomes.push(await attempt().catch((error: unknown) => error));
      }
    });
    await bot.handle(p.say("1", "?"));
    expect(outcomes.every((o) => o instanceof ConfigError)).toBe(true);
    expect(outcomes.map((o) => (o as ConfigError).option)).toEqual([
      "text",
      "text",
      "text",
      "onlyOnce",
      "status",
      "job",
      "maxDurationMs",
      "status",
    ]);
    expect(p.seen.messages).toEqual([]);
  });
});

import { inspect } from "node:util";
import { ConfigError, createClient, type ErrorEvent, type RetryEvent } from "@b24im/core";
import { createFakeClock, createFakeTransport, jsonResponse } from "@b24im/core/testing";
import { describe, expect, it, vi } from "vitest";
import { createBot } from "./bot.js";
import {
  BOT_TOKEN,
  fakePlatform,
  messageData,
  WEBHOOK_CODE,
} from "./fake-platform.test-helpers.js";
import { platformForm, webhookRequest } from "./webhook/platform-form.test-helpers.js";

describe("createBot", () => {
  const webhookClient = () =>
    createClient({
      webhook: `https://x.bitrix24.ru/rest/1/${WEBHOOK_CODE}/`,
      transport: createFakeTransport(),
    });

  it("checks its options: ConfigError naming the bad one, never quoting a token", () => {
    const client = webhookClient();
    const cases: Array<[unknown, string]> = [
      [undefined, "options"],
      [{ botId: 1, botToken: "t" }, "client"],
      [{ client, botId: 0, botToken: "t" }, "botId"],
      [{ client, botId: 1.5, botToken: "t" }, "botId"],
      [{ client, botId: 1 }, "botToken"],
      [{ client, botId: 1, botToken: "" }, "botToken"],
      [{ client, botId: 1, botToken: "t", applicationToken: 5 }, "applicationToken"],
      [{ client, botId: 1, botToken: "t", onError: "log" }, "onError"],
      [{ client, botId: 1, botToken: "t", concurrency: 0 }, "concurrency"],
      [{ client, botId: 1, botToken: "t", pollLimit: 1001 }, "pollLimit"],
      [{ client, botId: 1, botToken: "t", idlePauseMs: 10 }, "idlePauseMs"],
      [{ client, botId: 1, botToken: "t", thinkRefreshMs: 600_000 }, "thinkRefreshMs"],
    ];
    for (const [options, option] of cases) {
      const error = (() => {
        try {
          createBot(options as never);
        } catch (thrown) {
          return thrown;
        }
      })();
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).option).toBe(option);
    }
  });

  it("needs no botToken with an OAuth client", () => {
    const client = createClient({
      oauth: { clientEndpoint: "https://x.bitrix24.ru/rest/", accessToken: "t0ken" },
      transport: createFakeTransport(),
    });
    expect(() => createBot({ client, botId: 456 })).not.toThrow();
  });

  it("on() takes the documented event names only, and chains", () => {
    const bot = createBot({ client: webhookClient(), botId: 1, botToken: "t" });
    expect(bot.on("message", () => {}).on("join", () => {})).toBe(bot);
    expect(() => bot.on("mesage" as never, () => {})).toThrow(ConfigError);
    expect(() => bot.on("message", "reply" as never)).toThrow(ConfigError);
  });

  it("handle() runs every handler of the event in order and ignores other bots' events", async () => {
    const p = fakePlatform();
    const calls: string[] = [];
    const bot = p
      .bot()
      .on("message", () => void calls.push("first"))
      .on("message", () => void calls.push("second"))
      .on("join", () => void calls.push("join"));
    await bot.handle({ type: "ONIMBOTV2MESSAGEADD", data: messageData("1", "hi") });
    await bot.handle({
      type: "ONIMBOTV2MESSAGEADD",
      data: { ...messageData("1", "hi"), bot: { id: 999, code: "other" } },
    });
    await bot.handle({ type: "ONIMBOTV2REACTIONCHANGE", data: messageData("1", "hi") });
    expect(calls).toEqual(["first", "second"]);
    await expect(bot.handle({ type: "X" } as never)).rejects.toBeInstanceOf(ConfigError);
  });

  it("reports a malformed message event instead of running the handler with holes", async () => {
    const p = fakePlatform();
    const errors: Array<{ code?: string }> = [];
    let ran = false;
    const bot = p
      .bot({ onError: (error) => void errors.push(error as { code?: string }) })
      .on("message", () => {
        ran = true;
      });
    await bot.handle({ type: "ONIMBOTV2MESSAGEADD", data: { chat: { dialogId: "1" } } as never });
    expect(ran).toBe(false);
    expect(errors.map((e) => e.code)).toEqual(["BOT_EVENT_INVALID"]);
  });

  it("without onError, a handler's throw is printed once to the console, never silent", async () => {
    const p = fakePlatform();
    const printed = vi.spyOn(console, "error").mockImplementation(() => {});
    try {
      const bot = p.bot({ onError: undefined }).on("message", () => {
        throw new Error("handler broke");
      });
      await bot.handle(p.say("1", "hi"));
      expect(printed).toHaveBeenCalledTimes(1);
      expect(String(printed.mock.calls[0]?.[0])).toMatch(/ONIMBOTV2MESSAGEADD.*handler broke/);
    } finally {
      printed.mockRestore();
    }
  });

  it("an onError that throws or rejects disturbs nothing", async () => {
    const p = fakePlatform();
    const texts: string[] = [];
    for (const onError of [
      () => {
        throw new Error("logger down");
      },
      async () => {
        throw new Error("async logger down");
      },
    ]) {
      const bot = p.bot({ onError }).on("message", (ctx) => {
        texts.push(ctx.message.text);
        throw new Error("handler broke");
      });
      await expect(bot.handle(p.say("1", "hi"))).resolves.toBeUndefined();
    }
    expect(texts).toEqual(["hi", "hi"]);
  });
});

describe("secrets", () => {
  it("no webhook code, bot token or OAuth/application token in any error, hook or handler rendering", async () => {
    const APP_TOKEN = "pl4ntedAppT0ken";
    const BOT_ACCESS = "pl4ntedB0tAccessT0ken";
    const clock = createFakeClock();
    const transport = createFakeTransport({ clock });
    // A broken proxy echoes every request back in its error.
    transport.setDefault((x) =>
      jsonResponse(
        { error: "INTERNAL_SERVER_ERROR", error_description: `${x.request.url} ${x.request.body}` },
        500,
      ),
    );
    const seen: unknown[] = [];
    const client = createClient({
      webhook: `https://x.bitrix24.ru/rest/1/${WEBHOOK_CODE}/`,
      transport,
      clock,
      retry: { attempts: 2, random: () => 0 },
      hooks: {
        onRetry: (e: RetryEvent) => void seen.push(e, e.error.stack),
        onError: (e: ErrorEvent) => void seen.push(e, e.error.stack),
      },
    });
    const bot = createBot({
      client,
      botId: 456,
      botToken: BOT_TOKEN,
      applicationToken: APP_TOKEN,
      clock,
      onError: (error, event) => void seen.push(error, (error as Error).stack, event),
    }).on("message", async (ctx) => {
      seen.push(ctx, inspect(ctx, { depth: 10 }));
      await ctx.think(() => clock.advance(1_000));
      await ctx.reply("answer");
    });
    const data = {
      ...messageData("1", "hi"),
      bot: {
        id: 456,
        code: "helper",
        auth: { access_token: BOT_ACCESS, application_token: APP_TOKEN },
      },
    };
    const body = platformForm({
      event: "ONIMBOTV2MESSAGEADD",
      data,
      auth: { application_token: APP_TOKEN },
    });
    const answered = bot.fetch(webhookRequest(body));
    await clock.runAll();
    expect((await answered).status).toBe(200);
    const polling = bot.start();
    await clock.advance(5_000);
    await bot.stop();
    await polling;
    expect(seen.length).toBeGreaterThan(5);
    const text = seen
      .map((item) =>
        typeof item === "string"
          ? item
          : `${JSON.stringify(item)}\n${inspect(item, { depth: 10 })}`,
      )
      .join("\n");
    for (const secret of [WEBHOOK_CODE, BOT_TOKEN, APP_TOKEN, BOT_ACCESS]) {
      expect(text).not.toContain(secret);
    }
  });
});

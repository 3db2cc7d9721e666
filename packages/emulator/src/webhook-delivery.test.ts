import { once } from "node:events";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Emulator } from "./emulator-types.js";
import { parsePhpQuery } from "./php-query.js";
import type { EmulatorSeed } from "./seed.js";
import { startEmulator } from "./server.js";
import { postJson } from "./test-http.js";

interface Received {
  contentType: string | undefined;
  raw: string;
  // biome-ignore lint/suspicious/noExplicitAny: tests read the documented event shape.
  body: any;
}

/** A bot's handler on loopback: records every POST and answers as `reply` says. */
async function startHandler(reply: (req: IncomingMessage, res: ServerResponse) => void) {
  const received: Received[] = [];
  const server: Server = createServer((req, res) => {
    let raw = "";
    req.on("data", (chunk) => {
      raw += chunk;
    });
    req.on("end", () => {
      received.push({ contentType: req.headers["content-type"], raw, body: parsePhpQuery(raw) });
      reply(req, res);
    });
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/bot?secret=s3cret`;
  const close = () => {
    server.closeAllConnections();
    return new Promise<void>((resolve) => server.close(() => resolve()));
  };
  return { received, url, close };
}

const seedWith = (webhookUrl: string): EmulatorSeed => ({
  users: [{ id: 1, name: "Anna", lastName: "Admin" }],
  chats: [{ id: 1, title: "General", members: [1, 100] }],
  bots: [
    {
      id: 100,
      name: "Hooked",
      clientId: "hook-app",
      botToken: "hooked-token",
      code: "hooked",
      eventMode: "webhook",
      webhookUrl,
    },
  ],
  webhooks: [{ userId: 1, code: "hook1" }],
});

describe("webhook delivery", () => {
  let handler: Awaited<ReturnType<typeof startHandler>>;
  let emulator: Emulator;
  beforeAll(async () => {
    handler = await startHandler((_req, res) => res.end('{"status":"ok"}'));
    emulator = await startEmulator({ seed: seedWith(handler.url) });
  });
  beforeEach(() => {
    emulator.reset();
    handler.received.length = 0;
  });
  afterAll(async () => {
    await emulator.close();
    await handler.close();
  });

  it("POSTs one form-encoded event with PHP keys, string scalars and a top-level token", async () => {
    const messageId = emulator.say({ from: 1, dialogId: "100", text: "Hi & bye" });
    await emulator.deliveriesSettled();
    expect(handler.received).toHaveLength(1);
    const [{ contentType, raw, body }] = handler.received as [Received];
    expect(contentType).toBe("application/x-www-form-urlencoded");
    expect(raw).toMatch(/^event=ONIMBOTV2MESSAGEADD&data%5Bbot%5D%5Bid%5D=100&/);
    expect(raw).toContain(`&auth%5Bapplication_token%5D=${emulator.applicationToken(100)}`);
    expect(body).toEqual({
      event: "ONIMBOTV2MESSAGEADD",
      data: {
        bot: {
          id: "100",
          code: "hooked",
          auth: {
            access_token: expect.stringMatching(/^[0-9a-f]{64}$/),
            expires: expect.stringMatching(/^\d+$/),
            expires_in: "3600",
            scope: "imbot",
            domain: new URL(emulator.url).host,
            server_endpoint: `${emulator.url}/rest/`,
            status: "L",
            client_endpoint: `${emulator.url}/rest/`,
            member_id: "b24im-emulator",
            user_id: "1",
            application_token: emulator.applicationToken(100),
          },
        },
        message: {
          id: String(messageId),
          chatId: expect.stringMatching(/^\d+$/),
          authorId: "1",
          date: expect.stringMatching(/\+00:00$/),
          text: "Hi & bye",
          isSystem: "0",
          uuid: "",
          forward: "",
          viewedByOthers: "0",
        },
        chat: expect.objectContaining({ dialogId: "1", type: "private", owner: "100" }),
        user: expect.objectContaining({
          id: "1",
          active: "1",
          bot: "0",
          idle: "0",
          departments: { "0": "1" },
        }),
        language: "en",
      },
      ts: expect.stringMatching(/^\d{10}$/),
      auth: {
        domain: new URL(emulator.url).host,
        application_token: emulator.applicationToken(100),
      },
    });
    expect(emulator.deliveries).toEqual([
      {
        at: expect.any(Number),
        botId: 100,
        event: "ONIMBOTV2MESSAGEADD",
        url: handler.url.replace(/\?.*$/, ""),
        status: 200,
        durationMs: expect.any(Number),
      },
    ]);
  });

  it("hands the bot OAuth tokens it can answer with, no botToken needed", async () => {
    emulator.say({ from: 1, dialogId: "100", text: "answer me" });
    await emulator.deliveriesSettled();
    const { data } = (handler.received[0] as Received).body;
    const answer = await postJson(`${data.bot.auth.client_endpoint}imbot.v2.Chat.Message.send`, {
      auth: data.bot.auth.access_token,
      botId: Number(data.bot.id),
      dialogId: data.chat.dialogId,
      fields: { message: "answered" },
    });
    expect(answer.body.result).toEqual({ id: expect.any(Number), uuidMap: {} });
    // A fetch-mode queue does not fill for a webhook-mode bot.
    const polled = await postJson(`${emulator.webhookUrl()}imbot.v2.Event.get`, {
      botId: 100,
      botToken: "hooked-token",
    });
    expect(polled.body.result.events).toEqual([]);
  });

  it("keeps each bot's events in order, one POST per event", async () => {
    for (const text of ["one", "two", "three"]) emulator.say({ from: 1, dialogId: "100", text });
    emulator.say({ from: 1, dialogId: "chat1", text: "no mention, no event" });
    await emulator.deliveriesSettled();
    expect(handler.received.map((r) => r.body.data.message.text)).toEqual(["one", "two", "three"]);
  });

  it("signs a registered webhook bot's events with its own token, and ends with DELETE", async () => {
    const registered = await postJson(`${emulator.webhookUrl()}imbot.v2.Bot.register`, {
      fields: {
        code: "fresh",
        botToken: "fresh-token",
        properties: { name: "Fresh" },
        eventMode: "webhook",
        webhookUrl: handler.url,
      },
    });
    const botId = registered.body.result.bot.id as number;
    emulator.say({ from: 1, dialogId: String(botId), text: "hello fresh" });
    await postJson(`${emulator.webhookUrl()}imbot.v2.Bot.unregister`, {
      botId,
      botToken: "fresh-token",
    });
    await emulator.deliveriesSettled();
    expect(handler.received.map((r) => r.body.event)).toEqual([
      "ONIMBOTV2MESSAGEADD",
      "ONIMBOTV2DELETE",
    ]);
    const token = emulator.applicationToken(botId);
    expect(token).not.toBe(emulator.applicationToken(100));
    for (const { body } of handler.received) expect(body.auth.application_token).toBe(token);
    expect(Object.keys(handler.received[1]?.body.data)).toEqual(["bot"]);
  });
});

describe("webhook delivery failures", () => {
  it("records refusals, error statuses and timeouts once each, never retrying", async () => {
    const failing = await startHandler((_req, res) => {
      res.statusCode = 500;
      res.end("boom");
    });
    const silent = await startHandler(() => {
      // Never answers.
    });
    const refusing = await startHandler(() => {});
    const refusedUrl = refusing.url;
    await refusing.close();
    const emulator = await startEmulator({
      seed: seedWith(failing.url),
      webhookTimeoutMs: 1_500,
    });
    const call = (method: string, params: object) =>
      postJson(`${emulator.webhookUrl()}imbot.v2.${method}`, {
        botToken: "hooked-token",
        ...params,
      });
    emulator.say({ from: 1, dialogId: "100", text: "to a failing handler" });
    await emulator.deliveriesSettled();
    await call("Bot.update", { botId: 100, fields: { webhookUrl: refusedUrl } });
    emulator.say({ from: 1, dialogId: "100", text: "to nobody" });
    await emulator.deliveriesSettled();
    await call("Bot.update", { botId: 100, fields: { webhookUrl: silent.url } });
    emulator.say({ from: 1, dialogId: "100", text: "to a silent handler" });
    await emulator.deliveriesSettled();
    expect(emulator.deliveries.map((d) => d.status ?? d.error)).toEqual([
      500,
      "ECONNREFUSED",
      "timeout",
    ]);
    expect(failing.received).toHaveLength(1);
    expect(silent.received).toHaveLength(1);
    // The emulator kept serving throughout.
    expect((await postJson(`${emulator.webhookUrl()}server.time`)).status).toBe(200);
    await emulator.close();
    await Promise.all([failing.close(), silent.close()]);
  });

  it("close() aborts a POST under way and returns at once", async () => {
    const silent = await startHandler(() => {});
    const emulator = await startEmulator({ seed: seedWith(silent.url), webhookTimeoutMs: 60_000 });
    emulator.say({ from: 1, dialogId: "100", text: "hang" });
    while (silent.received.length === 0) await new Promise((resolve) => setTimeout(resolve, 10));
    const started = performance.now();
    await emulator.close();
    await emulator.deliveriesSettled();
    expect(performance.now() - started).toBeLessThan(5_000);
    expect(emulator.deliveries.map((d) => d.error)).toEqual(["closed"]);
    await silent.close();
  });
});

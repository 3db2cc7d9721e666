import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { MessageContext } from "../context/contexts.js";
import { fakePlatform, messageData } from "../fake-platform.test-helpers.js";
import { platformForm, webhookRequest } from "./platform-form.test-helpers.js";

const APP_TOKEN = "pl4ntedAppl1cationT0ken";
const BOT_AUTH = {
  access_token: "pl4ntedB0tAccess",
  refresh_token: "pl4ntedB0tRefresh",
  application_token: APP_TOKEN,
};

const eventBody = (token: string | undefined, data: Record<string, unknown> = webhookData()) =>
  platformForm({
    event: "ONIMBOTV2MESSAGEADD",
    data,
    ts: 1_736_926_200,
    auth:
      token === undefined
        ? { domain: "x.bitrix24.ru" }
        : { domain: "x.bitrix24.ru", application_token: token },
  });

function webhookData(text = "hello") {
  const data = messageData("1", text);
  return { ...data, bot: { id: data.bot.id, code: data.bot.code, auth: BOT_AUTH } };
}

function setup() {
  const p = fakePlatform();
  const handled: MessageContext[] = [];
  const errors: unknown[] = [];
  const bot = p
    .bot({ applicationToken: APP_TOKEN, onError: (error) => void errors.push(error) })
    .on("message", (ctx) => void handled.push(ctx));
  return { p, bot, handled, errors };
}

describe("webhook mode", () => {
  it("verifies, decodes and dispatches an event, answering 200 once the handler settled", async () => {
    const { bot, handled } = setup();
    const response = await bot.fetch(webhookRequest(eventBody(APP_TOKEN)));
    expect(response.status).toBe(200);
    expect(handled).toHaveLength(1);
    expect(handled[0]?.message).toEqual({
      id: 789,
      chatId: 41,
      authorId: 1,
      text: "hello",
      date: "2025-01-15T10:30:00+03:00",
    });
    expect(handled[0]?.event.date).toBe("2025-01-15T07:30:00.000Z");
  });

  it("answers 401 to a missing or wrong token, and the handler never runs", async () => {
    const { bot, handled } = setup();
    for (const token of [undefined, "", "wrong", `${APP_TOKEN}x`, APP_TOKEN.slice(0, -1)]) {
      const response = await bot.fetch(webhookRequest(eventBody(token)));
      expect(response.status).toBe(401);
    }
    // The token inside data[bot][auth] is not the one that counts.
    const response = await bot.fetch(webhookRequest(eventBody("wrong", webhookData())));
    expect(response.status).toBe(401);
    expect(handled).toEqual([]);
  });

  it("a bot made without applicationToken answers 401 to every event", async () => {
    const p = fakePlatform();
    let ran = false;
    const bot = p.bot().on("message", () => {
      ran = true;
    });
    expect((await bot.fetch(webhookRequest(eventBody(APP_TOKEN)))).status).toBe(401);
    expect(ran).toBe(false);
  });

  it("405 for another method, 413 for a huge body, 400 for a verified body that is no event", async () => {
    const { bot, handled } = setup();
    const get = await bot.fetch(webhookRequest("", { method: "GET" }));
    expect(get.status).toBe(405);
    expect(get.headers.get("allow")).toBe("POST");
    const huge = await bot.fetch(
      webhookRequest(`${eventBody(APP_TOKEN)}&pad=${"x".repeat(2_000_000)}`),
    );
    expect(huge.status).toBe(413);
    const noEvent = await bot.fetch(
      webhookRequest(platformForm({ auth: { application_token: APP_TOKEN }, data: { a: 1 } })),
    );
    expect(noEvent.status).toBe(400);
    expect(handled).toEqual([]);
  });

  it("a handler's throw is reported, not answered: still 200", async () => {
    const p = fakePlatform();
    const errors: unknown[] = [];
    const bot = p
      .bot({ applicationToken: APP_TOKEN, onError: (error) => void errors.push(error) })
      .on("message", () => {
        throw new Error("handler broke");
      });
    const response = await bot.fetch(webhookRequest(eventBody(APP_TOKEN)));
    expect(response.status).toBe(200);
    expect(errors).toEqual([new Error("handler broke")]);
  });

  it("with waitUntil, answers at once and hands over the handler's work", async () => {
    const p = fakePlatform();
    let release: (() => void) | undefined;
    const slow = p.bot({ applicationToken: APP_TOKEN }).on(
      "message",
      () =>
        new Promise<void>((resolve) => {
          release = resolve;
        }),
    );
    const handedOver: Array<Promise<void>> = [];
    const response = await slow.fetch(webhookRequest(eventBody(APP_TOKEN)), {
      waitUntil: (work) => void handedOver.push(work),
    });
    expect(response.status).toBe(200);
    expect(handedOver).toHaveLength(1);
    let settled = false;
    void handedOver[0]?.then(() => {
      settled = true;
    });
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(settled).toBe(false);
    release?.();
    await handedOver[0];
    expect(settled).toBe(true);
  });

  it("handlers see the same typed shapes as in fetch mode, and no token in JSON", async () => {
    const { bot, handled } = setup();
    await bot.fetch(webhookRequest(eventBody(APP_TOKEN)));
    const fetchMode = messageData("1", "hello");
    const { bot: botInEvent, ...rest } = handled[0]?.event.data ?? {};
    const { bot: fetchBot, ...fetchRest } = fetchMode;
    expect(rest).toEqual(fetchRest);
    expect(botInEvent).toEqual({ id: fetchBot.id, code: fetchBot.code });
    expect(botInEvent?.auth?.access_token).toBe(BOT_AUTH.access_token);
    const json = JSON.stringify(handled[0]);
    for (const secret of Object.values(BOT_AUTH)) expect(json).not.toContain(secret);
  });

  it("never answers 500 nor throws, for any body, verified or not", async () => {
    const { bot } = setup();
    const statuses = new Set<number>();
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.string({ unit: "binary", maxLength: 300 }),
          fc
            .array(
              fc.tuple(
                fc.constantFrom("event", "data", "auth", "ts", "data[bot]", "data[message]"),
                fc.stringMatching(/^(\[[a-zA-Z_0-9]{0,8}\]){0,4}$/),
                fc.string({ unit: "grapheme", maxLength: 8 }),
              ),
              { maxLength: 20 },
            )
            .map((pairs) =>
              [
                `auth[application_token]=${APP_TOKEN}`,
                ...pairs.map(
                  ([root, path, value]) => `${root}${path}=${encodeURIComponent(value)}`,
                ),
              ].join("&"),
            ),
        ),
        async (body) => {
          const response = await bot.fetch(webhookRequest(body));
          statuses.add(response.status);
          expect([200, 400, 401]).toContain(response.status);
        },
      ),
      { numRuns: 400 },
    );
    expect(statuses.has(401)).toBe(true);
    expect(statuses.has(400)).toBe(true);
  });
});

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Emulator } from "../emulator-types.js";
import { startEmulator } from "../server.js";
import { postJson, postRaw } from "../test-http.js";

describe("imbot.v2 bots", () => {
  let emulator: Emulator;
  let call: (method: string, params: object) => ReturnType<typeof postJson>;
  beforeAll(async () => {
    emulator = await startEmulator();
    call = (method, params) => postJson(`${emulator.webhookUrl()}imbot.v2.${method}`, params);
  });
  afterAll(() => emulator.close());

  const register = (fields: object) => call("Bot.register", { fields });

  describe("Bot.register", () => {
    it("registers a fetch-mode bot and answers {bot, users}", async () => {
      const { status, body } = await register({
        code: "support",
        botToken: "support-token",
        properties: { name: "Support", lastName: "Bot", workPosition: "AI" },
      });
      expect(status).toBe(200);
      expect(body.result.bot).toEqual({
        id: expect.any(Number),
        code: "support",
        type: "bot",
        isHidden: false,
        isSupportOpenline: false,
        isReactionsEnabled: true,
        backgroundId: null,
        language: "en",
        moduleId: "rest",
        eventMode: "fetch",
        countMessage: 0,
        countCommand: 0,
        countChat: 0,
        countUser: 0,
      });
      expect(body.result.users).toEqual([
        expect.objectContaining({
          id: body.result.bot.id,
          name: "Support Bot",
          firstName: "Support",
          lastName: "Bot",
          workPosition: "AI",
          bot: true,
          type: "bot",
        }),
      ]);
      expect(body.result.bot.id).toBeGreaterThan(100);
    });

    it("is idempotent by code for the same caller and refuses the code to another", async () => {
      const fields = { code: "twice", botToken: "twice-token", properties: { name: "Twice" } };
      const first = await register(fields);
      const again = await register({ ...fields, properties: { name: "Renamed" } });
      expect(again.body.result.bot.id).toBe(first.body.result.bot.id);
      expect(again.body.result.users[0].name).toBe("Twice");
      const other = await register({ ...fields, botToken: "someone-else" });
      expect([other.status, other.body.error]).toEqual([400, "BOT_CODE_ALREADY_TAKEN"]);
    });

    it("returns a seeded bot for its code and token", async () => {
      const { body } = await register({
        code: "demo_bot",
        botToken: "demo-bot-token",
        properties: { name: "X" },
      });
      expect(body.result.bot).toMatchObject({ id: 100, code: "demo_bot", countChat: 2 });
    });

    it("takes a PHP-style form body with Y/N booleans", async () => {
      const form = [
        "fields[code]=formed",
        "fields[botToken]=formed-token",
        "fields[properties][name]=Formed",
        "fields[type]=supervisor",
        "fields[isHidden]=Y",
        "fields[backgroundId]=mint",
      ].join("&");
      const { body } = await postRaw(
        `${emulator.webhookUrl()}imbot.v2.Bot.register`,
        "application/x-www-form-urlencoded",
        form,
      );
      expect(body.result.bot).toMatchObject({
        code: "formed",
        type: "supervisor",
        isHidden: true,
        backgroundId: "mint",
      });
    });

    it.each([
      [{ code: "a", properties: { name: "A" } }, 400, "BOT_TOKEN_NOT_SPECIFIED"],
      [{ botToken: "t-a", properties: { name: "A" } }, 400, "BOT_CODE_REQUIRED"],
      [{ code: "a", botToken: "t-a" }, 400, "BOT_PROPERTIES_REQUIRED"],
      [{ code: "a", botToken: "t-a", properties: { name: " " } }, 400, "BOT_PROPERTIES_REQUIRED"],
      [
        { code: "a", botToken: "t-a", properties: { name: "A" }, type: "x" },
        400,
        "BOT_INVALID_TYPE",
      ],
      [
        { code: "a", botToken: "t-a", properties: { name: "A" }, eventMode: "push" },
        400,
        "BOT_INVALID_EVENT_MODE",
      ],
      [
        { code: "a", botToken: "t-a", properties: { name: "A" }, eventMode: "webhook" },
        400,
        "BOT_WEBHOOK_URL_REQUIRED",
      ],
      [
        {
          code: "a",
          botToken: "t-a",
          properties: { name: "A" },
          eventMode: "webhook",
          webhookUrl: "ftp://x",
        },
        400,
        "BOT_INVALID_CALLBACK",
      ],
      [
        { code: "a", botToken: "x".repeat(41), properties: { name: "A" } },
        400,
        "BOT_TOKEN_INVALID_LENGTH",
      ],
      [
        { code: "a", botToken: "demo-bot-token", properties: { name: "A" } },
        400,
        "BOT_REGISTER_FAILED",
      ],
    ])("answers %j with %i %s", async (fields, status, error) => {
      const answer = await register(fields);
      expect([answer.status, answer.body.error]).toEqual([status, error]);
    });
  });

  describe("Bot.get, Bot.list, Bot.update", () => {
    it("gets a bot by id or code: extended for its owner, short for others", async () => {
      const mine = await call("Bot.get", { botId: 100, botToken: "demo-bot-token" });
      expect(mine.body.result.bot).toMatchObject({ id: 100, eventMode: "fetch" });
      const byCode = await call("Bot.get", { code: "demo_bot", botToken: "demo-bot-token" });
      expect(byCode.body.result.bot.id).toBe(100);
      const theirs = await call("Bot.get", { botId: 100, botToken: "not-mine" });
      expect(theirs.body.result.bot).not.toHaveProperty("eventMode");
      expect(theirs.body.result.bot).toMatchObject({ id: 100, code: "demo_bot" });
    });

    it.each([
      [{ botToken: "t" }, 400, "PARAMS_REQUIRED"],
      [{ botId: 100 }, 400, "BOT_TOKEN_NOT_SPECIFIED"],
      [{ botId: 9999, botToken: "t" }, 400, "BOT_NOT_FOUND"],
      [{ code: "nope", botToken: "t" }, 400, "BOT_NOT_FOUND"],
    ])("Bot.get answers %j with %i %s", async (params, status, error) => {
      const answer = await call("Bot.get", params);
      expect([answer.status, answer.body.error]).toEqual([status, error]);
    });

    it("lists the caller's bots, filtered and paged", async () => {
      const { body } = await call("Bot.list", { botToken: "demo-bot-token" });
      expect(body.result.bots.map((bot: { id: number }) => bot.id)).toEqual([100]);
      expect(body.result.users[0]).toMatchObject({ id: 100, name: "Demo Bot", bot: true });
      expect(body.result.hasNextPage).toBe(false);
      const filtered = await call("Bot.list", {
        botToken: "demo-bot-token",
        filter: { type: "supervisor" },
      });
      expect(filtered.body.result.bots).toEqual([]);
      const none = await call("Bot.list", {});
      expect([none.status, none.body.error]).toEqual([400, "BOT_TOKEN_NOT_SPECIFIED"]);
    });

    it("updates profile, mode and URL, and rotates the token", async () => {
      const { body } = await register({
        code: "rotating",
        botToken: "old-token",
        properties: { name: "Rotating" },
      });
      const botId = body.result.bot.id;
      const tokenBefore = emulator.applicationToken(botId);
      const updated = await call("Bot.update", {
        botId,
        botToken: "old-token",
        fields: {
          properties: { name: "Renamed", color: "#123456" },
          isReactionsEnabled: "N",
          eventMode: "webhook",
          webhookUrl: "http://127.0.0.1:9/hook",
          botToken: "new-token",
        },
      });
      expect(updated.body.result.bot).toMatchObject({
        eventMode: "webhook",
        isReactionsEnabled: false,
      });
      expect(updated.body.result.users[0]).toMatchObject({ name: "Renamed", color: "#123456" });
      const old = await call("Bot.get", { botId, botToken: "old-token" });
      expect(old.body.result.bot).not.toHaveProperty("eventMode");
      const stale = await call("Bot.update", { botId, botToken: "old-token", fields: {} });
      expect([stale.status, stale.body.error]).toEqual([403, "BOT_OWNERSHIP_ERROR"]);
      expect(emulator.applicationToken(botId)).not.toBe(tokenBefore);
    });

    it.each([
      [{ fields: { eventMode: "push" } }, 400, "BOT_INVALID_EVENT_MODE"],
      [{ fields: { eventMode: "webhook" } }, 400, "BOT_WEBHOOK_URL_REQUIRED"],
      [{ fields: { webhookUrl: "not a url" } }, 400, "BOT_INVALID_CALLBACK"],
      [{ fields: { botToken: "y".repeat(41) } }, 400, "BOT_TOKEN_INVALID_LENGTH"],
      [{ fields: { botToken: "support-token" } }, 400, "BOT_TOKEN_ROTATION_FAILED"],
      [{ botToken: "wrong" }, 403, "BOT_OWNERSHIP_ERROR"],
      [{ botId: undefined }, 400, "BOT_ID_REQUIRED"],
    ])("Bot.update answers %j with %i %s and changes nothing", async (params, status, error) => {
      const answer = await call("Bot.update", {
        botId: 100,
        botToken: "demo-bot-token",
        ...params,
      });
      expect([answer.status, answer.body.error]).toEqual([status, error]);
      const after = await call("Bot.get", { botId: 100, botToken: "demo-bot-token" });
      expect(after.body.result.bot.eventMode).toBe("fetch");
    });
  });

  describe("Bot.unregister and Event.get", () => {
    it("ends with ONIMBOTV2DELETE, readable until acknowledged", async () => {
      const { body } = await register({
        code: "leaving",
        botToken: "leaving-token",
        properties: { name: "Leaving" },
      });
      const botId = body.result.bot.id;
      const gone = await call("Bot.unregister", { botId, botToken: "leaving-token" });
      expect(gone.body.result).toEqual({ result: true });
      const again = await call("Bot.get", { botId, botToken: "leaving-token" });
      expect([again.status, again.body.error]).toEqual([400, "BOT_NOT_FOUND"]);
      const page = await call("Event.get", { botId, botToken: "leaving-token" });
      expect(page.body.result).toEqual({
        events: [
          {
            eventId: expect.any(Number),
            type: "ONIMBOTV2DELETE",
            date: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00$/),
            data: { bot: expect.objectContaining({ id: botId, code: "leaving" }) },
          },
        ],
        nextOffset: page.body.result.events[0].eventId + 1,
        hasMore: false,
      });
      expect(page.body.result.events[0].data.bot).not.toHaveProperty("auth");
      const acknowledged = await call("Event.get", {
        botId,
        botToken: "leaving-token",
        offset: page.body.result.nextOffset,
      });
      expect(acknowledged.body.result.events).toEqual([]);
      const after = await call("Event.get", { botId, botToken: "leaving-token" });
      expect([after.status, after.body.error]).toEqual([400, "BOT_NOT_FOUND"]);
    });

    it.each([
      [{ botId: 100 }, 400, "BOT_TOKEN_NOT_SPECIFIED"],
      [{ botToken: "demo-bot-token" }, 400, "BOT_ID_REQUIRED"],
      [{ botId: 4242, botToken: "demo-bot-token" }, 400, "BOT_NOT_FOUND"],
      [{ botId: 100, botToken: "support-token" }, 403, "BOT_OWNERSHIP_ERROR"],
      [{ botId: 100, botToken: "demo-bot-token", offset: "x" }, 400, "ERROR_ARGUMENT"],
    ])("Event.get answers %j with %i %s", async (params, status, error) => {
      const answer = await call("Event.get", params);
      expect([answer.status, answer.body.error]).toEqual([status, error]);
    });

    it("answers an empty page when nothing is new", async () => {
      const { body } = await call("Event.get", { botId: 100, botToken: "demo-bot-token" });
      expect(body.result).toEqual({ events: [], nextOffset: 0, hasMore: false });
    });
  });

  describe("OAuth apps", () => {
    it("register and use bots by client id, without bot tokens", async () => {
      const { access_token } = emulator.oauth.issueTokens();
      const oauth = (method: string, params: object) =>
        postJson(`${emulator.url}/rest/imbot.v2.${method}`, { auth: access_token, ...params });
      const { body } = await oauth("Bot.register", {
        fields: { code: "app_bot", properties: { name: "App Bot" } },
      });
      const botId = body.result.bot.id;
      expect((await oauth("Bot.get", { botId })).body.result.bot.eventMode).toBe("fetch");
      const list = await oauth("Bot.list", {});
      expect(list.body.result.bots.map((bot: { id: number }) => bot.id)).toEqual([botId]);
      const typing = await oauth("Chat.InputAction.notify", { botId, dialogId: "1" });
      expect(typing.body.result).toEqual({ result: true });
      const foreign = await oauth("Bot.update", { botId: 100, fields: {} });
      expect([foreign.status, foreign.body.error]).toEqual([403, "BOT_OWNERSHIP_ERROR"]);
    });
  });
});

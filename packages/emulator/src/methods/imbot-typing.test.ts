import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Emulator } from "../emulator-types.js";
import { startEmulator } from "../server.js";
import { postJson } from "../test-http.js";

describe("bot typing methods", () => {
  let emulator: Emulator;
  beforeAll(async () => {
    emulator = await startEmulator({ typingTtlMs: 60_000 });
  });
  beforeEach(() => emulator.reset());
  afterAll(() => emulator.close());

  const botLine = (dialogId: string) =>
    emulator
      .state()
      .dialogs.find((dialog) => dialog.id === dialogId)
      ?.typing.find((line) => line.senderId === 100);

  describe("imbot.chat.sendTyping", () => {
    const send = (params: object) =>
      postJson(`${emulator.webhookUrl()}imbot.chat.sendTyping`, params);

    it("shows the bot typing", async () => {
      const answer = await send({ BOT_ID: 100, DIALOG_ID: "chat1", CLIENT_ID: "demo-client" });
      expect(answer.body.result).toBe(true);
      expect(botLine("chat1")?.senderName).toBe("Demo Bot");
    });

    it.each([
      [{ BOT_ID: 100, DIALOG_ID: "chat1" }, 403, "ACCESS_DENIED"],
      [{ BOT_ID: 7, DIALOG_ID: "chat1", CLIENT_ID: "demo-client" }, 400, "BOT_ID_ERROR"],
      [{ BOT_ID: 100, DIALOG_ID: "chat1", CLIENT_ID: "other" }, 400, "APP_ID_ERROR"],
      [{ BOT_ID: 100, DIALOG_ID: "x", CLIENT_ID: "demo-client" }, 400, "DIALOG_ID_EMPTY"],
      [{ BOT_ID: 100, DIALOG_ID: "sg1", CLIENT_ID: "demo-client" }, 403, "ACCESS_ERROR"],
    ])("answers %j with %i %s", async (params, status, error) => {
      const answer = await send(params);
      expect([answer.status, answer.body.error]).toEqual([status, error]);
    });
  });

  describe("imbot.v2.Chat.InputAction.notify", () => {
    const notify = (params: object) =>
      postJson(`${emulator.webhookUrl()}imbot.v2.Chat.InputAction.notify`, params);
    const valid = { botId: 100, botToken: "demo-bot-token", dialogId: "chat2" };

    it("answers {result: {result: true}} and keeps the line for duration seconds", async () => {
      const answer = await notify({
        ...valid,
        statusMessageCode: "IMBOT_AGENT_ACTION_THINKING",
        duration: 5,
      });
      expect(answer.body.result).toEqual({ result: true });
      const line = botLine("chat2");
      expect(line?.statusMessageCode).toBe("IMBOT_AGENT_ACTION_THINKING");
      expect((line?.expiresAt ?? 0) - (line?.since ?? 0)).toBe(5_000);
    });

    it("uses the typing TTL without a duration", async () => {
      await notify(valid);
      const line = botLine("chat2");
      expect((line?.expiresAt ?? 0) - (line?.since ?? 0)).toBe(60_000);
    });

    it.each([
      [{ botId: 100, dialogId: "chat2" }, 400, "BOT_TOKEN_NOT_SPECIFIED"],
      [{ botToken: "demo-bot-token", dialogId: "chat2" }, 400, "BOT_ID_REQUIRED"],
      [{ ...valid, botId: 5 }, 400, "BOT_NOT_FOUND"],
      [{ ...valid, botToken: "stolen" }, 403, "BOT_OWNERSHIP_ERROR"],
      [{ ...valid, dialogId: "sg1" }, 403, "ACCESS_DENIED"],
      [{ ...valid, duration: 0 }, 400, "ERROR_ARGUMENT"],
      [{ ...valid, duration: 601 }, 400, "ERROR_ARGUMENT"],
    ])("answers %j with %i %s", async (params, status, error) => {
      const answer = await notify(params);
      expect([answer.status, answer.body.error]).toEqual([status, error]);
    });

    it("lets an OAuth app that owns the bot skip the bot token", async () => {
      const seeded = await startEmulator({
        seed: {
          users: [{ id: 1, name: "A" }],
          chats: [{ id: 1, title: "C", members: [1, 9] }],
          bots: [{ id: 9, name: "Bot", clientId: "app", botToken: "t" }],
          oauthApps: [{ clientId: "app", clientSecret: "s" }],
        },
      });
      const { access_token } = seeded.oauth.issueTokens();
      const answer = await postJson(`${seeded.url}/rest/imbot.v2.Chat.InputAction.notify`, {
        auth: access_token,
        botId: 9,
        dialogId: "chat1",
      });
      expect(answer.body.result).toEqual({ result: true });
      await seeded.close();
    });
  });
});

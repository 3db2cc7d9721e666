import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Emulator } from "../emulator-types.js";
import { startEmulator } from "../server.js";
import { postJson } from "../test-http.js";

describe("imbot.v2.Chat.Message.send", () => {
  let emulator: Emulator;
  beforeAll(async () => {
    emulator = await startEmulator({ typingTtlMs: 60_000 });
  });
  beforeEach(() => emulator.reset());
  afterAll(() => emulator.close());

  const send = (params: object) =>
    postJson(`${emulator.webhookUrl()}imbot.v2.Chat.Message.send`, {
      botId: 100,
      botToken: "demo-bot-token",
      ...params,
    });
  const notify = (params: object) =>
    postJson(`${emulator.webhookUrl()}imbot.v2.Chat.InputAction.notify`, {
      botId: 100,
      botToken: "demo-bot-token",
      ...params,
    });
  const dialog = (id: string) => emulator.state().dialogs.find((d) => d.id === id);

  it("posts in a chat, answers {id, uuidMap}, and ends the bot's status line there", async () => {
    await notify({ dialogId: "chat1", statusMessageCode: "IMBOT_AGENT_ACTION_THINKING" });
    await notify({ dialogId: "chat2" });
    const { status, body } = await send({ dialogId: "chat1", fields: { message: "Done" } });
    expect(status).toBe(200);
    expect(body.result).toEqual({ id: expect.any(Number), uuidMap: {} });
    expect(dialog("chat1")?.typing).toEqual([]);
    expect(dialog("chat1")?.messages).toEqual([
      expect.objectContaining({ id: body.result.id, authorId: 100, text: "Done" }),
    ]);
    // Only its line in that dialog ends.
    expect(dialog("chat2")?.typing).toHaveLength(1);
  });

  it("answers a person in their private dialog by their id", async () => {
    const { body } = await send({ dialogId: "1", fields: { message: "Hello Anna" } });
    expect(dialog("1-100")?.messages[0]).toMatchObject({ id: body.result.id, authorId: 100 });
  });

  it("cuts a text over 20,000 characters and marks the cut", async () => {
    await send({ dialogId: "chat1", fields: { message: "é".repeat(20_001) } });
    const text = dialog("chat1")?.messages[0]?.text ?? "";
    expect(text).toBe(`${"é".repeat(20_000)} (...)`);
    await send({ dialogId: "chat2", fields: { message: "x".repeat(20_000) } });
    expect(dialog("chat2")?.messages[0]?.text).toHaveLength(20_000);
  });

  it("takes fields.system as a boolean or Y/N", async () => {
    await send({ dialogId: "chat1", fields: { message: "sys", system: "Y" } });
    expect(dialog("chat1")?.messages[0]?.system).toBe(true);
  });

  it.each([
    [{ dialogId: "chat1", fields: { message: " " } }, 400, "EMPTY_MESSAGE"],
    [{ dialogId: "chat1" }, 400, "EMPTY_MESSAGE"],
    [{ dialogId: "sg1", fields: { message: "x" } }, 403, "ACCESS_DENIED"],
    [{ dialogId: "chat1", fields: { message: "x" }, botToken: "bad" }, 403, "BOT_OWNERSHIP_ERROR"],
    [{ dialogId: "chat1", fields: { message: "x" }, botToken: "" }, 400, "BOT_TOKEN_NOT_SPECIFIED"],
    [{ dialogId: "chat1", fields: { message: "x" }, botId: "" }, 400, "BOT_ID_REQUIRED"],
    [{ dialogId: "chat1", fields: { message: "x" }, botId: 7 }, 400, "BOT_NOT_FOUND"],
  ])("answers %j with %i %s", async (params, status, error) => {
    const answer = await send(params);
    expect([answer.status, answer.body.error]).toEqual([status, error]);
  });

  it("counts the bot's messages", async () => {
    await send({ dialogId: "chat1", fields: { message: "one" } });
    const { body } = await postJson(`${emulator.webhookUrl()}imbot.v2.Bot.get`, {
      botId: 100,
      botToken: "demo-bot-token",
    });
    expect(body.result.bot.countMessage).toBeGreaterThanOrEqual(1);
  });
});

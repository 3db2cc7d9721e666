import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Emulator } from "../emulator-types.js";
import { startEmulator } from "../server.js";
import { postJson } from "../test-http.js";

describe("im.message.add", () => {
  let emulator: Emulator;
  beforeAll(async () => {
    emulator = await startEmulator({ typingTtlMs: 60_000 });
  });
  afterAll(() => emulator.close());

  const chat1 = () => emulator.state().dialogs.find((dialog) => dialog.id === "chat1");

  it("clears its sender's typing line at once, and only the sender's", async () => {
    await postJson(`${emulator.webhookUrl(1)}im.dialog.writing`, { DIALOG_ID: "chat1" });
    await postJson(`${emulator.webhookUrl(2)}im.dialog.writing`, { DIALOG_ID: "chat1" });
    expect(chat1()?.typing.map((line) => line.senderId)).toEqual([1, 2]);
    const sent = await postJson(`${emulator.webhookUrl(1)}im.message.add`, {
      DIALOG_ID: "chat1",
      MESSAGE: "Hello",
    });
    expect(sent.body.result).toEqual(expect.any(Number));
    expect(chat1()?.typing.map((line) => line.senderId)).toEqual([2]);
    expect(chat1()?.messages).toEqual([
      expect.objectContaining({ id: sent.body.result, authorName: "Anna Admin", text: "Hello" }),
    ]);
  });

  it("refuses an empty message and foreign dialogs", async () => {
    const url = `${emulator.webhookUrl()}im.message.add`;
    const empty = await postJson(url, { DIALOG_ID: "chat1", MESSAGE: " " });
    expect([empty.status, empty.body.error]).toEqual([400, "MESSAGE_EMPTY"]);
    const foreign = await postJson(url, { DIALOG_ID: "chat42", MESSAGE: "x" });
    expect([foreign.status, foreign.body.error]).toEqual([403, "ACCESS_ERROR"]);
  });
});

import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Emulator } from "./emulator-types.js";
import { startEmulator } from "./server.js";
import { postJson, postRaw } from "./test-http.js";

describe("encodings, names and CORS", () => {
  let emulator: Emulator;
  beforeAll(async () => {
    emulator = await startEmulator();
  });
  beforeEach(() => emulator.reset());
  afterAll(() => emulator.close());

  const typingIn = (dialogId: string) =>
    emulator.state().dialogs.find((dialog) => dialog.id === dialogId)?.typing ?? [];
  const messagesIn = (dialogId: string) =>
    emulator.state().dialogs.find((dialog) => dialog.id === dialogId)?.messages ?? [];

  it("reads JSON with parameters after the content type", async () => {
    const url = `${emulator.webhookUrl()}im.dialog.writing`;
    const answer = await postRaw(url, "application/json; charset=utf-8", '{"DIALOG_ID":"chat2"}');
    expect(answer.body.result).toBe(true);
    expect(typingIn("chat2")).toHaveLength(1);
  });

  it("reads malformed JSON as no parameters", async () => {
    const url = `${emulator.webhookUrl()}im.message.add`;
    const answer = await postRaw(url, "application/json", '{"DIALOG_ID":"chat1",');
    expect([answer.status, answer.body.error]).toEqual([400, "DIALOG_ID_EMPTY"]);
  });

  it("reads form bodies and query strings, the body winning", async () => {
    const url = `${emulator.webhookUrl()}im.message.add?DIALOG_ID=chat1&MESSAGE=query`;
    await postRaw(url, "application/x-www-form-urlencoded", "MESSAGE=body+text");
    const get = await fetch(
      `${emulator.webhookUrl()}im.message.add.json?DIALOG_ID=chat2&MESSAGE=q`,
    );
    expect(get.status).toBe(200);
    expect(messagesIn("chat1").map((message) => message.text)).toEqual(["body text"]);
    expect(messagesIn("chat2").map((message) => message.text)).toEqual(["q"]);
  });

  it("upper-cases im parameter keys and matches method names case-insensitively", async () => {
    const answer = await postJson(`${emulator.webhookUrl()}IM.Dialog.Writing`, {
      dialog_id: "chat1",
    });
    expect(answer.body.result).toBe(true);
    expect(typingIn("chat1")).toHaveLength(1);
  });

  it("matches camelCase controller names only as written or lowercased", async () => {
    const params = { botId: 100, botToken: "demo-bot-token", dialogId: "chat1" };
    const base = emulator.webhookUrl();
    expect((await postJson(`${base}imbot.v2.Chat.InputAction.notify`, params)).status).toBe(200);
    expect((await postJson(`${base}imbot.v2.chat.inputaction.notify`, params)).status).toBe(200);
    const shouted = await postJson(`${base}IMBOT.V2.CHAT.INPUTACTION.NOTIFY`, params);
    expect([shouted.status, shouted.body.error]).toEqual([404, "ERROR_METHOD_NOT_FOUND"]);
  });

  it("answers unknown methods 404 ERROR_METHOD_NOT_FOUND", async () => {
    const answer = await postJson(`${emulator.webhookUrl()}crm.lead.list`);
    expect(answer.status).toBe(404);
    expect(answer.body).toMatchObject({
      error: "ERROR_METHOD_NOT_FOUND",
      time: expect.any(Object),
    });
  });

  it("sends CORS headers and answers preflights", async () => {
    const preflight = await fetch(`${emulator.webhookUrl()}im.dialog.writing`, {
      method: "OPTIONS",
      headers: { origin: "https://example.com", "access-control-request-method": "POST" },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get("access-control-allow-origin")).toBe("*");
    expect(preflight.headers.get("access-control-allow-headers")).toBe(
      "origin, content-type, accept",
    );
    const answer = await postJson(`${emulator.webhookUrl()}server.time`);
    expect(answer.headers.get("access-control-allow-origin")).toBe("*");
  });

  it("puts a full time object on every answer", async () => {
    const { body } = await postJson(`${emulator.webhookUrl()}server.time`);
    expect(Object.keys(body.time).sort()).toEqual(
      [
        "date_finish",
        "date_start",
        "duration",
        "finish",
        "operating",
        "operating_reset_at",
        "processing",
        "start",
      ].sort(),
    );
    expect(body.result).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00$/);
  });
});

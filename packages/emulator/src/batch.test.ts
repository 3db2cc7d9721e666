import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { phpMap } from "./batch.js";
import type { Emulator } from "./emulator-types.js";
import { startEmulator } from "./server.js";
import { postJson, postRaw } from "./test-http.js";

describe("phpMap", () => {
  it("writes maps as json_encode does", () => {
    expect(phpMap(new Map())).toEqual([]);
    expect(
      phpMap(
        new Map([
          ["0", "a"],
          ["1", "b"],
        ]),
      ),
    ).toEqual(["a", "b"]);
    expect(phpMap(new Map([["1", "b"]]))).toEqual({ "1": "b" });
  });
});

describe("batch", () => {
  let emulator: Emulator;
  let batchUrl: string;
  beforeAll(async () => {
    emulator = await startEmulator();
    batchUrl = `${emulator.webhookUrl()}batch`;
  });
  afterAll(() => emulator.close());

  it("answers all five maps, empty ones as []", async () => {
    const { status, body } = await postJson(batchUrl, {
      halt: 0,
      cmd: { typing: "im.dialog.writing?DIALOG_ID=chat1" },
    });
    expect(status).toBe(200);
    expect(body.result.result).toEqual({ typing: true });
    expect(body.result.result_error).toEqual([]);
    expect(body.result.result_total).toEqual([]);
    expect(body.result.result_next).toEqual([]);
    expect(body.result.result_time.typing).toMatchObject({ operating: expect.any(Number) });
    expect(body.time).toMatchObject({ start: expect.any(Number), date_start: expect.any(String) });
  });

  it("substitutes $result[key][field] references", async () => {
    const { body } = await postJson(batchUrl, {
      cmd: {
        me: "profile",
        sent: "im.message.add?DIALOG_ID=chat2&MESSAGE=from%20$result[me][NAME]",
      },
    });
    expect(body.result.result.sent).toEqual(expect.any(Number));
    const chat2 = emulator.state().dialogs.find((dialog) => dialog.id === "chat2");
    expect(chat2?.messages.at(-1)?.text).toBe("from Anna");
  });

  it("answers 200 with failures in result_error; halt stops at the first", async () => {
    const cmd = {
      bad: "im.dialog.writing?DIALOG_ID=chat99",
      nested: "batch?cmd[x]=server.time",
      good: "server.time",
    };
    const free = await postJson(batchUrl, { halt: 0, cmd });
    expect(free.status).toBe(200);
    expect(free.body.result.result_error).toEqual({
      bad: { error: "ACCESS_ERROR", error_description: expect.any(String) },
      nested: { error: "ERROR_BATCH_METHOD_NOT_ALLOWED", error_description: expect.any(String) },
    });
    expect(Object.keys(free.body.result.result)).toEqual(["good"]);
    const halted = await postJson(batchUrl, { halt: 1, cmd });
    expect(Object.keys(halted.body.result.result_error)).toEqual(["bad"]);
    expect(halted.body.result.result).toEqual([]);
  });

  it("takes cmd as a list, answering lists", async () => {
    const { body } = await postJson(batchUrl, { cmd: ["server.time", "im.revision.get"] });
    expect(body.result.result).toEqual([expect.any(String), { rest: 27, web: 163, mobile: 24 }]);
    expect(body.result.result_time).toHaveLength(2);
  });

  it("refuses every command beyond 50", async () => {
    const cmd = Object.fromEntries(Array.from({ length: 52 }, (_, i) => [`c${i}`, "server.time"]));
    const { body } = await postJson(batchUrl, { cmd });
    expect(Object.keys(body.result.result)).toHaveLength(50);
    expect(body.result.result_error).toEqual({
      c50: { error: "ERROR_BATCH_LENGTH_EXCEEDED", error_description: expect.any(String) },
      c51: { error: "ERROR_BATCH_LENGTH_EXCEEDED", error_description: expect.any(String) },
    });
    expect(emulator.log.at(-1)).toMatchObject({ method: "batch", commands: 52, status: 200 });
  });

  it("reads a form-encoded batch with nested cmd keys", async () => {
    const form = `halt=0&cmd[a]=${encodeURIComponent("im.dialog.writing?DIALOG_ID=chat1")}`;
    const { body } = await postRaw(batchUrl, "application/x-www-form-urlencoded", form);
    expect(body.result.result).toEqual({ a: true });
  });
});

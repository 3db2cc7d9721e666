import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Emulator } from "./emulator-types.js";
import { startEmulator } from "./server.js";

// Whatever a client sends, the emulator answers like a portal: a JSON envelope with a result
// or an error code, never a crash (500), a hang or a non-JSON body on a REST address.
describe("any request", () => {
  let emulator: Emulator;
  beforeAll(async () => {
    emulator = await startEmulator({ rateLimit: false });
  });
  afterAll(() => emulator.close());

  const methods = fc.constantFrom(
    "im.dialog.writing",
    "imbot.chat.sendTyping",
    "imbot.v2.Chat.InputAction.notify",
    "im.message.add",
    "im.revision.get",
    "server.time",
    "profile",
    "batch",
    "imbot.v2.Bot.register",
    "imbot.v2.Bot.update",
    "imbot.v2.Bot.get",
    "imbot.v2.Bot.list",
    "imbot.v2.Event.get",
    "imbot.v2.Chat.Message.send",
    "no.such.method",
  );
  const deep = fc
    .tuple(fc.integer({ min: 1, max: 3_000 }), fc.constantFrom("[", '{"a":'))
    .map(([depth, open]) => {
      const close = open === "[" ? "]" : "}";
      return `${open.repeat(depth)}1${close.repeat(depth)}`;
    });
  const body = fc.oneof(
    fc.jsonValue().map((value) => ({ type: "application/json", text: JSON.stringify(value) })),
    fc
      .tuple(fc.constantFrom("halt", "cmd", "DIALOG_ID", "fields", "botId"), deep)
      .map(([key, value]) => ({ type: "application/json", text: `{"${key}":${value}}` })),
    fc
      .dictionary(
        fc.constantFrom(
          "DIALOG_ID",
          "BOT_ID",
          "MESSAGE",
          "cmd",
          "halt",
          "botToken",
          "CLIENT_ID",
          "duration",
          "fields",
          "botId",
          "offset",
          "limit",
          "code",
          "dialogId",
        ),
        fc.jsonValue(),
      )
      .map((value) => ({ type: "application/json", text: JSON.stringify(value) })),
    fc.string().map((text) => ({ type: "application/x-www-form-urlencoded", text })),
    fc.string().map((text) => ({ type: "application/json", text })),
    fc.string().map((text) => ({ type: "text/plain", text })),
  );
  const request = fc.record({
    method: methods,
    suffix: fc.constantFrom("", ".json", ".xml"),
    query: fc.option(fc.string({ maxLength: 40 }), { nil: undefined }),
    body,
    authorized: fc.boolean(),
  });

  it.each([
    ["batch", { cmd: { a: { toString: {} } } }, 200],
    [
      "imbot.chat.sendTyping",
      { BOT_ID: 100, DIALOG_ID: "chat1", CLIENT_ID: { toString: {} } },
      400,
    ],
    ["imbot.v2.Chat.InputAction.notify", { botId: 100, dialogId: "chat1", botToken: ["x"] }, 403],
  ])(
    "reads a map where %s expects text as no text, not as a crash",
    async (method, params, status) => {
      const answer = await fetch(`${emulator.webhookUrl()}${method}`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(params),
      });
      expect(answer.status).toBe(status);
    },
  );

  const nested = (depth: number, leaf: string) => `${"[".repeat(depth)}${leaf}${"]".repeat(depth)}`;
  it.each([
    ["a deeply nested halt", `{"halt":${nested(100_000, "1")},"cmd":{"a":"profile"}}`],
    ["a halt nested within PHP's depth", `{"halt":${nested(500, "1")},"cmd":{"a":"profile"}}`],
    ["a deep batch query", `{"cmd":{"a":"profile?x${"[y]".repeat(100_000)}=1"}}`],
    [
      "a deep batch reference",
      `{"cmd":{"a":"profile","b":"server.time?q=$result[a]${"[x]".repeat(50_000)}"}}`,
    ],
    ["a deep JSON parameter", `{"cmd":{"a":"profile"},"x":${nested(200_000, "0")}}`],
  ])("answers %s with an envelope, not a 500", async (_name, body) => {
    const answer = await fetch(`${emulator.webhookUrl()}batch`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body,
    });
    expect(answer.status).toBe(200);
    const envelope = (await answer.json()) as { result: { result: unknown } };
    expect(envelope.result).toHaveProperty("result");
  });

  it("answers a deep form-encoded batch with an envelope, not a 500", async () => {
    const deepKey = `halt${"[x]".repeat(100_000)}=1&cmd[a]=profile&cmd[b]=profile?${"a[]".repeat(50_000)}=1`;
    const answer = await fetch(`${emulator.webhookUrl()}batch`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: deepKey,
    });
    expect(answer.status).toBe(200);
  });

  it("answers every REST request with a JSON envelope and keeps serving", async () => {
    await fc.assert(
      fc.asyncProperty(request, async ({ method, suffix, query, body, authorized }) => {
        const base = authorized
          ? emulator.webhookUrl()
          : emulator.webhookUrl().replace(/\/[^/]+\/$/, "/wrongcode/");
        const url = `${base}${method}${suffix}${query === undefined ? "" : `?${encodeURIComponent(query)}`}`;
        const answer = await fetch(url, {
          method: "POST",
          headers: { "content-type": body.type },
          body: body.text,
          signal: AbortSignal.timeout(5000),
        });
        const envelope = JSON.parse(await answer.text()) as Record<string, unknown>;
        expect("result" in envelope || typeof envelope.error === "string").toBe(true);
        if (answer.status >= 400) expect(typeof envelope.error).toBe("string");
        // Bad input is the client's fault, answered with an error code, never a crash.
        expect(answer.status).toBeLessThan(500);
      }),
      { numRuns: 300 },
    );
    const after = await fetch(`${emulator.webhookUrl()}server.time`, { method: "POST" });
    expect(after.status).toBe(200);
  });
});

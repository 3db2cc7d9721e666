// `@b24im/core/testing` as users get it: the built package, from ESM and from CommonJS.
import { createRequire } from "node:module";
import * as core from "@b24im/core";
import * as testing from "@b24im/core/testing";
import { describe, expect, it } from "vitest";

const require = createRequire(import.meta.url);

describe("@b24im/core/testing", () => {
  it("drives a real client without a network, on fake time", async () => {
    const clock = testing.createFakeClock();
    const transport = testing.createFakeTransport({ clock });
    transport.enqueue(testing.errorResponse("QUERY_LIMIT_EXCEEDED", 503));
    const client = core.createClient({
      webhook: "https://x.bitrix24.ru/rest/1/c0de1234/",
      transport,
      clock,
      retry: { random: () => 0 },
    });

    const sent = client.writing("chat5");
    await clock.advance(5_000);

    await expect(sent).resolves.toBe(true);
    expect(transport.requests.map((exchange) => exchange.body)).toEqual([
      { DIALOG_ID: "chat5" },
      { DIALOG_ID: "chat5" },
    ]);
    await client.close();
  });

  it("throws the main entry's error classes, in ESM and in CommonJS alike", async () => {
    const clock = testing.createFakeClock();
    const transport = testing.createFakeTransport({ clock, respond: () => new Promise(() => {}) });
    const hung = transport.send(
      { method: "POST", url: "https://x.bitrix24.ru/rest/x", headers: {} },
      { timeoutMs: 100 },
    );
    await clock.advance(100);
    await expect(hung).rejects.toBeInstanceOf(core.TimeoutError);

    const cjsCore = require("@b24im/core") as typeof core;
    const cjsTesting = require("@b24im/core/testing") as typeof testing;
    const cjsClock = cjsTesting.createFakeClock();
    const cjsHung = cjsTesting
      .createFakeTransport({ clock: cjsClock, respond: () => new Promise(() => {}) })
      .send(
        { method: "POST", url: "https://x.bitrix24.ru/rest/x", headers: {} },
        { timeoutMs: 100 },
      );
    await cjsClock.advance(100);
    await expect(cjsHung).rejects.toBeInstanceOf(cjsCore.TimeoutError);
  });

  it("keeps the fakes out of the main entry", () => {
    expect(Object.keys(core)).not.toContain("createFakeTransport");
    expect(Object.keys(core)).not.toContain("createFakeClock");
  });
});

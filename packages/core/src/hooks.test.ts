import { describe, expect, it } from "vitest";
import { createClient } from "./client.js";
import { notify, redactResponse } from "./hooks.js";
import { createFakeClock } from "./testing/fake-clock.js";
import { createFakeTransport } from "./testing/fake-transport.js";

describe("redactResponse", () => {
  it("removes secrets from header values and the body, and drops credential headers", () => {
    const view = redactResponse(
      {
        status: 302,
        headers: {
          location: "https://y.bitrix24.ru/rest/1/code1234/profile",
          "set-cookie": "sid=abc",
        },
        body: '{"echo":"knownSecret99","access_token":"t0k3n0000"}',
      },
      ["knownSecret99"],
    );
    expect(view).toEqual({
      status: 302,
      headers: {
        location: "https://y.bitrix24.ru/rest/1/[REDACTED]/profile",
        "set-cookie": "[REDACTED]",
      },
      body: '{"echo":"[REDACTED]","access_token":"[REDACTED]"}',
    });
  });
});

describe("notify", () => {
  it("ignores a missing hook and swallows what a hook throws", () => {
    expect(() => notify(undefined, 1)).not.toThrow();
    expect(() =>
      notify(() => {
        throw new Error("broken logger");
      }, 1),
    ).not.toThrow();
  });

  it("a throwing hook does not change a call's outcome", async () => {
    const boom = () => {
      throw new Error("broken logger");
    };
    const client = createClient({
      webhook: "https://x.bitrix24.ru/rest/1/code1234/",
      transport: createFakeTransport(),
      clock: createFakeClock(),
      hooks: { onRequest: boom, onResponse: boom, onRetry: boom, onError: boom },
    });
    await expect(client.writing("chat5")).resolves.toBe(true);
  });
});

import { describe, expect, it } from "vitest";
import { createClient } from "./client.js";
import { notify } from "./hooks.js";
import { createFakeClock } from "./testing/fake-clock.js";
import { createFakeTransport } from "./testing/fake-transport.js";

describe("notify", () => {
  it("ignores a missing hook and swallows what a hook throws", () => {
    expect(() => notify<[number]>(undefined, 1)).not.toThrow();
    expect(() =>
      notify((_event: number) => {
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

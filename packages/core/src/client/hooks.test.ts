import { describe, expect, it } from "vitest";
import { notify } from "../async/notify.js";
import { createFakeClock } from "../testing/fake-clock.js";
import { createFakeTransport, errorResponse } from "../testing/fake-transport.js";
import { createClient } from "./client.js";

describe("notify", () => {
  it("ignores a missing hook and swallows what a hook throws", () => {
    expect(() => notify<[number]>(undefined, 1)).not.toThrow();
    expect(() =>
      notify((_event: number) => {
        throw new Error("broken logger");
      }, 1),
    ).not.toThrow();
  });

  it("an async hook or typing handler that rejects leaves no unhandled rejection", async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on("unhandledRejection", onUnhandled);
    try {
      const rejects = async () => {
        throw new Error("async logger down");
      };
      const transport = createFakeTransport();
      transport.setDefault(errorResponse("ACCESS_ERROR", 403));
      const client = createClient({
        webhook: "https://x.bitrix24.ru/rest/1/code1234/",
        transport,
        hooks: { onRequest: rejects, onResponse: rejects, onRetry: rejects, onError: rejects },
      });
      await expect(client.writing("chat5")).rejects.toMatchObject({ code: "ACCESS_ERROR" });
      const lease = client.typing("chat1", { onError: rejects });
      await new Promise((resolve) => setTimeout(resolve, 20));
      lease.stop();
      await client.close();
      // Unhandled rejections are reported after a macrotask turn.
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(unhandled).toEqual([]);
    } finally {
      process.off("unhandledRejection", onUnhandled);
    }
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

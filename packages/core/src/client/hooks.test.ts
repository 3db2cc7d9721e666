import { describe, expect, it } from "vitest";
import { notify } from "../async/notify.js";
import { AccessError } from "../protocol/errors.js";
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

  it("a throwing hook does not change a call's outcome, whichever of the four it is", async () => {
    const called = { onRequest: 0, onResponse: 0, onRetry: 0, onError: 0 };
    const boom = (name: keyof typeof called) => () => {
      called[name]++;
      throw new Error(`broken ${name} logger`);
    };
    const clock = createFakeClock();
    const transport = createFakeTransport({ clock });
    const client = createClient({
      webhook: "https://x.bitrix24.ru/rest/1/code1234/",
      transport,
      clock,
      retry: { random: () => 0 },
      hooks: {
        onRequest: boom("onRequest"),
        onResponse: boom("onResponse"),
        onRetry: boom("onRetry"),
        onError: boom("onError"),
      },
    });
    // A retried call that succeeds, then one that fails for good.
    transport.enqueue(errorResponse("QUERY_LIMIT_EXCEEDED", 503));
    const retried = client.writing("chat5");
    await clock.advance(5_000);
    await expect(retried).resolves.toBe(true);
    transport.enqueue(errorResponse("ACCESS_ERROR", 403));
    await expect(client.writing("chat5")).rejects.toBeInstanceOf(AccessError);
    expect(called).toEqual({ onRequest: 3, onResponse: 3, onRetry: 1, onError: 1 });
    await client.close();
  });
});

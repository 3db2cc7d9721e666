import { getEventListeners } from "node:events";
import { describe, expect, it } from "vitest";
import { createClient } from "../client/client.js";
import { createFakeClock } from "../testing/fake-clock.js";
import { createFakeTransport } from "../testing/fake-transport.js";
import { onAbort } from "./on-abort.js";

const listenerCount = (signal: AbortSignal) => getEventListeners(signal, "abort").length;

describe("onAbort", () => {
  it("puts one listener on the signal however many wait, calls each once, removes it with the last", () => {
    const controller = new AbortController();
    const calls: number[] = [];
    const stops = Array.from({ length: 100 }, (_, i) =>
      onAbort(controller.signal, () => calls.push(i)),
    );
    expect(listenerCount(controller.signal)).toBe(1);
    stops[0]?.();
    stops[0]?.();
    controller.abort();
    expect(calls).toHaveLength(99);
    expect(new Set(calls).size).toBe(99);
    expect(calls).not.toContain(0);
    expect(listenerCount(controller.signal)).toBe(0);
  });

  it("leaves nothing on a long-lived signal once every listener stopped", () => {
    const controller = new AbortController();
    const stops = Array.from({ length: 20 }, () => onAbort(controller.signal, () => {}));
    for (const stop of stops) stop();
    expect(listenerCount(controller.signal)).toBe(0);
    let called = 0;
    const again = onAbort(controller.signal, () => called++);
    expect(listenerCount(controller.signal)).toBe(1);
    controller.abort();
    again();
    expect(called).toBe(1);
  });

  it("a listener that throws does not keep the others from running", async () => {
    const controller = new AbortController();
    const ran: number[] = [];
    onAbort(controller.signal, () => ran.push(1));
    onAbort(controller.signal, () => {
      throw new Error("listener broke");
    });
    onAbort(controller.signal, () => ran.push(3));
    // The signal reports the error as Node reports a throwing listener: uncaught, on a later
    // tick. The runner's own handler is set aside meanwhile so that it stays this test's.
    const runners = process.listeners("uncaughtException");
    process.removeAllListeners("uncaughtException");
    const uncaught: unknown[] = [];
    process.on("uncaughtException", (error) => uncaught.push(error));
    try {
      controller.abort();
      await new Promise((resolve) => setTimeout(resolve, 10));
    } finally {
      process.removeAllListeners("uncaughtException");
      for (const listener of runners) process.on("uncaughtException", listener);
    }
    expect(ran).toEqual([1, 3]);
    expect(uncaught).toEqual([new Error("listener broke")]);
  });

  it("one function registered twice runs twice; a listener added while aborting is not lost", () => {
    const controller = new AbortController();
    let count = 0;
    const listener = () => count++;
    onAbort(controller.signal, listener);
    onAbort(controller.signal, listener);
    controller.abort();
    expect(count).toBe(2);
  });

  it("200 client calls sharing one signal: one listener, no process warning, all rejected on abort", async () => {
    const warnings: Error[] = [];
    const onWarning = (warning: Error) => warnings.push(warning);
    process.on("warning", onWarning);
    try {
      const clock = createFakeClock();
      const client = createClient({
        webhook: "https://x.bitrix24.ru/rest/1/code1234/",
        transport: createFakeTransport({ clock }),
        clock,
      });
      const controller = new AbortController();
      // 50 go at once, 150 wait for the rate limiter on the shared signal.
      const calls = Array.from({ length: 200 }, (_, i) =>
        client.writing(i + 1, { signal: controller.signal }).catch((error: unknown) => error),
      );
      await clock.advance(0);
      expect(listenerCount(controller.signal)).toBeLessThanOrEqual(1);
      const reason = new Error("cancelled");
      controller.abort(reason);
      const outcomes = await Promise.all(calls);
      expect(outcomes.filter((outcome) => outcome === reason)).toHaveLength(150);
      await client.close();
      await new Promise((resolve) => setTimeout(resolve, 10));
      expect(warnings.map((w) => w.name)).not.toContain("MaxListenersExceededWarning");
    } finally {
      process.off("warning", onWarning);
    }
  });
});

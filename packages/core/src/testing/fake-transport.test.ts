import { describe, expect, it } from "vitest";
import { TimeoutError, TransportError } from "../protocol/errors.js";
import type { HttpRequest } from "../protocol/http.js";
import { createFakeClock } from "./fake-clock.js";
import { createFakeTransport, errorResponse, jsonResponse } from "./fake-transport.js";

const request: HttpRequest = {
  method: "POST",
  url: "https://x.bitrix24.ru/rest/1/code1234/profile",
  headers: {},
  body: '{"A":1}',
};

describe("createFakeTransport", () => {
  it("records requests and answers enqueued responders first, then the default", async () => {
    const clock = createFakeClock({ now: 5 });
    const transport = createFakeTransport({ clock });
    transport.enqueue(errorResponse("ACCESS_ERROR", 403), new TransportError("reset"));
    expect((await transport.send(request, { timeoutMs: 10 })).status).toBe(403);
    await expect(transport.send(request, { timeoutMs: 10 })).rejects.toBeInstanceOf(TransportError);
    const ok = await transport.send(request, { timeoutMs: 10 });
    expect(JSON.parse(ok.body)).toEqual({ result: true });
    expect(transport.requests.map((r) => [r.index, r.at, r.body])).toEqual([
      [0, 5, { A: 1 }],
      [1, 5, { A: 1 }],
      [2, 5, { A: 1 }],
    ]);
  });

  it("times out a hung answer on the clock and honours an abort", async () => {
    const clock = createFakeClock();
    const transport = createFakeTransport({ clock, respond: () => new Promise(() => {}) });
    const hung = transport.send(request, { timeoutMs: 1000 });
    const caught = hung.catch((e: unknown) => e);
    await clock.advance(1000);
    expect(await caught).toBeInstanceOf(TimeoutError);
    const controller = new AbortController();
    const aborted = transport.send(request, { timeoutMs: 1000, signal: controller.signal });
    controller.abort(new Error("stop"));
    await expect(aborted).rejects.toThrow("stop");
    expect(clock.pendingTimers).toBe(0);
  });

  it("uses a function responder and counts close calls", async () => {
    const transport = createFakeTransport({ respond: (x) => jsonResponse({ result: x.index }) });
    await transport.send(request, { timeoutMs: 1 });
    expect(JSON.parse((await transport.send(request, { timeoutMs: 1 })).body)).toEqual({
      result: 1,
    });
    await transport.close?.();
    expect(transport.closeCalls).toBe(1);
  });
});

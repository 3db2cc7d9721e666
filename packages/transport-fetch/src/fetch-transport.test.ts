import { ConfigError, PortalMovedError, TimeoutError, TransportError } from "@b24im/core";
import { describe, expect, it, vi } from "vitest";
import { createFetchTransport } from "./fetch-transport.js";

const SECRET = "w3bh00kS3cret";
const request = {
  method: "POST" as const,
  url: `https://x.bitrix24.ru/rest/1/${SECRET}/im.dialog.writing`,
  headers: { "content-type": "application/json", accept: "application/json" },
  body: '{"DIALOG_ID":"chat5"}',
};

function answering(response: Response) {
  return vi.fn<typeof fetch>(async () => response);
}

// A fetch that, like the real one, only ever settles through its signal.
const hangingFetch: typeof fetch = (_input, init) =>
  new Promise((_resolve, reject) => {
    init?.signal?.addEventListener("abort", () => reject(init.signal?.reason));
  });

describe("createFetchTransport", () => {
  it("sends the request as built, with no redirects, no cookies and no header of its own", async () => {
    const fetchFn = answering(new Response('{"result":true}'));
    await createFetchTransport({ fetch: fetchFn }).send(request, { timeoutMs: 1000 });

    const [url, init] = fetchFn.mock.calls[0] ?? [];
    expect(url).toBe(request.url);
    expect(init).toMatchObject({
      method: "POST",
      headers: request.headers,
      body: request.body,
      redirect: "manual",
      credentials: "omit",
    });
    expect(init?.signal).toBeInstanceOf(AbortSignal);
  });

  it("returns status, lower-case headers and the body as text", async () => {
    const fetchFn = answering(
      new Response('{"result":true}', { status: 200, headers: { "X-Request-ID": "r1" } }),
    );
    const response = await createFetchTransport({ fetch: fetchFn }).send(request, {
      timeoutMs: 1000,
    });
    expect(response).toEqual({
      status: 200,
      headers: { "content-type": "text/plain;charset=UTF-8", "x-request-id": "r1" },
      body: '{"result":true}',
    });
  });

  it("keeps the headers readable after the body was read: one copy, in logs and spreads too", async () => {
    const fetchFn = answering(
      new Response("{}", { status: 302, headers: { Location: "https://y.bitrix24.ru/" } }),
    );
    const response = await createFetchTransport({ fetch: fetchFn }).send(request, {
      timeoutMs: 1000,
    });

    expect(response.headers.location).toBe("https://y.bitrix24.ru/");
    expect(response.headers).toBe(response.headers);
    expect({ ...response }.headers).toBe(response.headers);
    expect(JSON.parse(JSON.stringify(response)).headers.location).toBe("https://y.bitrix24.ru/");
  });

  it.each([
    [{ fetch: "fetch" }, "fetch"],
    [null, "options"],
    ["https://x", "options"],
  ])("refuses %j when made, naming %s", (options, option) => {
    expect(() => createFetchTransport(options as never)).toThrow(ConfigError);
    expect(() => createFetchTransport(options as never)).toThrow(
      expect.objectContaining({ option }),
    );
  });

  it("calls fetch without a `this`, as a browser's fetch requires", async () => {
    const seen: unknown[] = [];
    const strictFetch = function (this: unknown) {
      seen.push(this);
      return Promise.resolve(new Response("{}"));
    } as unknown as typeof fetch;
    await createFetchTransport({ fetch: strictFetch }).send(request, { timeoutMs: 1000 });
    expect(seen).toEqual([undefined]);
  });

  it("turns a browser's opaque redirect into PortalMovedError", async () => {
    const opaque = { type: "opaqueredirect", status: 0, headers: new Headers() } as Response;
    const error = await createFetchTransport({ fetch: answering(opaque) })
      .send(request, { timeoutMs: 1000 })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PortalMovedError);
    expect(error).toMatchObject({ status: 302, location: "", code: "PORTAL_MOVED" });
  });

  it("maps a network TypeError to TransportError naming what failed, without the secret", async () => {
    const failing = vi.fn<typeof fetch>(async () => {
      throw new TypeError("fetch failed", {
        cause: new Error(`getaddrinfo ENOTFOUND x.bitrix24.ru for ${request.url}`),
      });
    });
    const error = await createFetchTransport({ fetch: failing })
      .send(request, { timeoutMs: 1000 })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TransportError);
    expect(error).not.toBeInstanceOf(TimeoutError);
    const message = (error as Error).message;
    expect(message).toContain(
      "POST https://x.bitrix24.ru/rest/1/[REDACTED]/im.dialog.writing failed",
    );
    expect(message).toContain("ENOTFOUND");
    expect(`${message} ${(error as Error).stack} ${String((error as Error).cause)}`).not.toContain(
      SECRET,
    );
  });

  it("rejects with the caller's reason, before sending when already aborted", async () => {
    const fetchFn = answering(new Response("{}"));
    const reason = new Error("user left");
    await expect(
      createFetchTransport({ fetch: fetchFn }).send(request, {
        timeoutMs: 1000,
        signal: AbortSignal.abort(reason),
      }),
    ).rejects.toBe(reason);
    expect(fetchFn).not.toHaveBeenCalled();
  });

  it("rejects with the caller's reason when aborted while waiting", async () => {
    const controller = new AbortController();
    const reason = new Error("user left");
    const sent = createFetchTransport({ fetch: hangingFetch }).send(request, {
      timeoutMs: 5000,
      signal: controller.signal,
    });
    controller.abort(reason);
    await expect(sent).rejects.toBe(reason);
  });

  it("rejects with TimeoutError when no answer comes within timeoutMs", async () => {
    const started = Date.now();
    const error = await createFetchTransport({ fetch: hangingFetch })
      .send(request, { timeoutMs: 50, signal: new AbortController().signal })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error).toMatchObject({ timeoutMs: 50, code: "TIMEOUT", retryable: true });
    expect(Date.now() - started).toBeLessThan(1000);
  });
});

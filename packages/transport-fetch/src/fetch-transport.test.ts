import {
  ConfigError,
  PortalMovedError,
  ProtocolError,
  TimeoutError,
  TransportError,
} from "@b24im/core";
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
    [{ maxResponseBytes: 0 }, "maxResponseBytes"],
    [{ maxResponseBytes: 1.5 }, "maxResponseBytes"],
    [{ maxResponseBytes: "64MB" }, "maxResponseBytes"],
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

/** A body handed over in `chunks`; `cancelled` tells whether the reader gave up on it. */
function streamed(chunks: Uint8Array[], init?: ResponseInit) {
  const state = { pulled: 0, cancelled: false };
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      const chunk = chunks[state.pulled++];
      if (chunk) controller.enqueue(chunk);
      else controller.close();
    },
    cancel() {
      state.cancelled = true;
    },
  });
  return { response: new Response(body, init), state };
}

async function failure(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    (value) => expect.unreachable(`expected a rejection, got ${JSON.stringify(value)}`),
    (error: unknown) => error,
  );
}

describe("maxResponseBytes", () => {
  const kib = new Uint8Array(1024).fill(0x78);

  it("cuts off an answer that grows past it: a ProtocolError, not retryable, naming the option", async () => {
    const { response, state } = streamed(Array.from({ length: 100 }, () => kib));
    const transport = createFetchTransport({ fetch: answering(response), maxResponseBytes: 4096 });

    const error = await failure(transport.send(request, { timeoutMs: 1000 }));

    expect(error).toBeInstanceOf(ProtocolError);
    expect(error).toMatchObject({ code: "PROTOCOL", status: 200, retryable: false });
    expect((error as Error).message).toContain("maxResponseBytes (4096 bytes)");
    expect((error as Error).message).toContain("createFetchTransport({ maxResponseBytes })");
    expect((error as Error).message).not.toContain(SECRET);
    expect((error as ProtocolError).snippet).toMatch(/^x+$/);
    // Read no further than the chunk that crossed the limit, and released the rest.
    expect(state.pulled).toBeLessThanOrEqual(6);
    expect(state.cancelled).toBe(true);
  });

  it("refuses an answer whose Content-Length is over it without reading its body, even a 5xx", async () => {
    const { response, state } = streamed([kib], {
      status: 502,
      headers: { "content-length": String(10 * 1024 * 1024) },
    });
    const transport = createFetchTransport({ fetch: answering(response), maxResponseBytes: 4096 });

    const error = await failure(transport.send(request, { timeoutMs: 1000 }));

    expect(error).toBeInstanceOf(ProtocolError);
    expect(error).toMatchObject({ status: 502, retryable: false });
    expect(state.cancelled).toBe(true);
  });

  it("counts what arrives, not what Content-Length says (a compressed answer's counts less)", async () => {
    const { response } = streamed([kib, kib, kib], { headers: { "content-length": "100" } });
    const transport = createFetchTransport({ fetch: answering(response), maxResponseBytes: 2048 });
    expect(await failure(transport.send(request, { timeoutMs: 1000 }))).toBeInstanceOf(
      ProtocolError,
    );
  });

  it("reads an answer of exactly the limit whole, decoding a character cut between chunks as text() does", async () => {
    const bytes = new TextEncoder().encode('\ufeff{"result":"Привет"}');
    const { response } = streamed([bytes.subarray(0, 14), bytes.subarray(14)]);
    const transport = createFetchTransport({
      fetch: answering(response),
      maxResponseBytes: bytes.byteLength,
    });

    const answer = await transport.send(request, { timeoutMs: 1000 });

    expect(answer.body).toBe('{"result":"Привет"}');
  });

  it("reads an answer without a body as an empty one", async () => {
    const transport = createFetchTransport({
      fetch: answering(new Response(null, { status: 204 })),
    });
    expect(await transport.send(request, { timeoutMs: 1000 })).toMatchObject({
      status: 204,
      body: "",
    });
  });

  it("is 64 MiB when not given", async () => {
    const mebibyte = new Uint8Array(1024 * 1024).fill(0x7a);
    const { response, state } = streamed(Array.from({ length: 70 }, () => mebibyte));

    const error = await failure(
      createFetchTransport({ fetch: answering(response) }).send(request, { timeoutMs: 20_000 }),
    );

    expect(error).toBeInstanceOf(ProtocolError);
    expect((error as Error).message).toContain("maxResponseBytes (67108864 bytes)");
    expect(state.pulled).toBeLessThanOrEqual(66);
  });
});

/** How `promise` stands after `ms`: settled, or still pending (a call that would never end). */
async function stateAfter(
  promise: Promise<unknown>,
  ms: number,
): Promise<{ state: string; reason?: unknown }> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const pending = new Promise<{ state: string; reason?: unknown }>((resolve) => {
    timer = setTimeout(() => resolve({ state: "pending" }), ms);
  });
  try {
    return await Promise.race([
      promise.then(
        () => ({ state: "fulfilled" }),
        (reason: unknown) => ({ state: "rejected", reason }),
      ),
      pending,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

describe("a fetch of the caller's that ignores its signal cannot hold a call past its end", () => {
  // Far longer than any of these calls takes to settle, even on a loaded machine.
  const NEVER_MS = 3000;
  const deaf: typeof fetch = () => new Promise(() => {});

  it("no answer: TimeoutError at the deadline", async () => {
    const outcome = await stateAfter(
      createFetchTransport({ fetch: deaf }).send(request, { timeoutMs: 50 }),
      NEVER_MS,
    );
    expect(outcome.state).toBe("rejected");
    expect(outcome.reason).toBeInstanceOf(TimeoutError);
  });

  it("no answer: the caller's reason at the caller's abort", async () => {
    const caller = new AbortController();
    const reason = new Error("user left");
    const sent = createFetchTransport({ fetch: deaf }).send(request, {
      timeoutMs: 60_000,
      signal: caller.signal,
    });
    setTimeout(() => caller.abort(reason), 20);
    expect(await stateAfter(sent, NEVER_MS)).toEqual({ state: "rejected", reason });
  });

  it("a body that never ends: TimeoutError at the deadline, and the body is cancelled", async () => {
    let cancelled = false;
    const endless = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode('{"result":'));
      },
      cancel() {
        cancelled = true;
      },
    });
    const transport = createFetchTransport({ fetch: answering(new Response(endless)) });

    const outcome = await stateAfter(transport.send(request, { timeoutMs: 50 }), NEVER_MS);

    expect(outcome.state).toBe("rejected");
    expect(outcome.reason).toBeInstanceOf(TimeoutError);
    expect(cancelled).toBe(true);
  });
});

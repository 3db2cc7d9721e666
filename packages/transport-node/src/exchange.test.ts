import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import {
  type HttpRequest,
  TimeoutError,
  TransportError,
  type TransportSendOptions,
} from "@b24im/core";
import { Agent, type Dispatcher } from "undici";
import { afterEach, describe, expect, it, vi } from "vitest";
import { exchange } from "./exchange.js";
import { listenLocally } from "./test-servers.test-helpers.js";

const cleanups: Array<() => Promise<unknown> | unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function server(handle: (request: IncomingMessage, response: ServerResponse) => void) {
  const seen: string[] = [];
  const started = await listenLocally(
    createServer((request, response) => {
      seen.push(request.url ?? "");
      handle(request, response);
    }),
  );
  cleanups.push(() => started.close());
  return { seen, url: (path: string) => `http://127.0.0.1:${started.port}${path}` };
}

function agent(connections = 1) {
  const created = new Agent({ connections });
  cleanups.push(() => created.destroy());
  return created;
}

function post(url: string): HttpRequest {
  return { method: "POST", url, headers: { "content-type": "application/json" }, body: "{}" };
}

/** Posts to `url` through `dispatcher`; 5 s to answer unless `options` say otherwise. */
function send(dispatcher: Dispatcher, url: string, options: Partial<TransportSendOptions> = {}) {
  return exchange({ dispatcher, options: {}, userAgent: "t" }, post(url), {
    timeoutMs: 5000,
    ...options,
  });
}

// A server that never answers /hang and answers anything else at once.
const hangOrAnswer = (request: IncomingMessage, response: ServerResponse) => {
  if (request.url !== "/hang") response.end('{"result":true}');
};

describe("exchange", () => {
  it("ends a call at its deadline while its request still waits for a pooled socket", async () => {
    const portal = await server(hangOrAnswer);
    const pool = agent(1);
    void send(pool, portal.url("/hang")).catch(() => {});
    const started = performance.now();

    const error = await send(pool, portal.url("/queued"), { timeoutMs: 150 }).then(
      () => undefined,
      (e: unknown) => e,
    );

    expect(error).toBeInstanceOf(TimeoutError);
    expect(error).toMatchObject({ timeoutMs: 150 });
    expect(performance.now() - started).toBeLessThan(1000);
    expect(portal.seen).toEqual(["/hang"]);
  });

  it("rejects at once with the caller's reason when aborted in the pool, and never sends it", async () => {
    const portal = await server(hangOrAnswer);
    const pool = agent(1);
    const first = new AbortController();
    const hanging = send(pool, portal.url("/hang"), { signal: first.signal });
    const caller = new AbortController();
    const queued = send(pool, portal.url("/queued"), { signal: caller.signal });
    const reason = new Error("user went away");

    await vi.waitFor(() => expect(portal.seen).toEqual(["/hang"]));

    caller.abort(reason);
    await expect(queued).rejects.toBe(reason);
    // Free the socket: the aborted request must not go out on it.
    first.abort(new Error("done"));
    await expect(hanging).rejects.toThrow("done");
    await send(pool, portal.url("/after"));
    expect(portal.seen).toEqual(["/hang", "/after"]);
  });

  it("decodes a body cut inside a character and drops a leading byte-order mark, as body.text() does", async () => {
    const text = '{"result":"Привет, мир"}';
    const bytes = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)]);
    const portal = await server((_request, response) => {
      // 2 + 3 bytes in: the middle of the first Cyrillic letter.
      response.write(bytes.subarray(0, 15));
      setTimeout(() => response.end(bytes.subarray(15)), 20);
    });

    const response = await send(agent(), portal.url("/"));

    expect(response.body).toBe(text);
  });

  it("joins repeated headers into one string per lower-case name", async () => {
    const portal = await server((_request, response) => {
      response.setHeader("Set-Cookie", ["a=1", "b=2"]);
      response.setHeader("X-Trace", "t1");
      response.end("{}");
    });

    const response = await send(agent(), portal.url("/"));

    expect(response.headers).toMatchObject({ "set-cookie": "a=1, b=2", "x-trace": "t1" });
    expect(response.status).toBe(200);
  });

  it("turns a URL it cannot parse into a TransportError, and leaves no timer behind", async () => {
    vi.useFakeTimers();
    try {
      const error = await send(agent(), "not a url", { timeoutMs: 60_000 }).catch(
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(TransportError);
      expect(vi.getTimerCount()).toBe(0);
    } finally {
      vi.useRealTimers();
    }
  });

  const bytes = new TextEncoder().encode('{"result":"ок"}');
  it.each([
    ["one chunk", [bytes]],
    ["a character cut in two", [bytes.subarray(0, 12), bytes.subarray(12)]],
  ])(
    "decodes plain Uint8Arrays from a dispatcher of the caller's own: %s",
    async (_what, chunks) => {
      const ownDispatcher = {
        dispatch(_options: unknown, handler: Dispatcher.DispatchHandler) {
          const controller = {
            abort() {},
            pause() {},
            resume() {},
            aborted: false,
            paused: false,
            reason: null,
          };
          handler.onRequestStart?.(controller, {});
          handler.onResponseStart?.(controller, 200, { "X-A": "1" }, "OK");
          for (const chunk of chunks) handler.onResponseData?.(controller, chunk as Buffer);
          handler.onResponseEnd?.(controller, {});
          return true;
        },
      } as unknown as Dispatcher;

      const response = await send(ownDispatcher, "https://x.bitrix24.ru/rest/1/c0de/x");

      expect(response).toEqual({ status: 200, headers: { "x-a": "1" }, body: '{"result":"ок"}' });
    },
  );

  it("sends the user agent it is given, beside the request's own headers", async () => {
    const agents: Array<string | undefined> = [];
    const portal = await server((request, response) => {
      agents.push(request.headers["user-agent"]);
      response.end("{}");
    });

    await exchange(
      { dispatcher: agent(), options: {}, userAgent: "b24im/test" },
      post(portal.url("/")),
      {
        timeoutMs: 5000,
      },
    );

    expect(agents).toEqual(["b24im/test"]);
  });
});

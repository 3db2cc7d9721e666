/**
 * Every way an exchange can end settles the call exactly once, clears its timer and leaves
 * nothing behind — including the ways a real server cannot show: they are played by a
 * dispatcher of the caller's own (the `dispatcher` option takes any).
 */
import { createServer } from "node:http";
import {
  type HttpRequest,
  ProtocolError,
  TimeoutError,
  type Transport,
  TransportError,
} from "@b24im/core";
import { afterEach, describe, expect, it, vi } from "vitest";
import { createNodeTransport } from "./node-transport.js";
import { scriptedDispatcher, stateAfter } from "./test-dispatchers.test-helpers.js";
import { listenLocally } from "./test-servers.test-helpers.js";

const SECRET = "s3cr3tW3bh00kC0de";
const request: HttpRequest = {
  method: "POST",
  url: `https://x.bitrix24.ru/rest/1/${SECRET}/im.dialog.writing`,
  headers: { "content-type": "application/json" },
  body: "{}",
};
// Far longer than any of these calls takes to settle, even on a loaded machine.
const NEVER_MS = 3000;

const cleanups: Array<() => Promise<unknown> | unknown> = [];
afterEach(async () => {
  vi.restoreAllMocks();
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** Exceptions that escaped to the process (a throwing timer or abort listener) during a test. */
function uncaughtExceptions(): unknown[] {
  const seen: unknown[] = [];
  const record = (error: unknown) => seen.push(error);
  process.on("uncaughtException", record);
  cleanups.push(() => process.off("uncaughtException", record));
  return seen;
}

const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

async function rejectionOf(transport: Transport, timeoutMs = 5000, signal?: AbortSignal) {
  const outcome = await stateAfter(transport.send(request, { timeoutMs, signal }), NEVER_MS);
  expect(outcome.state).toBe("rejected");
  return (outcome as { reason: unknown }).reason;
}

describe("every exit of an exchange settles the call once", () => {
  it("an answer that cannot become text (as past V8's longest string) rejects, and close() still ends", async () => {
    // Made at run time: a marker written out in this file would also be in the test's own
    // source, which the test runner reads (as a Buffer) to map stack traces.
    const marker = ["unreadable", "answer", process.pid].join("-");
    const started = await listenLocally(
      createServer((_request, response) => response.end(`{"result":"${marker}"}`)),
    );
    cleanups.push(() => started.close());
    // What Buffer#toString throws for a body longer than the longest string.
    const realToString = Buffer.prototype.toString;
    vi.spyOn(Buffer.prototype, "toString").mockImplementation(function (this: Buffer, ...args) {
      if (this.includes(marker)) {
        throw Object.assign(new Error("Cannot create a string longer than 0x1fffffe8 characters"), {
          code: "ERR_STRING_TOO_LONG",
        });
      }
      return realToString.apply(this, args as Parameters<typeof realToString>);
    });
    const transport = createNodeTransport();
    const url = `http://127.0.0.1:${started.port}/rest/1/${SECRET}/im.dialog.writing`;

    const outcome = await stateAfter(
      transport.send({ ...request, url }, { timeoutMs: 60_000 }),
      NEVER_MS,
    );
    expect(outcome.state).toBe("rejected");
    const error = (outcome as { reason: unknown }).reason;
    expect(error).toBeInstanceOf(ProtocolError);
    expect(error).toMatchObject({ status: 200 });
    expect((error as Error).message).toContain("could not be read");
    expect((error as Error).message).not.toContain(SECRET);
    expect((await stateAfter(transport.close?.() ?? Promise.resolve(), NEVER_MS)).state).toBe(
      "fulfilled",
    );
  });

  it("a header that throws when read rejects the call and cuts the request off", async () => {
    const dispatcher = scriptedDispatcher((handler, controller) => {
      handler.onRequestStart?.(controller, {});
      const headers = {
        get "x-odd"(): string {
          throw new Error("a header that cannot be read");
        },
      };
      handler.onResponseStart?.(controller, 200, headers, "OK");
      handler.onResponseData?.(controller, Buffer.from("{}"));
      handler.onResponseEnd?.(controller, {});
    });

    const error = await rejectionOf(createNodeTransport({ dispatcher }));

    expect(error).toBeInstanceOf(ProtocolError);
    expect((error as Error).message).toContain("a header that cannot be read");
  });

  it("a body chunk that is no Uint8Array rejects the call at once and cuts the request off", async () => {
    const dispatcher = scriptedDispatcher((handler, controller) => {
      handler.onRequestStart?.(controller, {});
      handler.onResponseStart?.(controller, 200, {}, "OK");
      handler.onResponseData?.(controller, "not bytes" as unknown as Buffer);
      handler.onResponseEnd?.(controller, {});
    });

    const error = await rejectionOf(createNodeTransport({ dispatcher }));

    expect(error).toBeInstanceOf(ProtocolError);
    expect(dispatcher.controllers[0]?.aborts).toEqual([error]);
  });

  it("dispatch throwing after it started the request rejects with a TransportError and cuts the request off", async () => {
    const dispatcher = scriptedDispatcher((handler, controller) => {
      handler.onRequestStart?.(controller, {});
      throw new Error(`pool broken for ${request.url}`);
    });

    const error = await rejectionOf(createNodeTransport({ dispatcher }));

    expect(error).toBeInstanceOf(TransportError);
    expect(String(error)).toContain("pool broken");
    expect(String(error)).not.toContain(SECRET);
    expect(dispatcher.controllers[0]?.aborts).toEqual([error]);
  });

  it("dispatch throwing something that cannot even be printed still rejects with a TransportError", async () => {
    const dispatcher = scriptedDispatcher(() => {
      throw Object.create(null); // String() of it throws
    });

    const error = await rejectionOf(createNodeTransport({ dispatcher }));

    expect(error).toBeInstanceOf(TransportError);
    expect(String(error)).toContain("POST https://x.bitrix24.ru/rest/1/[REDACTED]/");
  });

  it("an abort that throws at the deadline: TimeoutError, and nothing escapes as an uncaught exception", async () => {
    const uncaught = uncaughtExceptions();
    const dispatcher = scriptedDispatcher(
      (handler, controller) => {
        handler.onRequestStart?.(controller, {}); // …and never answers
      },
      { abortThrows: true },
    );

    const error = await rejectionOf(createNodeTransport({ dispatcher }), 50);
    await nextTurn();

    expect(error).toBeInstanceOf(TimeoutError);
    expect(dispatcher.controllers[0]?.aborts).toEqual([error]);
    expect(uncaught).toEqual([]);
  });

  it("an abort that throws at the caller's abort: its reason, and nothing escapes as an uncaught exception", async () => {
    const uncaught = uncaughtExceptions();
    const dispatcher = scriptedDispatcher(
      (handler, controller) => {
        handler.onRequestStart?.(controller, {});
      },
      { abortThrows: true },
    );
    const caller = new AbortController();
    const reason = new Error("user left");
    setTimeout(() => caller.abort(reason), 20);

    const error = await rejectionOf(createNodeTransport({ dispatcher }), 60_000, caller.signal);
    await nextTurn();

    expect(error).toBe(reason);
    expect(uncaught).toEqual([]);
  });

  it("an answer after an early end changes nothing: the call stays rejected", async () => {
    let finish: () => void = () => {};
    const dispatcher = scriptedDispatcher((handler, controller) => {
      handler.onRequestStart?.(controller, {});
      finish = () => {
        handler.onResponseStart?.(controller, 200, {}, "OK");
        handler.onResponseData?.(controller, Buffer.from('{"result":true}'));
        handler.onResponseEnd?.(controller, {});
        handler.onResponseError?.(controller, new Error("late"));
      };
    });
    const caller = new AbortController();
    const sent = createNodeTransport({ dispatcher }).send(request, {
      timeoutMs: 5000,
      signal: caller.signal,
    });
    caller.abort(new Error("stop"));
    finish();
    await expect(sent).rejects.toThrow("stop");
  });
});

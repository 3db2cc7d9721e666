import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { type HttpRequest, ProtocolError } from "@b24im/core";
import { afterEach, describe, expect, it } from "vitest";
import { createNodeTransport } from "./node-transport.js";
import { scriptedDispatcher } from "./test-dispatchers.test-helpers.js";
import { listenLocally } from "./test-servers.test-helpers.js";

const SECRET = "s3cr3tW3bh00kC0de";
const cleanups: Array<() => Promise<unknown> | unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A portal answering every request with `answer`; `closed` resolves when a socket closes. */
async function portal(answer: (request: IncomingMessage, response: ServerResponse) => void) {
  let socketClosed: () => void = () => {};
  const closed = new Promise<void>((resolve) => {
    socketClosed = resolve;
  });
  const server = createServer((request, response) => {
    request.socket.once("close", () => socketClosed());
    answer(request, response);
  });
  const started = await listenLocally(server);
  cleanups.push(() => started.close());
  const request: HttpRequest = {
    method: "POST",
    url: `http://127.0.0.1:${started.port}/rest/1/${SECRET}/im.dialog.writing`,
    headers: { "content-type": "application/json" },
    body: "{}",
  };
  return { request, closed };
}

function transport(options: Parameters<typeof createNodeTransport>[0]) {
  const created = createNodeTransport(options);
  cleanups.push(() => created.close?.());
  return created;
}

// 4 MiB in 16 KiB chunks, then the connection is held open: a body far past a small limit,
// bounded so that a transport without a limit cannot exhaust memory.
function streamThenHold(_request: IncomingMessage, response: ServerResponse) {
  response.writeHead(200, { "content-type": "application/json" });
  const chunk = Buffer.alloc(16 * 1024, "x");
  let left = 256;
  const pump = () => {
    while (left > 0) {
      left--;
      if (!response.write(chunk)) return void response.once("drain", pump);
    }
  };
  response.write('{"result":"');
  pump();
}

async function failure(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    (value) => expect.unreachable(`expected a rejection, got ${JSON.stringify(value)}`),
    (error: unknown) => error,
  );
}

describe("maxResponseBytes", () => {
  it("cuts off an answer that grows past it: a ProtocolError, not retryable, naming the option; the socket is closed", async () => {
    const { request, closed } = await portal(streamThenHold);

    const error = await failure(
      transport({ maxResponseBytes: 64 * 1024 }).send(request, { timeoutMs: 5000 }),
    );

    expect(error).toBeInstanceOf(ProtocolError);
    expect(error).toMatchObject({ code: "PROTOCOL", status: 200, retryable: false });
    const message = (error as Error).message;
    expect(message).toContain("maxResponseBytes (65536 bytes)");
    expect(message).toContain("createNodeTransport({ maxResponseBytes })");
    expect((error as ProtocolError).snippet.startsWith('{"result":"')).toBe(true);
    expect(`${message} ${(error as Error).stack}`).not.toContain(SECRET);
    await closed; // the request was cut off, not left to drain into nowhere
  });

  it("refuses an answer whose Content-Length is over it before reading its body", async () => {
    const { request, closed } = await portal((_request, response) => {
      response.writeHead(503, { "content-length": String(10 * 1024 * 1024) });
      response.write("<html>"); // …and the rest never comes
    });

    const error = await failure(
      transport({ maxResponseBytes: 1024 * 1024 }).send(request, { timeoutMs: 5000 }),
    );

    expect(error).toBeInstanceOf(ProtocolError);
    // A 5xx ProtocolError is normally retried; reading this answer again would fail again.
    expect(error).toMatchObject({ status: 503, retryable: false });
    expect((error as Error).message).toContain("maxResponseBytes (1048576 bytes)");
    await closed;
  });

  it.each([
    ["with Content-Length", true],
    ["chunked", false],
  ])("reads an answer of exactly the limit whole (%s)", async (_how, withLength) => {
    const body = `{"result":"${"y".repeat(988)}"}`;
    expect(Buffer.byteLength(body)).toBe(1001);
    const { request } = await portal((_request, response) => {
      if (withLength) response.setHeader("content-length", 1001);
      response.write(body.slice(0, 500));
      setTimeout(() => response.end(body.slice(500)), 10);
    });

    const response = await transport({ maxResponseBytes: 1001 }).send(request, {
      timeoutMs: 5000,
    });

    expect(response.body).toBe(body);
  });

  it("is 64 MiB when not given", async () => {
    const mebibyte = Buffer.alloc(1024 * 1024, "z");
    let handed = 0;
    const dispatcher = scriptedDispatcher((handler, controller) => {
      handler.onRequestStart?.(controller, {});
      handler.onResponseStart?.(controller, 200, {}, "OK");
      // This dispatcher ignores abort and hands over all it has: the handler keeps no more.
      for (; handed < 65; handed++) handler.onResponseData?.(controller, mebibyte);
      handler.onResponseEnd?.(controller, {});
    });

    const error = await failure(
      createNodeTransport({ dispatcher }).send(
        { method: "POST", url: `https://x.bitrix24.ru/rest/1/${SECRET}/x`, headers: {} },
        { timeoutMs: 5000 },
      ),
    );

    expect(error).toBeInstanceOf(ProtocolError);
    expect((error as Error).message).toContain("maxResponseBytes (67108864 bytes)");
    expect(dispatcher.controllers[0]?.aborts).toEqual([error]);
  });

  it("leaves an answer within it as it was", async () => {
    const { request } = await portal((_request, response) => response.end('{"result":true}'));
    const response = await transport({}).send(request, { timeoutMs: 5000 });
    expect(response).toMatchObject({ status: 200, body: '{"result":true}' });
  });
});

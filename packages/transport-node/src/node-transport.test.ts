import { createServer, type IncomingHttpHeaders } from "node:http";
import { type HttpRequest, TimeoutError, TransportError } from "@b24im/core";
import { startEmulator } from "@b24im/emulator";
import { generate } from "selfsigned";
import { Agent, MockAgent } from "undici";
import { afterEach, describe, expect, it, vi } from "vitest";
import packageJson from "../package.json" with { type: "json" };
import { createNodeTransport } from "./node-transport.js";
import {
  deadPort,
  listenLocally,
  startConnectionCounter,
  startForwardProxy,
} from "./test-servers.test-helpers.js";

const cleanups: Array<() => Promise<unknown> | unknown> = [];
afterEach(async () => {
  vi.unstubAllEnvs();
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function writingRequest(webhookUrl: string, dialogId = "chat1"): HttpRequest {
  return {
    method: "POST",
    url: `${webhookUrl}im.dialog.writing`,
    headers: { "content-type": "application/json", accept: "application/json" },
    body: JSON.stringify({ DIALOG_ID: dialogId }),
  };
}

/** The emulator's webhook URL with its port replaced (to go through a forwarder or proxy). */
function onPort(webhookUrl: string, port: number): string {
  const url = new URL(webhookUrl);
  url.port = String(port);
  return url.href;
}

async function emulator(options: Parameters<typeof startEmulator>[0] = {}) {
  const started = await startEmulator({ rateLimit: false, ...options });
  cleanups.push(() => started.close());
  return started;
}

function transport(options: Parameters<typeof createNodeTransport>[0] = {}) {
  const created = createNodeTransport(options);
  cleanups.push(() => created.close?.());
  return created;
}

describe("connection pool", () => {
  // Every connection to the portal goes through a forwarder that counts them.
  async function countedPortal(connections: number) {
    const server = await emulator();
    const counter = await startConnectionCounter(Number(new URL(server.url).port));
    cleanups.push(() => counter.close());
    const request = writingRequest(onPort(server.webhookUrl(), counter.port));
    return { server, counter, request, client: transport({ connections }) };
  }

  it("makes 1,000 sequential calls on no more sockets than `connections`", async () => {
    const { server, counter, request, client } = await countedPortal(2);

    for (let i = 0; i < 1000; i++) {
      const response = await client.send(request, { timeoutMs: 5000 });
      expect(response.status).toBe(200);
    }
    expect(server.counters.ok).toBe(1000);
    expect(counter.connections()).toBeGreaterThanOrEqual(1);
    expect(counter.connections()).toBeLessThanOrEqual(2);
  });

  it("opens no more than `connections` sockets for concurrent calls", async () => {
    const { counter, request, client } = await countedPortal(3);

    const responses = await Promise.all(
      Array.from({ length: 60 }, () => client.send(request, { timeoutMs: 5000 })),
    );
    expect(responses.every((response) => response.status === 200)).toBe(true);
    expect(counter.connections()).toBeLessThanOrEqual(3);
  });
});

describe("proxy", () => {
  // The portal's address has nobody listening on it; only the proxy knows the way.
  async function portalBehindProxy() {
    const server = await emulator();
    const proxy = await startForwardProxy(Number(new URL(server.url).port));
    cleanups.push(() => proxy.close());
    const unreachable = await deadPort();
    return { server, proxy, request: writingRequest(onPort(server.webhookUrl(), unreachable)) };
  }

  // undici reads the lower-case names first: clearing them keeps this machine's own settings out.
  function stubProxyEnv(proxyPort: number, noProxy: string) {
    vi.stubEnv("http_proxy", undefined);
    vi.stubEnv("HTTP_PROXY", `http://127.0.0.1:${proxyPort}`);
    vi.stubEnv("no_proxy", undefined);
    vi.stubEnv("NO_PROXY", noProxy);
  }

  it("sends every request through the proxy given by URL", async () => {
    const { server, proxy, request } = await portalBehindProxy();
    const client = transport({ proxy: `http://127.0.0.1:${proxy.port}` });
    for (let i = 0; i < 5; i++) {
      expect((await client.send(request, { timeoutMs: 5000 })).status).toBe(200);
    }
    expect(server.counters.ok).toBe(5);
    expect(proxy.tunnels().length).toBeGreaterThanOrEqual(1);
    expect(proxy.tunnels().every((target) => target === new URL(request.url).host)).toBe(true);
  });

  it('honours HTTP_PROXY with proxy: "env"', async () => {
    const { server, proxy, request } = await portalBehindProxy();
    stubProxyEnv(proxy.port, "");
    const client = transport({ proxy: "env" });
    for (let i = 0; i < 5; i++) {
      expect((await client.send(request, { timeoutMs: 5000 })).status).toBe(200);
    }
    expect(server.counters.ok).toBe(5);
    expect(proxy.tunnels().length).toBeGreaterThanOrEqual(1);
  });

  it('honours NO_PROXY with proxy: "env": a listed host is reached directly', async () => {
    const { proxy, request } = await portalBehindProxy();
    stubProxyEnv(proxy.port, "127.0.0.1");
    const error = await transport({ proxy: "env" })
      .send(request, { timeoutMs: 5000 })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TransportError);
    expect((error as Error).message).toContain("ECONNREFUSED");
    expect(proxy.tunnels()).toEqual([]);
  });
});

describe("TLS", () => {
  async function httpsEmulator() {
    const pems = await generate([{ name: "commonName", value: "127.0.0.1" }], {
      keySize: 2048,
      algorithm: "sha256",
      extensions: [
        { name: "basicConstraints", cA: true },
        { name: "subjectAltName", altNames: [{ type: 7, ip: "127.0.0.1" }] },
      ],
    });
    const server = await emulator({ https: { key: pems.private, cert: pems.cert } });
    return { server, ca: pems.cert, request: writingRequest(server.webhookUrl()) };
  }

  it("reaches a portal with a self-signed certificate when given its CA", async () => {
    const { ca, request } = await httpsEmulator();
    expect(request.url.startsWith("https://127.0.0.1:")).toBe(true);
    const response = await transport({ ca }).send(request, { timeoutMs: 5000 });
    expect(response.status).toBe(200);
  });

  it("refuses it without the CA, with a TransportError naming the problem and the fix", async () => {
    const { request } = await httpsEmulator();
    const error = await transport()
      .send(request, { timeoutMs: 5000 })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TransportError);
    expect(error).not.toBeInstanceOf(TimeoutError);
    const message = (error as Error).message;
    expect(message).toMatch(/SELF_SIGNED|UNABLE_TO_VERIFY/);
    expect(message).toContain("createNodeTransport({ ca })");
    expect(message).not.toContain(new URL(request.url).pathname.split("/")[3]);
  });

  it("accepts it with rejectUnauthorized: false", async () => {
    const { request } = await httpsEmulator();
    const response = await transport({ rejectUnauthorized: false }).send(request, {
      timeoutMs: 5000,
    });
    expect(response.status).toBe(200);
  });
});

describe("headers and lifecycle", () => {
  async function recordingServer() {
    const seen: IncomingHttpHeaders[] = [];
    const server = createServer((request, response) => {
      seen.push(request.headers);
      response.writeHead(302, { Location: "https://new.bitrix24.ru/rest/", "X-Trace": "t1" }).end();
    });
    const { port, close } = await listenLocally(server);
    cleanups.push(close);
    return { seen, request: writingRequest(`http://127.0.0.1:${port}/rest/1/code/`) };
  }

  it("sends User-Agent b24im/<version> and returns a redirect as it came, with lower-case headers", async () => {
    const { seen, request } = await recordingServer();
    const response = await transport().send(request, { timeoutMs: 5000 });
    expect(seen[0]?.["user-agent"]).toBe(`b24im/${packageJson.version}`);
    expect(seen).toHaveLength(1);
    expect(response.status).toBe(302);
    expect(response.headers).toMatchObject({
      location: "https://new.bitrix24.ru/rest/",
      "x-trace": "t1",
    });
  });

  it("close() ends its own pool, and is idempotent", async () => {
    const { request } = await recordingServer();
    const client = createNodeTransport();
    await client.send(request, { timeoutMs: 5000 });
    await Promise.all([client.close?.(), client.close?.()]);
    await client.close?.();
    await expect(client.send(request, { timeoutMs: 5000 })).rejects.toBeInstanceOf(TransportError);
  });

  // `client.close()` awaits this close(): a call the client rejected meanwhile is handled by
  // its caller only after that, so a close() that takes a turn of the event loop makes that
  // rejection unhandled (see the conformance suite for the whole pattern).
  it("close() resolves in the same turn when nothing is in flight, without waiting for sockets to close", async () => {
    const { request } = await recordingServer();
    const client = createNodeTransport();
    await client.send(request, { timeoutMs: 5000 }); // leaves a keep-alive socket open

    const nextTurn = new Promise((resolve) => setImmediate(() => resolve("a turn later")));
    const first = await Promise.race([client.close?.().then(() => "same turn"), nextTurn]);

    expect(first).toBe("same turn");
    await expect(client.send(request, { timeoutMs: 5000 })).rejects.toBeInstanceOf(TransportError);
  });

  it("close() waits for the calls in flight, a hung one until its deadline", async () => {
    const server = await emulator();
    // Which request meets which fault depends on which arrives first: either way one is
    // answered and one hangs until the shared deadline.
    server.faults.add({ kind: "delay", ms: 100 });
    server.faults.add({ kind: "hang" });
    const client = createNodeTransport();
    const order: string[] = [];
    const request = writingRequest(server.webhookUrl());
    const calls = [1, 2].map(() =>
      client.send(request, { timeoutMs: 1000 }).then(
        () => order.push("answered"),
        (error: unknown) => order.push((error as Error).name),
      ),
    );

    await client.close?.();
    order.push("closed");

    expect(order).toHaveLength(3);
    expect(order.slice(0, 2).sort()).toEqual(["TimeoutError", "answered"]);
    await Promise.all(calls);
  });

  it("works with undici's MockAgent, for tests without a server", async () => {
    const mock = new MockAgent();
    mock.disableNetConnect();
    cleanups.push(() => mock.close());
    const portal = mock.get("https://x.bitrix24.ru");
    const path = "/rest/1/c0de1234/im.dialog.writing";
    portal
      .intercept({ path, method: "POST" })
      .reply(200, { result: true }, { headers: { "X-A": "1" } });
    portal.intercept({ path, method: "POST" }).replyWithError(new Error("reset by c0de1234"));
    const client = createNodeTransport({ dispatcher: mock });
    const request = writingRequest("https://x.bitrix24.ru/rest/1/c0de1234/");

    const response = await client.send(request, { timeoutMs: 5000 });
    const error = await client.send(request, { timeoutMs: 5000 }).catch((e: unknown) => e);

    expect(response).toEqual({ status: 200, headers: { "x-a": "1" }, body: '{"result":true}' });
    expect(error).toBeInstanceOf(TransportError);
    expect(String(error)).toContain("reset by [REDACTED]");
  });

  it("close() leaves a caller's dispatcher open", async () => {
    const { seen, request } = await recordingServer();
    const dispatcher = new Agent();
    cleanups.push(() => dispatcher.close());
    const client = createNodeTransport({ dispatcher });
    await client.close?.();
    expect(dispatcher.closed).toBe(false);
    expect(
      (await createNodeTransport({ dispatcher }).send(request, { timeoutMs: 5000 })).status,
    ).toBe(302);
    expect(seen).toHaveLength(1);
  });

  it("maps undici's own headers timeout to TimeoutError", async () => {
    const server = await emulator();
    server.faults.add({ kind: "hang" });
    const error = await transport({ headersTimeoutMs: 100 })
      .send(writingRequest(server.webhookUrl()), { timeoutMs: 5000 })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error).toMatchObject({ timeoutMs: 100 });
  });
});

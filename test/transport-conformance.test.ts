/**
 * One conformance suite for every transport: each test drives a real emulator through core's
 * request builder and response parser, so every error class comes from a real answer.
 */
import { getEventListeners } from "node:events";
import { inspect } from "node:util";
import {
  AccessError,
  ApiError,
  AuthError,
  type B24Client,
  B24Error,
  buildRequest,
  ClientClosedError,
  type ClientOptions,
  createClient,
  imDialogWriting,
  type MethodCall,
  MethodNotFoundError,
  PortalMovedError,
  ProtocolError,
  parseResponse,
  parseWebhookUrl,
  RateLimitError,
  ServerError,
  secretsOf,
  type Target,
  TimeoutError,
  type Transport,
  TransportError,
  ValidationError,
} from "@b24im/core";
import { defaultSeed, type Emulator, type Fault, startEmulator } from "@b24im/emulator";
import { createFetchTransport } from "@b24im/transport-fetch";
import { createNodeTransport } from "@b24im/transport-node";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { oversizedAnswer, stalledAnswer, startLoopbackPortal } from "./loopback-portal.js";

const WEBHOOK_SECRET = "pl4nted-w3bh00k-c0de";

/** Options both transports take, with the same name and meaning. */
interface CommonOptions {
  maxResponseBytes?: number;
}

const transports: Array<{ name: string; create: (options?: CommonOptions) => Transport }> = [
  { name: "transport-fetch", create: (options) => createFetchTransport(options) },
  { name: "transport-node", create: (options) => createNodeTransport(options) },
];

/** Sends one call the way the client does, and returns its result or throws its typed error. */
async function call(
  transport: Transport,
  target: Target,
  method: MethodCall = imDialogWriting("chat1"),
  options: { signal?: AbortSignal; timeoutMs?: number } = {},
): Promise<unknown> {
  const request = buildRequest(method, target);
  const response = await transport.send(request, {
    timeoutMs: options.timeoutMs ?? 5000,
    signal: options.signal,
  });
  return parseResponse(method, response, { secrets: secretsOf(request) }).result;
}

async function failure(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    (value) => expect.unreachable(`expected a rejection, got ${JSON.stringify(value)}`),
    (error: unknown) => error,
  );
}

/** Every way an error can be shown: none of them may contain a secret. */
function renderings(error: unknown): string {
  const e = error as Error;
  return [
    e.message,
    e.stack,
    String(e),
    JSON.stringify(e),
    inspect(e, { depth: 10, showHidden: true }),
  ].join("\n");
}

describe.each(transports)("$name conformance", ({ name, create }) => {
  let emulator: Emulator;
  let moved: Emulator;
  let transport: Transport;
  let webhook: Target;

  beforeAll(async () => {
    emulator = await startEmulator({
      rateLimit: false,
      seed: { ...defaultSeed(), webhooks: [{ userId: 1, code: WEBHOOK_SECRET }] },
    });
    moved = await startEmulator({ rateLimit: false, movedTo: "https://new-portal.bitrix24.ru" });
    transport = create();
    webhook = parseWebhookUrl(emulator.webhookUrl(1));
  });
  afterEach(() => emulator.faults.clear());
  afterAll(async () => {
    await transport.close?.();
    await Promise.all([emulator.close(), moved.close()]);
  });

  it("succeeds: im.dialog.writing returns true and the recipient sees typing", async () => {
    await expect(call(transport, webhook)).resolves.toBe(true);
    const chat1 = emulator.state().dialogs.find((dialog) => dialog.id === "chat1");
    expect(chat1?.typing.length).toBeGreaterThan(0);
  });

  describe("error envelopes from real conditions", () => {
    it("a chat the user is not a member of → AccessError", async () => {
      const error = await failure(call(transport, webhook, imDialogWriting("chat999")));
      expect(error).toBeInstanceOf(AccessError);
      expect(error).toMatchObject({
        code: "ACCESS_ERROR",
        retryable: false,
        method: "im.dialog.writing",
      });
    });

    it("a wrong webhook code → AuthError", async () => {
      const wrong = parseWebhookUrl(
        emulator.webhookUrl(1).replace(WEBHOOK_SECRET, "wrong-code-1234"),
      );
      const error = await failure(call(transport, wrong));
      expect(error).toBeInstanceOf(AuthError);
      expect((error as AuthError).status).toBe(401);
    });

    it("an unknown method → MethodNotFoundError", async () => {
      const error = await failure(
        call(transport, webhook, { method: "im.no.such.method", params: {} }),
      );
      expect(error).toBeInstanceOf(MethodNotFoundError);
      expect(error).toMatchObject({ code: "ERROR_METHOD_NOT_FOUND", method: "im.no.such.method" });
    });

    it("a rate-limited portal → RateLimitError (retryable)", async () => {
      const limited = await startEmulator({ rateLimit: { drainPerSecond: 0.001, bucketSize: 1 } });
      try {
        const target = parseWebhookUrl(limited.webhookUrl());
        const results = await Promise.allSettled([1, 2, 3].map(() => call(transport, target)));
        const rejected = results.flatMap((r) => (r.status === "rejected" ? [r.reason] : []));
        expect(rejected.length).toBeGreaterThan(0);
        for (const error of rejected) {
          expect(error).toBeInstanceOf(RateLimitError);
          expect(error).toMatchObject({
            code: "QUERY_LIMIT_EXCEEDED",
            status: 503,
            retryable: true,
          });
        }
      } finally {
        await limited.close();
      }
    });
  });

  it.each([
    [AuthError, 401, "expired_token", false],
    [AccessError, 403, "ACCESS_DENIED", false],
    [ValidationError, 400, "DIALOG_ID_EMPTY", false],
    [RateLimitError, 503, "QUERY_LIMIT_EXCEEDED", true],
    [RateLimitError, 429, "OPERATION_TIME_LIMIT", true],
    [MethodNotFoundError, 404, "ERROR_METHOD_NOT_FOUND", false],
    [ServerError, 500, "INTERNAL_SERVER_ERROR", true],
    [ApiError, 400, "SOME_NEW_CODE", false],
  ] as const)("an envelope %o %i %s → its class", async (errorClass, status, code, retryable) => {
    emulator.faults.add({ kind: "status", status, error: code, description: "told by the fault" });
    const error = await failure(call(transport, webhook));
    expect(error).toBeInstanceOf(errorClass);
    expect(error).toMatchObject({ code, status, retryable, description: "told by the fault" });
  });

  it("a numeric error code is kept as a string", async () => {
    emulator.faults.add({ kind: "status", status: 500, error: 42 });
    const error = await failure(call(transport, webhook));
    expect(error).toBeInstanceOf(ServerError);
    expect(error).toMatchObject({ code: "42" });
  });

  it("an HTML 502 page → ProtocolError, retryable", async () => {
    emulator.faults.add({ kind: "html", status: 502 });
    const error = await failure(call(transport, webhook));
    expect(error).toBeInstanceOf(ProtocolError);
    expect(error).toMatchObject({ code: "PROTOCOL", status: 502, retryable: true });
    expect((error as ProtocolError).snippet.toLowerCase()).toContain("<html");
  });

  it("cut JSON → ProtocolError", async () => {
    emulator.faults.add({ kind: "cutJson" });
    const error = await failure(call(transport, webhook));
    expect(error).toBeInstanceOf(ProtocolError);
    expect(error).toMatchObject({ code: "PROTOCOL", status: 200, retryable: false });
  });

  it("a 302 → PortalMovedError with the location redacted", async () => {
    const target = parseWebhookUrl(moved.webhookUrl(1));
    const code = target.secret;
    const error = await failure(call(transport, target));
    expect(error).toBeInstanceOf(PortalMovedError);
    expect(error).toMatchObject({ code: "PORTAL_MOVED", status: 302, retryable: false });
    expect((error as PortalMovedError).location).toBe(
      "https://new-portal.bitrix24.ru/rest/1/[REDACTED]/im.dialog.writing",
    );
    expect(renderings(error)).not.toContain(code);
  });

  it("a reset socket → TransportError (not a timeout)", async () => {
    emulator.faults.add({ kind: "reset" });
    const error = await failure(call(transport, webhook));
    expect(error).toBeInstanceOf(TransportError);
    expect(error).not.toBeInstanceOf(TimeoutError);
    expect(error).toMatchObject({ code: "TRANSPORT", retryable: true });
  });

  it("a refused connection → TransportError", async () => {
    const closed = await startEmulator();
    const target = parseWebhookUrl(closed.webhookUrl());
    await closed.close();
    const error = await failure(call(transport, target));
    expect(error).toBeInstanceOf(TransportError);
    expect(error).not.toBeInstanceOf(TimeoutError);
  });

  it("a hanging server → TimeoutError within timeoutMs + 100 ms", async () => {
    emulator.faults.add({ kind: "hang" });
    const timeoutMs = 300;
    const started = performance.now();
    const error = await failure(call(transport, webhook, undefined, { timeoutMs }));
    const elapsed = performance.now() - started;
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error).toMatchObject({ code: "TIMEOUT", timeoutMs, retryable: true });
    expect(elapsed).toBeGreaterThanOrEqual(timeoutMs - 5);
    expect(elapsed).toBeLessThan(timeoutMs + 100);
  });

  it("an answer delayed beyond timeoutMs → TimeoutError too", async () => {
    emulator.faults.add({ kind: "delay", ms: 2000 });
    const error = await failure(call(transport, webhook, undefined, { timeoutMs: 200 }));
    expect(error).toBeInstanceOf(TimeoutError);
  });

  it("an abort before the request rejects with the signal's reason and sends nothing", async () => {
    const before = emulator.counters.requests;
    const reason = new Error("the user closed the page");
    await expect(
      call(transport, webhook, undefined, { signal: AbortSignal.abort(reason) }),
    ).rejects.toBe(reason);
    const controller = new AbortController();
    controller.abort();
    await expect(call(transport, webhook, undefined, { signal: controller.signal })).rejects.toBe(
      controller.signal.reason,
    );
    expect(emulator.counters.requests).toBe(before);
  });

  it("an abort during the request rejects with the signal's reason, promptly", async () => {
    emulator.faults.add({ kind: "hang" });
    const controller = new AbortController();
    const reason = new Error("job finished");
    const sent = call(transport, webhook, undefined, {
      signal: controller.signal,
      timeoutMs: 5000,
    });
    setTimeout(() => controller.abort(reason), 50);
    const started = performance.now();
    await expect(sent).rejects.toBe(reason);
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it("a long-lived caller signal keeps no listener once calls are done", async () => {
    const controller = new AbortController();
    for (let i = 0; i < 20; i++) {
      await call(transport, webhook, undefined, { signal: controller.signal });
    }
    emulator.faults.add({ kind: "status", status: 403, error: "ACCESS_ERROR" });
    await failure(call(transport, webhook, undefined, { signal: controller.signal }));
    expect(getEventListeners(controller.signal, "abort")).toHaveLength(0);
  });

  it("a body that stalls after the headers → TimeoutError at the deadline; its socket is closed", async () => {
    const portal = await startLoopbackPortal(stalledAnswer);
    try {
      const target = parseWebhookUrl(`${portal.url}/rest/1/${WEBHOOK_SECRET}/`);
      const error = await failure(call(transport, target, undefined, { timeoutMs: 200 }));
      expect(error).toBeInstanceOf(TimeoutError);
      expect(error).toMatchObject({ timeoutMs: 200 });
      await portal.socketClosed;
    } finally {
      await portal.close();
    }
  });

  it("an answer over maxResponseBytes → ProtocolError, not retryable, naming the option; its socket is closed", async () => {
    const portal = await startLoopbackPortal(oversizedAnswer);
    try {
      const small = create({ maxResponseBytes: 64 * 1024 });
      const target = parseWebhookUrl(`${portal.url}/rest/1/${WEBHOOK_SECRET}/`);
      const error = await failure(call(small, target));
      expect(error).toBeInstanceOf(ProtocolError);
      expect(error).toMatchObject({ code: "PROTOCOL", status: 200, retryable: false });
      const factory = name === "transport-node" ? "createNodeTransport" : "createFetchTransport";
      expect((error as Error).message).toContain(`${factory}({ maxResponseBytes })`);
      expect(renderings(error)).not.toContain(WEBHOOK_SECRET);
      await portal.socketClosed; // cut off, not left streaming into nowhere
      await small.close?.();
    } finally {
      await portal.close();
    }
  });

  describe("one AbortSignal shared by 50 concurrent calls", () => {
    // Node warns past ten listeners on one AbortSignal (MaxListenersExceededWarning): a caller
    // sharing one signal among many calls must not see that, nor keep listeners after them.
    const CALLS = 50;

    function watchWarnings(): { seen: Error[]; stop: () => void } {
      const seen: Error[] = [];
      const record = (warning: Error) => {
        if (warning.name === "MaxListenersExceededWarning") seen.push(warning);
      };
      process.on("warning", record);
      return { seen, stop: () => process.off("warning", record) };
    }

    // Node emits a warning on the next tick: wait for it before looking.
    const warningsEmitted = () => new Promise((resolve) => setImmediate(resolve));

    it("answered: at most one listener on it while in flight, none after, no warning", async () => {
      const warnings = watchWarnings();
      try {
        emulator.faults.add({ kind: "delay", ms: 100, times: CALLS });
        const shared = new AbortController();
        const calls = Array.from({ length: CALLS }, () =>
          call(transport, webhook, undefined, { signal: shared.signal }),
        );

        expect(getEventListeners(shared.signal, "abort").length).toBeLessThanOrEqual(1);
        expect(await Promise.all(calls)).toEqual(Array(CALLS).fill(true));
        expect(getEventListeners(shared.signal, "abort")).toHaveLength(0);
        await warningsEmitted();
        expect(warnings.seen).toEqual([]);
      } finally {
        warnings.stop();
      }
    });

    it("aborted: every call rejects with its reason, no listener is left, no warning", async () => {
      const warnings = watchWarnings();
      const shared = new AbortController();
      try {
        emulator.faults.add({ kind: "hang", times: CALLS });
        const calls = Array.from({ length: CALLS }, () =>
          failure(call(transport, webhook, undefined, { signal: shared.signal })),
        );
        expect(getEventListeners(shared.signal, "abort").length).toBeLessThanOrEqual(1);
        const reason = new Error("the user left");

        shared.abort(reason);

        expect(await Promise.all(calls)).toEqual(Array(CALLS).fill(reason));
        expect(getEventListeners(shared.signal, "abort")).toHaveLength(0);
        await warningsEmitted();
        expect(warnings.seen).toEqual([]);
      } finally {
        shared.abort(); // should an expectation fail first, no hung call outlives the test
        warnings.stop();
      }
    });
  });

  describe("the documented close() pattern leaves no unhandled rejection", () => {
    // `const p = client.writing(id); await client.close(); await p.catch(() => {});` — a call
    // that rejects while close() runs is handled only once close() has resolved. By default
    // Node ends the process on an unhandled rejection.
    const variants: Array<{
      name: string;
      options?: Partial<ClientOptions>;
      fault?: Fault;
      /** Calls made and awaited before the pattern: they fill the rate limiter's bucket. */
      before?: number;
      calls: number;
      expected: (outcomes: unknown[]) => void;
    }> = [
      {
        name: "a call in flight, answered",
        fault: { kind: "delay", ms: 200 },
        calls: 1,
        expected: (outcomes) => expect(outcomes).toEqual([true]),
      },
      {
        name: "a call in flight that fails while closing",
        fault: { kind: "delay", ms: 400 },
        options: { timeoutMs: 100, retry: false },
        calls: 1,
        expected: ([outcome]) => expect(outcome).toBeInstanceOf(TimeoutError),
      },
      {
        name: "a call waiting for the rate limiter",
        options: { rateLimit: { drainPerSecond: 0.01, bucketSize: 1 } },
        before: 1,
        calls: 1,
        expected: ([outcome]) => expect(outcome).toBeInstanceOf(ClientClosedError),
      },
      {
        // close() rejects the waiting call first, then waits for the network: the rejection
        // settles with close(), not while the answer and the transport's close are awaited.
        name: "a call in flight and one waiting for the rate limiter",
        fault: { kind: "delay", ms: 200 },
        options: { rateLimit: { drainPerSecond: 0.01, bucketSize: 1 } },
        calls: 2,
        expected: ([first, second]) => {
          expect(first).toBe(true);
          expect(second).toBeInstanceOf(ClientClosedError);
        },
      },
      {
        name: "a hung request",
        fault: { kind: "hang" },
        options: { timeoutMs: 200 },
        calls: 1,
        expected: ([outcome]) => expect(outcome).toBeInstanceOf(B24Error),
      },
    ];

    it.each(variants)("$name", async ({ options, fault, before = 0, calls, expected }) => {
      const unhandled: unknown[] = [];
      const record = (reason: unknown) => unhandled.push(reason);
      process.on("unhandledRejection", record);
      try {
        const client: B24Client = createClient({
          webhook: emulator.webhookUrl(1),
          transport: create(),
          ...options,
        });
        for (let i = 0; i < before; i++) await client.writing("chat1");
        if (fault) emulator.faults.add(fault);

        const pending = Array.from({ length: calls }, () => client.writing("chat1"));
        await client.close();
        const outcomes = await Promise.all(pending.map((p) => p.catch((error: unknown) => error)));
        // Node reports unhandled rejections once the microtasks have run: give it a turn.
        await new Promise((resolve) => setTimeout(resolve, 20));

        expect(unhandled).toEqual([]);
        expected(outcomes);
      } finally {
        process.off("unhandledRejection", record);
      }
    });
  });

  describe("secrets: the webhook code and the OAuth token appear in no error", () => {
    type Scenario = Fault | "moved" | "refused";
    const scenarios: Array<[string, Scenario]> = [
      ["an error envelope", { kind: "status", status: 401, error: "expired_token" }],
      ["an HTML page", { kind: "html" }],
      ["cut JSON", { kind: "cutJson" }],
      ["a reset", { kind: "reset" }],
      ["a timeout", { kind: "hang" }],
      ["a redirect", "moved"],
      ["a refused connection", "refused"],
    ];

    async function portalUrlFor(scenario: Scenario): Promise<string> {
      if (scenario === "moved") return moved.url;
      if (scenario !== "refused") return emulator.url;
      const closed = await startEmulator();
      await closed.close();
      return closed.url;
    }

    it.each(scenarios)("%s", async (_name, scenario) => {
      const { access_token: accessToken } = emulator.oauth.issueTokens();
      const portal = await portalUrlFor(scenario);
      const targets: Array<[Target, string]> = [
        [parseWebhookUrl(`${portal}/rest/1/${WEBHOOK_SECRET}/`), WEBHOOK_SECRET],
        [{ clientEndpoint: `${portal}/rest/`, accessToken }, accessToken],
      ];
      for (const [target, secret] of targets) {
        if (typeof scenario === "object") emulator.faults.add(scenario);
        const error = await failure(call(transport, target, undefined, { timeoutMs: 300 }));
        expect(error).toBeInstanceOf(Error);
        expect(secret.length).toBeGreaterThan(8);
        expect(renderings(error)).not.toContain(secret);
        expect(renderings(error)).not.toContain(encodeURIComponent(secret));
      }
    });
  });
});

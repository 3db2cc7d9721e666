import { inspect } from "node:util";
import fc from "fast-check";
import { describe, expect, it, vi } from "vitest";
import {
  AccessError,
  AuthError,
  B24Error,
  ClientClosedError,
  ConfigError,
  DialogIdError,
  PortalMovedError,
  ProtocolError,
  TimeoutError,
  TransportError,
  ValidationError,
} from "../protocol/errors.js";
import type { HttpResponse } from "../protocol/http.js";
import { imDialogWriting, type MethodCall } from "../protocol/methods.js";
import { answerEveryCommand } from "../testing/answer-every-command.test-helpers.js";
import { createFakeClock, type FakeClock } from "../testing/fake-clock.js";
import {
  createFakeTransport,
  errorResponse,
  type FakeExchange,
  type FakeTransport,
  jsonResponse,
} from "../testing/fake-transport.js";
import { type B24Client, createClient } from "./client.js";
import type { ErrorEvent, RequestEvent, ResponseEvent, RetryEvent } from "./hooks.js";
import type { ClientOptions } from "./options.js";
import { surelyNotSent } from "./retry.js";

const T0 = 1_700_000_000_000;
const CODE = "s3cr3tWebhookC0de";
const WEBHOOK = `https://x.bitrix24.ru/rest/1/${CODE}/`;

interface Setup {
  clock: FakeClock;
  transport: FakeTransport;
  client: B24Client;
}

function setup(options: Partial<ClientOptions> = {}): Setup {
  const clock = createFakeClock({ now: T0 });
  const transport = createFakeTransport({ clock });
  const client = createClient({
    webhook: WEBHOOK,
    transport,
    clock,
    retry: { random: () => 0.5 },
    ...options,
  } as ClientOptions);
  return { clock, transport, client };
}

const sentAt = (transport: FakeTransport) => transport.requests.map((r) => r.at - T0);
const settle = <T>(promise: Promise<T>) =>
  promise.then(
    (value) => ({ ok: true as const, value }),
    (error: unknown) => ({ ok: false as const, error }),
  );

describe("rate limit", () => {
  it("sends 200 writing() calls as 50 at once, then at most 2/s, the 200th at 75 s ± 1 s", async () => {
    const { clock, transport, client } = setup();
    const calls = Array.from({ length: 200 }, (_, i) => client.writing(i + 1));
    await clock.flush();
    expect(transport.requests).toHaveLength(50);
    await clock.advance(80_000);
    expect(await Promise.all(calls)).toEqual(Array(200).fill(true));
    const times = sentAt(transport);
    expect(times.filter((t) => t === 0)).toHaveLength(50);
    expect(times[199]).toBeGreaterThanOrEqual(74_000);
    expect(times[199]).toBeLessThanOrEqual(76_000);
    // The portal's own bucket, replayed on the arrival times, never overflows.
    let level = 0;
    let last = 0;
    for (const t of times) {
      level = Math.max(0, level - ((t - last) * 2) / 1000) + 1;
      last = t;
      expect(level).toBeLessThanOrEqual(50);
    }
    // After the burst, no one-second window holds more than 2 requests.
    const after = times.slice(50);
    for (const start of after) {
      expect(after.filter((t) => t >= start && t < start + 1000).length).toBeLessThanOrEqual(2);
    }
    expect(transport.requests[0]?.body).toEqual({ DIALOG_ID: "1" });
  });

  it("retries QUERY_LIMIT_EXCEEDED after emptying the local budget", async () => {
    const { clock, transport, client } = setup();
    transport.enqueue(errorResponse("QUERY_LIMIT_EXCEEDED", 503));
    const first = client.call("profile");
    await clock.flush();
    const second = client.call("profile");
    await clock.advance(5000);
    await expect(first).resolves.toBe(true);
    await expect(second).resolves.toBe(true);
    const times = sentAt(transport);
    expect(times).toHaveLength(3);
    // Emptied budget: nothing more went out before the bucket drained a whole request.
    expect(Math.min(times[1] ?? 0, times[2] ?? 0)).toBeGreaterThanOrEqual(500);
  });

  it("accepts rateLimit: false and a custom RateLimiter", async () => {
    const off = setup({ rateLimit: false });
    await Promise.all(Array.from({ length: 120 }, () => off.client.call("profile")));
    expect(off.transport.requests).toHaveLength(120);
    let acquired = 0;
    const custom = setup({
      rateLimit: { acquire: async () => void acquired++, saturate: () => {} },
    });
    await custom.client.call("profile");
    expect(acquired).toBe(1);
  });
});

describe("retry", () => {
  it.each([
    ["DIALOG_ID_EMPTY", 400, ValidationError],
    ["ACCESS_ERROR", 403, AccessError],
    ["INVALID_CREDENTIALS", 401, AuthError],
    ["expired_token", 401, AuthError],
  ] as const)("never retries %s", async (code, status, errorClass) => {
    const { clock, transport, client } = setup();
    transport.setDefault(errorResponse(code, status));
    const outcome = settle(client.writing("chat5"));
    await clock.runAll();
    const result = await outcome;
    expect(result.ok).toBe(false);
    expect(!result.ok && result.error).toBeInstanceOf(errorClass);
    expect(transport.requests).toHaveLength(1);
  });

  it.each([1, 2, 5])("never makes more than attempts: %i requests", async (attempts) => {
    const { clock, transport, client } = setup({ retry: { attempts, random: () => 1 - 1e-9 } });
    transport.setDefault(errorResponse("INTERNAL_SERVER_ERROR", 500));
    const outcome = settle(client.call("profile"));
    await clock.runAll();
    expect((await outcome).ok).toBe(false);
    expect(transport.requests).toHaveLength(attempts);
  });

  it("retries transport errors and timeouts with jittered exponential backoff, then gives up", async () => {
    const retries: RetryEvent[] = [];
    const { clock, transport, client } = setup({
      retry: { attempts: 4, baseDelayMs: 1000, random: () => 0.5 },
      timeoutMs: 2000,
      hooks: { onRetry: (e) => retries.push(e) },
    });
    transport.enqueue(new TransportError("reset"), () => new Promise(() => {}));
    transport.setDefault(errorResponse("OVERLOAD_LIMIT", 503));
    const outcome = settle(client.call("profile"));
    await clock.runAll();
    const result = await outcome;
    expect(!result.ok && result.error).toMatchObject({ code: "OVERLOAD_LIMIT" });
    expect(retries.map((e) => [e.attempt, e.delayMs, e.error.code])).toEqual([
      [1, 500, "TRANSPORT"],
      [2, 1000, "TIMEOUT"],
      [3, 2000, "OVERLOAD_LIMIT"],
    ]);
    expect(transport.requests.map((r) => r.timeoutMs)).toEqual([2000, 2000, 2000, 2000]);
    expect(retries[1]?.error).toBeInstanceOf(TimeoutError);
  });

  describe("idempotent: false (a call that must not run twice, e.g. im.message.add)", () => {
    const refused = () =>
      new TransportError("connect failed", {
        cause: Object.assign(new Error("connect ECONNREFUSED 10.0.0.1:443"), {
          code: "ECONNREFUSED",
        }),
      });
    const reset = () =>
      new TransportError("socket hang up", {
        cause: Object.assign(new Error("read ECONNRESET"), { code: "ECONNRESET" }),
      });
    const hang = () => new Promise<HttpResponse>(() => {});

    it.each([
      ["a timeout", hang, TimeoutError],
      ["a reset mid-request", reset, TransportError],
      ["a 502 page", () => ({ status: 502, headers: {}, body: "<html>" }), ProtocolError],
    ] as const)(
      "is not repeated after %s, which may have reached the server",
      async (_, first, errorClass) => {
        const { clock, transport, client } = setup({ timeoutMs: 1000 });
        transport.enqueue(first);
        const posted = settle(
          client.call(
            "im.message.add",
            { DIALOG_ID: "chat5", MESSAGE: "hi" },
            { idempotent: false },
          ),
        );
        await clock.runAll();
        const result = await posted;
        expect(!result.ok && result.error).toBeInstanceOf(errorClass);
        expect(transport.requests).toHaveLength(1);
      },
    );

    it.each([
      ["a refused connection", refused],
      ["QUERY_LIMIT_EXCEEDED", () => errorResponse("QUERY_LIMIT_EXCEEDED", 503)],
      ["a 429", () => errorResponse("OPERATION_TIME_LIMIT", 429)],
    ] as const)("is repeated after %s, which surely did not reach it", async (_, first) => {
      const { clock, transport, client } = setup();
      transport.enqueue(first);
      const posted = client.call("im.message.add", { MESSAGE: "hi" }, { idempotent: false });
      await clock.advance(70_000);
      await expect(posted).resolves.toBe(true);
      expect(transport.requests).toHaveLength(2);
    });

    it("by default a timeout is repeated; surelyNotSent tells the two kinds apart", async () => {
      const { clock, transport, client } = setup({ timeoutMs: 1000 });
      transport.enqueue(hang);
      const posted = client.call("im.message.add", { MESSAGE: "hi" });
      await clock.advance(5_000);
      await expect(posted).resolves.toBe(true);
      expect(transport.requests).toHaveLength(2);
      expect(surelyNotSent(refused())).toBe(true);
      expect(surelyNotSent(reset())).toBe(false);
      expect(surelyNotSent(new TimeoutError(1000))).toBe(false);
      expect(surelyNotSent(new ClientClosedError())).toBe(true);
      await expect(client.call("profile", {}, { idempotent: "no" as never })).rejects.toMatchObject(
        {
          option: "idempotent",
        },
      );
    });
  });

  it("retry: false sends once", async () => {
    const { clock, transport, client } = setup({ retry: false });
    transport.setDefault(new TransportError("down"));
    const outcome = settle(client.call("profile"));
    await clock.runAll();
    expect((await outcome).ok).toBe(false);
    expect(transport.requests).toHaveLength(1);
  });
});

describe("operating time", () => {
  it("after OPERATION_TIME_LIMIT holds that method until operating_reset_at; others go at once", async () => {
    const { clock, transport, client } = setup();
    const resetAt = (T0 + 120_000) / 1000;
    transport.enqueue(
      jsonResponse(
        {
          error: "OPERATION_TIME_LIMIT",
          error_description: "",
          time: { operating_reset_at: resetAt },
        },
        429,
      ),
    );
    const limited = client.call("crm.deal.list");
    await clock.advance(1000);
    const other = client.call("profile");
    const again = client.call("CRM.DEAL.LIST");
    await clock.advance(1000);
    await expect(other).resolves.toBe(true);
    expect(transport.requests.map((r) => r.request.url.split("/").pop())).toEqual([
      "crm.deal.list",
      "profile",
    ]);
    await clock.advance(120_000);
    await expect(limited).resolves.toBe(true);
    await expect(again).resolves.toBe(true);
    const held = transport.requests.slice(2);
    expect(held.map((r) => r.at - T0)).toEqual([120_000, 120_000]);
  });
});

describe("timers", () => {
  const PLATFORM_MAX_MS = 2_147_483_647;

  it("an OPERATION_TIME_LIMIT a month away holds the method at most the 10-minute window, never arming an overlong timer", async () => {
    const clock = createFakeClock({ now: T0 });
    // Node fires a timer over 2^31 - 1 ms after 1 ms (and warns): that is what is checked here.
    const delays: number[] = [];
    const recording = {
      now: () => clock.now(),
      setTimeout: (callback: () => void, ms: number) => {
        delays.push(ms);
        return clock.setTimeout(callback, ms);
      },
      clearTimeout: (handle: unknown) => clock.clearTimeout(handle),
    };
    const transport = createFakeTransport({ clock });
    const client = createClient({ webhook: WEBHOOK, transport, clock: recording });
    const aMonthAway = (T0 + 30 * 86_400_000) / 1000;
    transport.enqueue(
      jsonResponse(
        { error: "OPERATION_TIME_LIMIT", time: { operating_reset_at: aMonthAway } },
        429,
      ),
    );
    const held = settle(client.call("crm.deal.list"));
    await clock.advance(11 * 60_000);
    expect(await held).toEqual({ ok: true, value: true });
    expect(transport.requests).toHaveLength(2);
    expect(Math.max(...delays)).toBeLessThanOrEqual(PLATFORM_MAX_MS);
    await client.close();
  });
});

describe("OAuth", () => {
  const secrets = {
    access: "oldAccessT0ken",
    refresh: "oldRefreshT0ken",
    client: "clientS3cretValue",
  };
  // An OAuth application whose tokens are `secrets`.
  const oauthApp = {
    clientEndpoint: "https://x.bitrix24.ru/rest/",
    accessToken: secrets.access,
    refreshToken: secrets.refresh,
    clientId: "app.123",
    clientSecret: secrets.client,
  };

  function oauthSetup(refreshAnswer: () => ReturnType<typeof jsonResponse>) {
    const tokens: unknown[] = [];
    const refreshes: FakeExchange[] = [];
    const s = setup({
      webhook: undefined,
      oauth: { ...oauthApp, onTokens: (t) => void tokens.push(t) },
    });
    s.transport.setDefault((exchange) => {
      if (exchange.request.url.includes("/oauth/token/")) {
        refreshes.push(exchange);
        return refreshAnswer();
      }
      return exchange.body?.auth === secrets.access
        ? errorResponse("expired_token", 401, "The access token provided has expired.")
        : jsonResponse({ result: exchange.body?.auth });
    });
    return { ...s, tokens, refreshes };
  }

  describe("with a refresh of your own (a Bitrix24 frame's BX24.refreshAuth)", () => {
    function frameSetup(refresh: () => Promise<unknown>) {
      const s = setup({
        webhook: undefined,
        oauth: {
          clientEndpoint: "https://x.bitrix24.ru/rest/",
          accessToken: secrets.access,
          refresh: refresh as () => Promise<{ accessToken: string }>,
        },
      });
      s.transport.setDefault((exchange) =>
        exchange.body?.auth === secrets.access
          ? errorResponse("expired_token", 401, "The access token provided has expired.")
          : jsonResponse({ result: exchange.body?.auth }),
      );
      return s;
    }

    it("asks it once for 20 calls that hit expired_token, and replays them with its token", async () => {
      let asked = 0;
      const { clock, client, transport } = frameSetup(async () => {
        asked++;
        return { accessToken: "frameFreshT0ken" };
      });
      const calls = Array.from({ length: 20 }, () => client.call("profile"));
      await clock.runAll();
      expect(await Promise.all(calls)).toEqual(Array(20).fill("frameFreshT0ken"));
      expect(asked).toBe(1);
      expect(transport.requests.some((r) => r.request.url.includes("/oauth/token/"))).toBe(false);
    });

    it("a refresh that fails rejects the waiting calls with AuthError, secret-free; the next expiry asks again", async () => {
      let asked = 0;
      const { clock, client } = frameSetup(async () => {
        asked++;
        if (asked === 1) throw new Error(`frame closed while holding ${secrets.access}`);
        return asked === 2 ? {} : { accessToken: "frameFreshT0ken" };
      });
      for (const expected of ["OAUTH_REFRESH_FAILED", "OAUTH_REFRESH_FAILED"]) {
        const call = settle(client.call("profile"));
        await clock.runAll();
        const outcome = await call;
        const error = (outcome as { error: AuthError }).error;
        expect(error).toBeInstanceOf(AuthError);
        expect(error.code).toBe(expected);
        expect(
          `${JSON.stringify(error)} ${error.stack} ${inspect(error, { showHidden: true })}`,
        ).not.toContain(secrets.access);
      }
      const third = client.call("profile");
      await clock.runAll();
      expect(await third).toBe("frameFreshT0ken");
      expect(asked).toBe(3);
    });

    it("is one way to refresh: not beside refreshToken and clientSecret, and a function", () => {
      const oauth = { clientEndpoint: "https://x.bitrix24.ru/rest/", accessToken: "t" };
      for (const bad of [
        {
          ...oauth,
          refresh: async () => ({ accessToken: "x" }),
          refreshToken: "r",
          clientSecret: "s",
        },
        { ...oauth, refresh: "BX24.refreshAuth" },
      ]) {
        expect(() =>
          createClient({ oauth: bad as never, transport: createFakeTransport() }),
        ).toThrow(expect.objectContaining({ option: "oauth.refresh" }));
      }
    });
  });

  it("reports each expired_token attempt once, to onRetry, before its replay", async () => {
    const retries: RetryEvent[] = [];
    const errors: ErrorEvent[] = [];
    const { clock, client, transport } = setup({
      webhook: undefined,
      oauth: oauthApp,
      hooks: { onRetry: (e) => retries.push(e), onError: (e) => errors.push(e) },
    });
    transport.setDefault((exchange) =>
      exchange.request.url.includes("/oauth/token/")
        ? jsonResponse({ access_token: "newAccessT0ken", refresh_token: "newRefreshT0ken" })
        : exchange.body?.auth === secrets.access
          ? errorResponse("expired_token", 401)
          : jsonResponse({ result: true }),
    );
    const calls = [client.call("profile"), client.call("profile")];
    await clock.advance(0);
    expect(await Promise.all(calls)).toEqual([true, true]);
    expect(retries.map((e) => [e.error.code, e.delayMs, e.attempt])).toEqual([
      ["expired_token", 0, 1],
      ["expired_token", 0, 1],
    ]);
    expect(errors).toEqual([]);
  });

  it("an abort while the shared refresh hangs rejects only that call, at once", async () => {
    const { clock, client, refreshes } = oauthSetup(() => new Promise(() => {}) as never);
    const controller = new AbortController();
    const aborted = client.call("profile", {}, { signal: controller.signal });
    const other = settle(client.call("profile"));
    await clock.advance(10);
    expect(refreshes).toHaveLength(1);

    controller.abort("user left");
    await expect(aborted).rejects.toBe("user left");

    await clock.advance(30_000);
    const outcome = await other;
    expect(!outcome.ok && outcome.error).toBeInstanceOf(TimeoutError);
    expect(refreshes).toHaveLength(1);
  });

  it("20 concurrent expired_token calls share one refresh, are replayed, onTokens once", async () => {
    const { clock, client, tokens, refreshes } = oauthSetup(() =>
      jsonResponse({
        access_token: "newAccessT0ken",
        refresh_token: "newRefreshT0ken",
        expires_in: 3600,
      }),
    );
    const calls = Array.from({ length: 20 }, () => client.call("profile"));
    await clock.runAll();
    expect(await Promise.all(calls)).toEqual(Array(20).fill("newAccessT0ken"));
    expect(refreshes).toHaveLength(1);
    expect(refreshes[0]?.request.method).toBe("GET");
    expect(refreshes[0]?.request.url).toBe(
      `https://oauth.bitrix.info/oauth/token/?grant_type=refresh_token&client_id=app.123&client_secret=${secrets.client}&refresh_token=${secrets.refresh}`,
    );
    expect(tokens).toEqual([
      { accessToken: "newAccessT0ken", refreshToken: "newRefreshT0ken", expiresAt: T0 + 3_600_000 },
    ]);
  });

  it("a refused refresh rejects all 20 with AuthError and is never tried again", async () => {
    const { clock, client, transport, tokens, refreshes } = oauthSetup(() =>
      errorResponse("invalid_grant", 400, "Invalid refresh token"),
    );
    const calls = Array.from({ length: 20 }, () => settle(client.call("profile")));
    await clock.runAll();
    const results = await Promise.all(calls);
    for (const result of results) {
      expect(!result.ok && result.error).toBeInstanceOf(AuthError);
      expect(!result.ok && (result.error as AuthError).code).toBe("invalid_grant");
    }
    const later = settle(client.call("profile"));
    await clock.runAll();
    expect((await later).ok).toBe(false);
    expect(refreshes).toHaveLength(1);
    expect(tokens).toEqual([]);
    expect(transport.requests).toHaveLength(22);
  });
});

describe("batch", () => {
  function batchResponder(failIndex: number) {
    return (exchange: FakeExchange) => {
      const body = exchange.body as { halt: number; cmd: Record<string, string> };
      const result: Record<string, unknown> = {};
      const errors: Record<string, unknown> = {};
      for (const [key, command] of Object.entries(body.cmd)) {
        const index = Number(command.split("INDEX=")[1]);
        if (index === failIndex)
          errors[key] = { error: "ACCESS_ERROR", error_description: "not a member" };
        else if (!(body.halt && Object.keys(errors).length > 0)) result[key] = index;
      }
      const hasErrors = Object.keys(errors).length > 0;
      return jsonResponse({
        result: {
          result,
          result_error: hasErrors ? errors : [],
          result_time: [],
          result_next: [],
          result_total: [],
        },
      });
    };
  }
  const calls = Array.from({ length: 120 }, (_, i) => ({
    method: "im.dialog.writing",
    params: { INDEX: i },
  }));

  it("splits 120 calls into exactly 3 requests with typed errors in place", async () => {
    const { transport, client } = setup();
    transport.setDefault(batchResponder(75));
    const result = await client.batch(calls);
    expect(transport.requests).toHaveLength(3);
    expect(
      transport.requests.map((r) => Object.keys((r.body as { cmd: object }).cmd).length),
    ).toEqual([50, 50, 20]);
    expect(result).toHaveLength(120);
    expect(result[0]).toEqual({ key: "0", status: "fulfilled", value: 0 });
    expect(result[119]).toEqual({ key: "119", status: "fulfilled", value: 119 });
    const failed = result[75];
    expect(failed?.status).toBe("rejected");
    expect(failed?.status === "rejected" && failed.reason).toBeInstanceOf(AccessError);
    expect(result.filter((r) => r.status !== "fulfilled")).toHaveLength(1);
  });

  it("halt skips every later command, later requests included, and keeps record keys", async () => {
    const { transport, client } = setup();
    transport.setDefault(batchResponder(10));
    const result = await client.batch(calls, { halt: true });
    expect(transport.requests).toHaveLength(1);
    expect(result[10]?.status).toBe("rejected");
    expect(result.slice(11).every((r) => r.status === "skipped")).toBe(true);
    transport.setDefault(batchResponder(-1));
    const keyed = await client.batch({ first: calls[1] as never, second: calls[2] as never });
    expect(keyed.map((r) => [r.key, r.status === "fulfilled" && r.value])).toEqual([
      ["first", 1],
      ["second", 2],
    ]);
    expect(await client.batch([])).toEqual([]);
  });

  it("a request that fails as a whole rejects only its own commands; the others keep their outcomes", async () => {
    const { clock, transport, client } = setup({ retry: false });
    transport.setDefault(batchResponder(-1));
    // The second request (commands 50-99) meets a proxy's 502 page, and so does no other.
    transport.enqueue(batchResponder(-1), {
      status: 502,
      headers: {},
      body: "<html>Bad Gateway</html>",
    });
    const outcome = settle(client.batch(calls));
    await clock.runAll();
    const result = await outcome;
    expect(result.ok).toBe(true);
    const entries = result.ok ? result.value : [];
    expect(entries).toHaveLength(120);
    expect(transport.requests).toHaveLength(3);
    expect(entries.slice(0, 50).every((e) => e.status === "fulfilled")).toBe(true);
    expect(entries.slice(100).every((e) => e.status === "fulfilled")).toBe(true);
    const failed = entries.slice(50, 100);
    expect(new Set(failed.map((e) => e.status))).toEqual(new Set(["rejected"]));
    const reasons = new Set(failed.map((e) => e.status === "rejected" && e.reason));
    expect(reasons.size).toBe(1);
    expect([...reasons][0]).toBeInstanceOf(ProtocolError);
    expect(failed[0]?.key).toBe("50");
  });

  it("with halt, a request that fails as a whole stops the later ones; close() leaves the rest unsent", async () => {
    const halted = setup({ retry: false });
    halted.transport.setDefault(batchResponder(-1));
    halted.transport.enqueue(new TransportError("connection reset"));
    const first = settle(halted.client.batch(calls, { halt: true }));
    await halted.clock.runAll();
    const stopped = await first;
    expect(halted.transport.requests).toHaveLength(1);
    expect(stopped.ok).toBe(true);
    const entries = stopped.ok ? stopped.value : [];
    expect(entries).toHaveLength(120);
    expect(entries.slice(0, 50).every((e) => e.status === "rejected")).toBe(true);
    expect(entries.slice(50).every((e) => e.status === "skipped")).toBe(true);

    // The bucket is full: the second request waits for the limiter when the client closes.
    const closing = setup({ rateLimit: { drainPerSecond: 1, bucketSize: 1 } });
    closing.transport.setDefault(batchResponder(-1));
    const pending = settle(closing.client.batch(calls));
    await closing.clock.flush();
    await closing.client.close();
    const closed = await pending;
    expect(closed.ok).toBe(true);
    const after = closed.ok ? closed.value : [];
    expect(after).toHaveLength(120);
    expect(closing.transport.requests).toHaveLength(1);
    expect(after.slice(0, 50).every((e) => e.status === "fulfilled")).toBe(true);
    expect(
      after
        .slice(50)
        .every((e) => e.status === "rejected" && e.reason instanceof ClientClosedError),
    ).toBe(true);
  });

  it("an abort rejects the whole batch with the signal's reason, like every call", async () => {
    const { clock, transport, client } = setup({ rateLimit: { drainPerSecond: 1, bucketSize: 1 } });
    transport.setDefault(batchResponder(-1));
    const controller = new AbortController();
    const pending = settle(client.batch(calls, { signal: controller.signal }));
    await clock.flush();
    controller.abort("enough");
    expect(await pending).toEqual({ ok: false, error: "enough" });
  });
});

describe("aborts", () => {
  it("rejects at once while waiting for the limiter and frees the place", async () => {
    const { clock, transport, client } = setup();
    const burst = Array.from({ length: 50 }, () => client.writing("chat5"));
    const controller = new AbortController();
    const waiting = client.writing("chat5", { signal: controller.signal });
    const next = client.writing("chat7");
    await clock.flush();
    const reason = new Error("user left");
    controller.abort(reason);
    await expect(waiting).rejects.toBe(reason);
    await clock.advance(1000);
    await Promise.all([...burst, next]);
    expect(transport.requests).toHaveLength(51);
    expect(transport.requests[50]?.body).toEqual({ DIALOG_ID: "chat7" });
    expect(sentAt(transport)[50]).toBe(1000);
  });

  it("rejects at once and closes without hanging even when a custom limiter ignores the signal", async () => {
    const deaf = { acquire: () => new Promise<void>(() => {}), saturate() {} };
    const { transport, client } = setup({ rateLimit: deaf });
    const controller = new AbortController();
    const aborted = client.writing("chat5", { signal: controller.signal });
    const waiting = client.writing("chat6");
    controller.abort("user left");
    await expect(aborted).rejects.toBe("user left");
    await client.close();
    await expect(waiting).rejects.toBeInstanceOf(ClientClosedError);
    expect(transport.requests).toHaveLength(0);
  });

  it("rejects at once during a backoff and during a request, sending nothing more", async () => {
    const { clock, transport, client } = setup({
      retry: { attempts: 3, baseDelayMs: 10_000, random: () => 0.5 },
    });
    transport.setDefault(errorResponse("INTERNAL_SERVER_ERROR", 500));
    const controller = new AbortController();
    const call = client.call("profile", {}, { signal: controller.signal });
    await clock.advance(100);
    controller.abort("stop");
    await expect(call).rejects.toBe("stop");
    await clock.runAll();
    expect(transport.requests).toHaveLength(1);
    transport.setDefault(() => new Promise(() => {}));
    const hung = new AbortController();
    const inFlight = client.call("profile", {}, { signal: hung.signal });
    await clock.flush();
    hung.abort("enough");
    await expect(inFlight).rejects.toBe("enough");
  });

  it("rejects an already aborted call without sending", async () => {
    const { transport, client } = setup();
    await expect(client.call("profile", {}, { signal: AbortSignal.abort("no") })).rejects.toBe(
      "no",
    );
    expect(transport.requests).toHaveLength(0);
  });
});

describe("close", () => {
  it("the documented pattern leaves no unhandled rejection, with a call out and one waiting", async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on("unhandledRejection", onUnhandled);
    try {
      const fake = createFakeTransport();
      // The call out is answered, and the transport closes, only a few real macrotasks later.
      fake.setDefault(
        () =>
          new Promise((resolve) => setTimeout(() => resolve(jsonResponse({ result: true })), 20)),
      );
      const transport = {
        send: fake.send,
        close: () => new Promise<void>((r) => setTimeout(r, 20)),
      };
      const client = createClient({
        webhook: WEBHOOK,
        transport,
        rateLimit: { drainPerSecond: 1, bucketSize: 1 },
      });
      const out = client.writing("chat1");
      const waiting = client.writing("chat2"); // waits for the limiter: rejected by close()
      await client.close();
      await expect(out).resolves.toBe(true);
      await expect(waiting).rejects.toBeInstanceOf(ClientClosedError);
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(unhandled).toEqual([]);
    } finally {
      process.off("unhandledRejection", onUnhandled);
    }
  });

  it("rejects unsent calls, lets sent ones settle, closes the transport once", async () => {
    const { clock, transport, client } = setup();
    transport.setDefault(
      () =>
        new Promise((resolve) =>
          clock.setTimeout(() => resolve(jsonResponse({ result: true })), 100),
        ),
    );
    const calls = Array.from({ length: 60 }, () => settle(client.writing("chat5")));
    await clock.flush();
    let closed = false;
    const closing = client.close().then(() => {
      closed = true;
    });
    expect(client.close()).toBe(client.close());
    await clock.flush();
    expect(closed).toBe(false);
    await clock.advance(100);
    await closing;
    const results = await Promise.all(calls);
    expect(results.filter((r) => r.ok)).toHaveLength(50);
    for (const r of results.slice(50)) expect(!r.ok && r.error).toBeInstanceOf(ClientClosedError);
    expect(transport.closeCalls).toBe(1);
    await expect(client.call("profile")).rejects.toMatchObject({ code: "CLIENT_CLOSED" });
    expect(transport.requests).toHaveLength(50);
    expect(clock.pendingTimers).toBe(0);
  });

  it("sends no new attempt once closed: no retry, no re-send to a moved portal", async () => {
    const moved: HttpResponse = {
      status: 302,
      headers: { location: `https://y.bitrix24.ru/rest/1/${CODE}/im.dialog.writing` },
      body: "",
    };
    for (const answer of [errorResponse("INTERNAL_SERVER_ERROR", 500), moved]) {
      for (const rateLimit of [false, "standard"] as const) {
        const { clock, transport, client } = setup({ rateLimit, followPortalMoves: true });
        transport.setDefault(
          () => new Promise((resolve) => clock.setTimeout(() => resolve(answer), 100)),
        );
        const call = settle(client.writing("chat5"));
        await clock.flush();
        const closing = client.close();
        await clock.advance(100);
        await clock.runAll();
        await closing;
        const outcome = await call;
        expect(!outcome.ok && outcome.error).toBeInstanceOf(ClientClosedError);
        expect(transport.requests).toHaveLength(1);
      }
    }
  });

  it("under any mix of calls, leases, time and answers, close() settles everything and leaves nothing", async () => {
    const answer = fc.constantFrom(
      jsonResponse({ result: true }),
      errorResponse("QUERY_LIMIT_EXCEEDED", 503),
      errorResponse("INTERNAL_SERVER_ERROR", 500),
      errorResponse("ACCESS_ERROR", 403),
      new TransportError("reset"),
    );
    const step = fc.oneof(
      fc.record({ op: fc.constant("call" as const), count: fc.integer({ min: 1, max: 60 }) }),
      fc.record({ op: fc.constant("batch" as const), count: fc.integer({ min: 1, max: 120 }) }),
      fc.record({ op: fc.constant("lease" as const), dialog: fc.integer({ min: 1, max: 5 }) }),
      fc.record({ op: fc.constant("wait" as const), ms: fc.integer({ min: 0, max: 5000 }) }),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.array(step, { maxLength: 8 }),
        fc.array(answer, { maxLength: 10 }),
        fc.integer({ min: 0, max: 300 }),
        fc.constantFrom("standard" as const, false as const),
        async (steps, answers, latencyMs, rateLimit) => {
          const { clock, transport, client } = setup({ rateLimit, typing: { onError: () => {} } });
          const respond = (responder: HttpResponse | Error) => () =>
            new Promise<HttpResponse | Error>((resolve) =>
              clock.setTimeout(() => resolve(responder), latencyMs),
            );
          transport.enqueue(...answers.map(respond));
          transport.setDefault(respond(jsonResponse({ result: true })));
          const pending: Array<Promise<unknown>> = [];
          for (const s of steps) {
            if (s.op === "call")
              for (let i = 0; i < s.count; i++)
                pending.push(settle(client.writing(`chat${i + 1}`)));
            else if (s.op === "batch")
              pending.push(
                settle(
                  client.batch(Array.from({ length: s.count }, (_, i) => imDialogWriting(i + 1))),
                ),
              );
            else if (s.op === "lease") client.typing(`chat${s.dialog}`);
            else await clock.advance(s.ms);
          }
          const closing = client.close();
          await clock.runAll(10_000);
          await closing;
          const outcomes = (await Promise.all(pending)) as Array<
            Awaited<ReturnType<typeof settle>>
          >;
          for (const outcome of outcomes) {
            if (!outcome.ok) expect(outcome.error).toBeInstanceOf(B24Error);
          }
          expect(transport.closeCalls).toBe(1);
          expect(clock.pendingTimers).toBe(0);
          const sentBefore = transport.requests.length;
          await expect(client.writing("chat1")).rejects.toBeInstanceOf(ClientClosedError);
          await clock.advance(60_000);
          expect(transport.requests).toHaveLength(sentBefore);
        },
      ),
      { numRuns: 150 },
    );
  });

  it("stops typing leases", async () => {
    const { clock, transport, client } = setup();
    client.typing("chat5", { refreshMs: 1000 });
    await clock.advance(10);
    expect(transport.requests).toHaveLength(1);
    await client.close();
    await clock.advance(10_000);
    expect(transport.requests).toHaveLength(1);
  });
});

describe("input checks", () => {
  it("rejects a bad dialog id or method name before anything is sent", async () => {
    const { transport, client } = setup();
    await expect(client.writing("crm5")).rejects.toBeInstanceOf(DialogIdError);
    await expect(client.writing(0)).rejects.toBeInstanceOf(DialogIdError);
    await expect(client.call("../profile")).rejects.toBeInstanceOf(ConfigError);
    await expect(client.batch([{ method: "batch", params: {} }])).rejects.toBeInstanceOf(
      ConfigError,
    );
    expect(transport.requests).toHaveLength(0);
  });

  it("rejects params that cannot be sent with ConfigError(params), from batch() as from call()", async () => {
    const { transport, client } = setup();
    const circular: Record<string, unknown> = { NAME: "x" };
    circular.SELF = circular;
    let deep: unknown = "bottom";
    for (let i = 0; i < 20_000; i++) deep = { X: deep };
    const throwing = {
      get FIELDS(): never {
        throw new Error("getter failed");
      },
    };
    const everyClient = [circular, { DEEP: deep }, throwing];
    for (const params of [...everyClient, { WHEN: new Date(Number.NaN) }]) {
      const error = await client
        .batch([{ method: "crm.item.add", params }])
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).option).toBe("params");
    }
    for (const params of everyClient) {
      const error = await client.call("crm.item.add", params).catch((e: unknown) => e);
      expect((error as ConfigError).option).toBe("params");
    }
    expect(transport.requests).toHaveLength(0);
  });

  it("checks every command of a large batch before its first request goes out", async () => {
    const { transport, client } = setup();
    const calls: unknown[] = Array.from({ length: 60 }, (_, i) => ({
      method: "im.dialog.writing",
      params: { DIALOG_ID: `chat${i + 1}` },
    }));
    calls[55] = null;
    const error = await client.batch(calls as MethodCall[]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect(error).toMatchObject({ option: "calls" });
    expect(transport.requests).toHaveLength(0);
  });

  it.each([
    ["a method name without a prototype", (c: B24Client) => c.call(Object.create(null)), "method"],
    ["options that are null", (c: B24Client) => c.callRaw("profile", {}, null as never), "options"],
    [
      "a signal that is no AbortSignal",
      (c: B24Client) => c.writing("chat5", { signal: "stop" as never }),
      "signal",
    ],
    ["halt that is no boolean", (c: B24Client) => c.batch([], { halt: "yes" as never }), "halt"],
    ["a job that is no function", (c: B24Client) => c.whileTyping("chat5", "work" as never), "job"],
  ])("rejects %s with a ConfigError naming it", async (_what, use, option) => {
    const { transport, client } = setup();
    const error = await use(client).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect(error).toMatchObject({ option });
    expect(transport.requests).toHaveLength(0);
  });

  it.each([
    ["nothing", undefined],
    ["no body", { status: 200, headers: {} }],
    ["a parsed body", { status: 200, headers: {}, body: { result: true } }],
    ["no headers", { status: 302, body: "" }],
  ])("turns a custom transport's answer with %s into a ProtocolError", async (_what, answer) => {
    const client = createClient({
      webhook: WEBHOOK,
      transport: { send: async () => answer as never },
      retry: false,
    });
    const error = await client.writing("chat5").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProtocolError);
    expect(error).toMatchObject({ retryable: false });
  });

  it("tells how it authenticates: webhook or oauth", () => {
    expect(setup().client.auth).toBe("webhook");
    const app = setup({
      webhook: undefined,
      oauth: { clientEndpoint: "https://x.bitrix24.ru/rest/", accessToken: "t0ken" },
    });
    expect(app.client.auth).toBe("oauth");
  });

  it("callRaw returns the envelope", async () => {
    const { transport, client } = setup();
    transport.enqueue(jsonResponse({ result: [1], next: 50, total: 99, time: { operating: 1 } }));
    expect(await client.callRaw("crm.deal.list", { start: 0 })).toEqual({
      result: [1],
      next: 50,
      total: 99,
      time: { operating: 1 },
    });
    expect(transport.requests[0]?.request).toMatchObject({
      method: "POST",
      url: `https://x.bitrix24.ru/rest/1/${CODE}/crm.deal.list`,
    });
  });
});

describe("portal moves", () => {
  const moved = (to: string) => ({ status: 302, headers: { location: to }, body: "" });

  it("throws PortalMovedError by default, with the code redacted", async () => {
    const { transport, client } = setup();
    transport.enqueue(moved(`https://y.bitrix24.ru/rest/1/${CODE}/profile`));
    const error = await client.call("profile").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PortalMovedError);
    expect(JSON.stringify(error) + String((error as Error).stack)).not.toContain(CODE);
    expect(transport.requests).toHaveLength(1);
  });

  it("with followPortalMoves sends the same POST once to the new address and stays there", async () => {
    const { transport, client } = setup({ followPortalMoves: true });
    transport.enqueue(moved(`https://y.bitrix24.ru/rest/1/${CODE}/profile`));
    await expect(client.call("profile", { A: 1 })).resolves.toBe(true);
    await client.call("profile");
    const [first, second, third] = transport.requests;
    expect(second?.request.url).toBe(`https://y.bitrix24.ru/rest/1/${CODE}/profile`);
    expect(second?.request.body).toBe(first?.request.body);
    expect(third?.request.url).toBe(`https://y.bitrix24.ru/rest/1/${CODE}/profile`);
    transport.enqueue(moved("https://z.bitrix24.ru/"), moved("https://w.bitrix24.ru/"));
    await expect(client.call("profile")).rejects.toBeInstanceOf(PortalMovedError);
    transport.enqueue(moved("http://evil.example/"));
    await expect(client.call("profile")).rejects.toBeInstanceOf(PortalMovedError);
    expect(transport.requests.at(-1)?.request.url).toMatch(/^https:\/\/z\.bitrix24\.ru\//);
  });

  it("never follows an https portal to plain http, not even on a loopback host", async () => {
    const { transport, client } = setup({
      webhook: `https://localhost:8443/rest/1/${CODE}/`,
      followPortalMoves: true,
    });
    transport.enqueue(moved(`http://127.0.0.1:8080/rest/1/${CODE}/profile`));
    await expect(client.call("profile")).rejects.toBeInstanceOf(PortalMovedError);
    expect(transport.requests.map((r) => r.request.url)).toEqual([
      `https://localhost:8443/rest/1/${CODE}/profile`,
    ]);
    // A plain-http loopback portal (a local emulator) may still move on loopback.
    const local = setup({
      webhook: `http://127.0.0.1:8080/rest/1/${CODE}/`,
      followPortalMoves: true,
    });
    local.transport.enqueue(moved(`http://127.0.0.1:9090/rest/1/${CODE}/profile`));
    await expect(local.client.call("profile")).resolves.toBe(true);
    expect(local.transport.requests.at(-1)?.request.url).toMatch(/^http:\/\/127\.0\.0\.1:9090\//);
  });
});

describe("secrets", () => {
  it("never reach a hook payload or an error, for webhook codes and OAuth tokens", async () => {
    const planted = [CODE, "plantedAccessT0ken", "plantedRefreshT0ken", "plantedClientS3cret"];
    const events: Array<RequestEvent | ResponseEvent | RetryEvent | ErrorEvent> = [];
    const hooks = {
      onRequest: (e: RequestEvent) => events.push(e),
      onResponse: (e: ResponseEvent) => events.push(e),
      onRetry: (e: RetryEvent) => events.push(e),
      onError: (e: ErrorEvent) => events.push(e),
    };
    const echo = (exchange: FakeExchange) =>
      jsonResponse(
        {
          error: "INTERNAL_SERVER_ERROR",
          error_description: `${exchange.request.url} ${exchange.request.body}`,
        },
        500,
        { location: exchange.request.url },
      );
    const errors: unknown[] = [];

    const web = setup({ hooks, retry: { attempts: 2, random: () => 0 } });
    web.transport.setDefault(echo);
    const webCall = settle(web.client.call("profile", { botToken: "plantedBotT0ken" }));

    const app = setup({
      webhook: undefined,
      hooks,
      retry: { attempts: 2, random: () => 0 },
      oauth: {
        clientEndpoint: "https://x.bitrix24.ru/rest/",
        accessToken: planted[1] as string,
        refreshToken: planted[2] as string,
        clientId: "app.1",
        clientSecret: planted[3] as string,
      },
    });
    app.transport.enqueue(errorResponse("expired_token", 401));
    app.transport.enqueue((x) =>
      jsonResponse({ error: "invalid_grant", error_description: x.request.url }, 400),
    );
    const appCall = settle(app.client.call("profile"));
    await web.clock.runAll();
    await app.clock.runAll();
    errors.push(await webCall, await appCall);

    expect(events.length).toBeGreaterThanOrEqual(8);
    const seen = [
      JSON.stringify(events),
      ...events.map((e) => ("error" in e ? `${e.error.message} ${e.error.stack}` : "")),
      JSON.stringify(errors),
      ...errors.map((r) => String((r as { error: Error }).error?.stack)),
    ].join("\n");
    for (const secret of [...planted, "plantedBotT0ken"]) expect(seen).not.toContain(secret);
    expect(seen).toContain("[REDACTED]");
  });
  it("never reach a hook or an error whatever the server echoes, for any placement of secret params", async () => {
    const BOT_TOKEN = "pl4ntedB0tT0ken+/=";
    // Where the secret sits in the params: top level, nested in a map or a list.
    const params = fc.constantFrom<Record<string, unknown>>(
      { botToken: BOT_TOKEN },
      { FIELDS: { auth: BOT_TOKEN } },
      { LIST: [{ access_token: BOT_TOKEN }] },
      { bot_token: BOT_TOKEN, DIALOG_ID: "chat5" },
    );
    // What a broken server or proxy sends back: any part of the request, in any place.
    const echo = fc.constantFrom(
      (x: FakeExchange) => errorResponse("ERROR_CORE", 500, `${x.request.url} ${x.request.body}`),
      (x: FakeExchange) => errorResponse(`${x.request.body}`, 400),
      (x: FakeExchange) => jsonResponse({ result: x.request.body, time: { operating: 1 } }),
      (x: FakeExchange) => ({ status: 302, headers: { location: x.request.url }, body: "" }),
      (x: FakeExchange) => ({ status: 502, headers: {}, body: `<html>${x.request.body}</html>` }),
      (x: FakeExchange) =>
        jsonResponse({
          result: { result_error: { c0: { error: "X", error_description: `${x.request.body}` } } },
        }),
    );
    await fc.assert(
      fc.asyncProperty(params, echo, fc.boolean(), async (given, answer, asBatch) => {
        const seen: unknown[] = [];
        const hooks = {
          onRequest: (e: RequestEvent) => void seen.push(e),
          onResponse: (e: ResponseEvent) => void seen.push(e),
          onRetry: (e: RetryEvent) => void seen.push(e),
          onError: (e: ErrorEvent) => void seen.push(e, e.error.stack),
        };
        const { clock, transport, client } = setup({
          hooks,
          retry: { attempts: 2, random: () => 0 },
        });
        transport.setDefault(answer);
        const outcome = settle(
          asBatch
            ? client.batch([{ method: "imbot.v2.Chat.InputAction.notify", params: given }])
            : client.call("imbot.v2.Chat.InputAction.notify", given),
        );
        await clock.runAll();
        const settled = await outcome;
        if (!settled.ok) seen.push(settled.error, (settled.error as Error).stack);
        else if (asBatch) seen.push(settled.value);
        const text = seen
          .map((item) => (typeof item === "string" ? item : JSON.stringify(item)))
          .join("\n");
        for (const secret of [CODE, BOT_TOKEN, encodeURIComponent(BOT_TOKEN)]) {
          expect(text).not.toContain(secret);
        }
      }),
      { numRuns: 200 },
    );
  });
});

describe("a custom transport's own errors", () => {
  const TOKEN = "plantedAccessT0ken";
  // What axios, got or ky reject with: the whole request, secrets included, in fields and text.
  const libraryError = (exchange: FakeExchange) =>
    Object.assign(new Error(`Request to ${exchange.request.url} failed: ECONNRESET`), {
      code: "ECONNRESET",
      config: {
        url: exchange.request.url,
        data: exchange.request.body,
        headers: { ...exchange.request.headers, Authorization: `Bearer ${TOKEN}` },
      },
      request: { path: exchange.request.url },
    });
  const renderings = (error: unknown) =>
    [
      JSON.stringify(error),
      String(error),
      (error as Error).stack,
      inspect(error, { depth: 10, showHidden: true }),
      inspect((error as Error).cause, { depth: 10, showHidden: true }),
    ].join("\n");

  it("become a redacted, retried TransportError for call, callRaw and batch, webhook and OAuth", async () => {
    const oauth = {
      clientEndpoint: "https://x.bitrix24.ru/rest/",
      accessToken: TOKEN,
      refreshToken: "plantedRefreshT0ken",
      clientId: "app.1",
      clientSecret: "plantedClientS3cret",
    };
    for (const auth of [{}, { webhook: undefined, oauth }]) {
      const errors: ErrorEvent[] = [];
      const retries: RetryEvent[] = [];
      const { clock, transport, client } = setup({
        ...auth,
        retry: { attempts: 2, random: () => 0 },
        hooks: { onError: (e) => void errors.push(e), onRetry: (e) => void retries.push(e) },
      });
      transport.setDefault(libraryError);
      // A batch resolves, its one command rejected with the failed request's error.
      const batchError = client
        .batch([imDialogWriting("chat5")])
        .then(([entry]) => Promise.reject(entry?.status === "rejected" ? entry.reason : entry));
      const outcomes = [
        settle(client.call("profile")),
        settle(client.callRaw("profile")),
        settle(batchError),
        settle(client.writing("chat5")),
      ];
      await clock.runAll();
      for (const outcome of outcomes) {
        const settled = await outcome;
        expect(settled.ok).toBe(false);
        const error = (settled as { error: unknown }).error;
        expect(error).toBeInstanceOf(TransportError);
        expect((error as TransportError).retryable).toBe(true);
        expect((error as Error).message).toContain("ECONNRESET");
        const seen = renderings(error);
        for (const secret of [CODE, TOKEN]) expect(seen).not.toContain(secret);
      }
      expect(transport.requests).toHaveLength(8);
      expect(retries).toHaveLength(4);
      expect(errors).toHaveLength(4);
      expect(JSON.stringify([errors, retries])).not.toMatch(new RegExp(`${CODE}|${TOKEN}`));
    }
  });

  it("a thrown string or plain object becomes a TransportError without the secret", async () => {
    const { clock, transport, client } = setup({ retry: false });
    transport.setDefault(() => {
      throw `POST ${WEBHOOK}profile refused`;
    });
    const fromString = settle(client.call("profile"));
    await clock.runAll();
    const stringError = ((await fromString) as { error: TransportError }).error;
    expect(stringError).toBeInstanceOf(TransportError);
    expect(renderings(stringError)).not.toContain(CODE);

    transport.setDefault(() => Promise.reject({ url: `${WEBHOOK}profile` }));
    const fromObject = settle(client.call("profile"));
    await clock.runAll();
    const objectError = ((await fromObject) as { error: TransportError }).error;
    expect(objectError).toBeInstanceOf(TransportError);
    expect(objectError.message).toMatch(/no Error/);
    expect(renderings(objectError)).not.toContain(CODE);
  });

  it("an aborted call rejects with the caller's reason, whatever the transport threw", async () => {
    const { clock, transport, client } = setup();
    const controller = new AbortController();
    transport.setDefault(
      (x) =>
        new Promise((_, reject) =>
          x.signal?.addEventListener("abort", () => reject(libraryError(x))),
        ),
    );
    const call = settle(client.call("profile", {}, { signal: controller.signal }));
    await clock.advance(0);
    const reason = new Error("user cancelled");
    controller.abort(reason);
    expect(await call).toEqual({ ok: false, error: reason });
  });

  it("a custom RateLimiter's own error becomes a redacted, retryable LIMITER_UNAVAILABLE", async () => {
    const errors: ErrorEvent[] = [];
    const { clock, transport, client } = setup({
      hooks: { onError: (e) => void errors.push(e) },
      rateLimit: {
        acquire: () => Promise.reject(new Error(`redis down while sending to ${WEBHOOK}`)),
        saturate: () => {},
      },
    });
    const call = settle(client.call("profile"));
    await clock.runAll();
    const error = ((await call) as { error: B24Error }).error;
    expect(error).toBeInstanceOf(B24Error);
    expect(error.code).toBe("LIMITER_UNAVAILABLE");
    expect(error.retryable).toBe(true);
    expect(renderings(error)).not.toContain(CODE);
    expect(transport.requests).toHaveLength(0);
    expect(errors.map((e) => e.error)).toEqual([error]);
  });
});

describe("typing", () => {
  it("sends one dialog plainly and several due together as one batch", async () => {
    const { clock, transport, client } = setup();
    const one = client.typing("chat5");
    await clock.advance(0);
    expect(transport.requests.map((r) => r.request.url.split("/").pop())).toEqual([
      "im.dialog.writing",
    ]);
    one.stop();
    transport.setDefault(answerEveryCommand);
    const leases = ["chat7", "chat8", "13"].map((id) => client.typing(id));
    await clock.advance(0);
    expect(transport.requests).toHaveLength(2);
    expect(
      Object.values((transport.requests[1]?.body as { cmd: object } | undefined)?.cmd ?? {}).sort(),
    ).toEqual([
      "im.dialog.writing?DIALOG_ID=13",
      "im.dialog.writing?DIALOG_ID=chat7",
      "im.dialog.writing?DIALOG_ID=chat8",
    ]);
    for (const lease of leases) lease.stop();
    await client.close();
  });

  const commandsOf = (x: FakeExchange) =>
    Object.keys((x.body as { cmd?: object } | undefined)?.cmd ?? {}).length;

  it("keeps 500 dialogs typing in batches of 50 only, never beyond the portal's bucket", async () => {
    const { clock, transport, client } = setup();
    transport.setDefault(answerEveryCommand);
    const leases = Array.from({ length: 500 }, (_, i) => client.typing(`chat${i + 1}`));
    // Rounds at 0, 20, 40, 60 and 80 s (the default refreshMs); the next is due at 100 s.
    for (let t = 0; t < 90_000; t += 250) await clock.advance(250);
    expect(transport.requests).toHaveLength(5 * 10);
    expect(transport.requests.every((x) => x.request.url.endsWith("/batch"))).toBe(true);
    expect(transport.requests.every((x) => commandsOf(x) === 50)).toBe(true);
    // Replays the portal's bucket (+1 per request, drains 2/s) over the send times.
    let level = 0;
    let last = T0;
    for (const { at } of transport.requests) {
      level = Math.max(0, level - ((at - last) * 2) / 1000) + 1;
      last = at;
      expect(level).toBeLessThanOrEqual(50);
    }
    for (const lease of leases) lease.stop();
    await client.close();
  });

  it("lets due typing batches go before a user's own call for at most 5 s", async () => {
    // A small bucket, so that the typing batches of one round queue in the limiter.
    const { clock, transport, client } = setup({ rateLimit: { drainPerSecond: 2, bucketSize: 3 } });
    transport.setDefault(answerEveryCommand);
    for (let i = 1; i <= 500; i++) client.typing(`chat${i}`);
    await clock.advance(0);
    const own = client.call("profile");
    for (let t = 0; t < 10_000; t += 100) await clock.advance(100);
    await expect(own).resolves.toBe(true);
    const ownAt = transport.requests.find((x) => x.request.url.endsWith("/profile"))?.at ?? 0;
    // Typing went first — the refreshes have a deadline — but the call waited 5 s at most,
    // then its turn came at the next grant (one every 500 ms).
    expect(ownAt - T0).toBeGreaterThan(1_000);
    expect(ownAt - T0).toBeLessThanOrEqual(5_500);
    await client.close();
  });

  it("one hung typing request lapses no indicator: it times out in time, and other rounds go meanwhile", async () => {
    const errors: string[] = [];
    const { clock, transport, client } = setup({
      typing: { onError: (error) => errors.push(error.code) },
    });
    // When each dialog's event was answered: what the recipients see.
    const shown = new Map<string, number[]>();
    let batches = 0;
    transport.setDefault((x) => {
      const cmd = (x.body as { cmd?: Record<string, string> }).cmd ?? {};
      // The third batch, the first refresh of 50 dialogs, never gets an answer.
      if (++batches === 3) return new Promise<HttpResponse>(() => {});
      for (const command of Object.values(cmd)) {
        const dialog = command.split("DIALOG_ID=")[1] as string;
        shown.set(dialog, [...(shown.get(dialog) ?? []), clock.monotonic() - T0]);
      }
      return answerEveryCommand(x);
    });
    const leases = Array.from({ length: 60 }, (_, i) => client.typing(`chat${i + 1}`));
    for (let t = 0; t < 120_000; t += 250) await clock.advance(250);
    expect(batches).toBeGreaterThan(3);
    for (let i = 1; i <= 60; i++) {
      const times = [0, ...(shown.get(`chat${i}`) ?? []), 120_000];
      const gaps = times.slice(1).map((at, k) => at - (times[k] as number));
      expect(Math.max(...gaps)).toBeLessThan(30_000);
    }
    // The hung attempt was retried within the send's time; nothing reached onError.
    expect(errors).toEqual([]);
    for (const lease of leases) lease.stop();
    await client.close();
  });

  it("a typing send that cannot get through ends at its sendTimeoutMs, reported once to onError and the hooks", async () => {
    const typingErrors: B24Error[] = [];
    const hookErrors: ErrorEvent[] = [];
    const retries: RetryEvent[] = [];
    const { clock, transport, client } = setup({
      typing: { onError: (error) => typingErrors.push(error) },
      hooks: { onError: (e) => hookErrors.push(e), onRetry: (e) => retries.push(e) },
    });
    transport.setDefault(() => new Promise<HttpResponse>(() => {}));
    const lease = client.typing("chat5");
    await clock.advance(9_999);
    expect(typingErrors).toEqual([]);
    await clock.advance(1);
    expect(typingErrors.map((e) => [e.name, (e as TimeoutError).timeoutMs])).toEqual([
      ["TimeoutError", 10_000],
    ]);
    expect(hookErrors.map((e) => e.error)).toEqual(typingErrors);
    // Each attempt had half the send's time: the first timed out and was retried once.
    expect(transport.requests.map((r) => [r.at - T0, r.timeoutMs])).toEqual([
      [0, 5_000],
      [5_250, 5_000],
    ]);
    expect(retries.map((e) => e.error.code)).toEqual(["TIMEOUT"]);
    lease.stop();
    await client.close();
  });

  it("a burst of 150 of the caller's own calls starves no indicator, and those calls keep their order", async () => {
    const { clock, transport, client } = setup();
    const shown = new Map<string, number[]>();
    const own: number[] = [];
    transport.setDefault((x) => {
      const at = clock.monotonic() - T0;
      const index = (x.body as { INDEX?: number } | undefined)?.INDEX;
      if (index !== undefined) own.push(index);
      const cmd = (x.body as { cmd?: Record<string, string> } | undefined)?.cmd ?? {};
      for (const command of Object.values(cmd)) {
        const dialog = command.split("DIALOG_ID=")[1] as string;
        shown.set(dialog, [...(shown.get(dialog) ?? []), at]);
      }
      return answerEveryCommand(x);
    });
    const leases = Array.from({ length: 30 }, (_, i) => client.typing(`chat${i + 1}`));
    await clock.advance(1_000);
    // 150 calls at once: the bucket lets 49 out, the rest take 50 s at 2/s.
    const calls = Array.from({ length: 150 }, (_, i) => client.call("profile", { INDEX: i }));
    for (let t = 0; t < 120_000; t += 250) await clock.advance(250);
    expect(await Promise.all(calls)).toHaveLength(150);
    expect(own).toEqual(Array.from({ length: 150 }, (_, i) => i));
    for (let i = 1; i <= 30; i++) {
      const times = [0, ...(shown.get(`chat${i}`) ?? []), 121_000];
      const gaps = times.slice(1).map((at, k) => at - (times[k] as number));
      expect(Math.max(...gaps)).toBeLessThanOrEqual(21_000);
    }
    for (const lease of leases) lease.stop();
    await client.close();
  });

  it("a bucket the caller keeps pinned at its limit starves neither the indicators nor the caller", async () => {
    const { clock, transport, client } = setup();
    const shown = new Map<string, number[]>();
    let own = 0;
    transport.setDefault((x) => {
      const cmd = (x.body as { cmd?: Record<string, string> } | undefined)?.cmd;
      if (!cmd) own++;
      for (const command of Object.values(cmd ?? {})) {
        const dialog = command.split("DIALOG_ID=")[1] as string;
        shown.set(dialog, [...(shown.get(dialog) ?? []), clock.monotonic() - T0]);
      }
      return answerEveryCommand(x);
    });
    // Four calls a second, twice what the portal drains, for two minutes.
    const calls: Array<Promise<unknown>> = [];
    for (let i = 0; i < 40; i++) calls.push(client.call("profile"));
    const leases = Array.from({ length: 100 }, (_, i) => client.typing(`chat${i + 1}`));
    for (let t = 0; t < 120_000; t += 250) {
      calls.push(client.call("profile"));
      await clock.advance(250);
    }
    for (let i = 1; i <= 100; i++) {
      const times = [...(shown.get(`chat${i}`) ?? []), 120_000];
      const gaps = times.slice(1).map((at, k) => at - (times[k] as number));
      expect(Math.max(...gaps)).toBeLessThanOrEqual(21_000);
    }
    // Typing took its share, and the caller's calls kept flowing meanwhile.
    expect(own).toBeGreaterThan(180);
    for (const lease of leases) lease.stop();
    await client.close();
    await Promise.allSettled(calls);
  });

  it("a typing failure is never silent: without onError it warns once, redacted, and shows on the lease", async () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    try {
      const { clock, transport, client } = setup();
      transport.setDefault((x) =>
        errorResponse("NO_AUTH_FOUND", 401, `wrong webhook ${x.request.url}`),
      );
      const lease = client.typing("chat1");
      const answer = client.whileTyping("chat2", async () => {
        await clock.advance(60_000);
        return "done";
      });
      expect(await answer).toBe("done");
      expect(lease.active).toBe(false);
      expect(lease.error?.code).toBe("NO_AUTH_FOUND");
      const lines = warn.mock.calls.map((args) => String(args[0]));
      expect(lines).toHaveLength(2);
      expect(lines[0]).toMatch(/typing in chat1 failed: AuthError NO_AUTH_FOUND/);
      expect(lines.join("\n")).not.toContain(CODE);
    } finally {
      warn.mockRestore();
    }
  });

  it("whileTyping returns what the job returns", async () => {
    const { clock, client } = setup();
    const job = client.whileTyping("chat5", async () => {
      await new Promise<void>((resolve) => clock.setTimeout(resolve, 100));
      return 42;
    });
    await clock.advance(100);
    await expect(job).resolves.toBe(42);
  });
});

describe("many concurrent calls", () => {
  it("queue 200 calls and close with no process warning (no listener pile-up on a shared signal)", async () => {
    const warnings: Error[] = [];
    const onWarning = (warning: Error) => warnings.push(warning);
    process.on("warning", onWarning);
    try {
      const { clock, client } = setup();
      const calls = Array.from({ length: 200 }, (_, i) => settle(client.writing(i + 1)));
      await clock.flush();
      await client.close();
      const outcomes = await Promise.all(calls);
      expect(outcomes.filter((o) => o.ok)).toHaveLength(50);
      expect(outcomes.filter((o) => !o.ok).every((o) => o.error instanceof ClientClosedError)).toBe(
        true,
      );
      // Warnings are emitted on the next tick.
      await new Promise((resolve) => setImmediate(resolve));
      expect(warnings.map((w) => w.name)).not.toContain("MaxListenersExceededWarning");
    } finally {
      process.off("warning", onWarning);
    }
  });
});

describe("any input to the client's methods", () => {
  const anything = fc.anything({
    withObjectString: true,
    withNullPrototype: true,
    withBigInt: true,
  });
  const input = fc.oneof(anything, fc.constantFrom("chat5", 13, { kind: "chat", id: 5 }));
  const usage = fc.oneof(
    fc.tuple(fc.constant("call" as const), fc.oneof(anything, fc.constant("profile")), anything),
    fc.tuple(fc.constant("callRaw" as const), fc.oneof(anything, fc.constant("profile")), anything),
    fc.tuple(fc.constant("batch" as const), anything, anything),
    fc.tuple(fc.constant("writing" as const), input, anything),
    fc.tuple(fc.constant("typing" as const), input, anything),
    fc.tuple(fc.constant("whileTyping" as const), input, anything),
  );

  it("answers with a result, a lease, or a B24Error — never another exception, never a secret", async () => {
    await fc.assert(
      fc.asyncProperty(usage, async ([name, first, second]) => {
        const { clock, client } = setup({ rateLimit: false });
        const use = client[name] as (...args: unknown[]) => unknown;
        let outcome: unknown;
        try {
          outcome =
            name === "whileTyping" ? use(first, async () => "done", second) : use(first, second);
        } catch (error) {
          expect(error).toBeInstanceOf(B24Error);
          expect(String(error)).not.toContain(CODE);
          return;
        }
        if (outcome instanceof Promise) {
          const settled = await Promise.race([
            settle(outcome),
            clock.advance(60_000).then(() => undefined),
          ]);
          const result = settled ?? (await settle(outcome));
          if (!result.ok) {
            expect(result.error).toBeInstanceOf(B24Error);
            expect(String(result.error)).not.toContain(CODE);
          }
        } else {
          expect(outcome).toHaveProperty("stop");
          (outcome as { stop(): void }).stop();
        }
        await client.close();
      }),
      { numRuns: 1000 },
    );
  });
});

import fc from "fast-check";
import { describe, expect, it, vi } from "vitest";
import { sleep } from "../async/abort.js";
import type { BatchOutcome } from "../protocol/batch.js";
import {
  apiErrorFrom,
  B24Error,
  ConfigError,
  DialogIdError,
  ProtocolError,
  TransportError,
} from "../protocol/errors.js";
import type { MethodCall } from "../protocol/methods.js";
import { createFakeClock } from "../testing/fake-clock.js";
import { createDefaultReporter } from "./default-reporter.js";
import type { TypingOptions } from "./options.js";
import { createTypingScheduler, type TypingSender } from "./scheduler.js";

interface Send {
  at: number;
  calls: MethodCall[];
  signal: AbortSignal;
  timeoutMs: number;
}

const fulfilled: BatchOutcome = { status: "fulfilled", value: true };

/**
 * A scheduler on a fake clock whose sender records every send. `answer` decides each call's
 * outcome (or throws to fail the whole send); `latencyMs` keeps each send out that long,
 * as the client's rate limiter or the network would.
 */
function setup(
  o: {
    defaults?: TypingOptions;
    answer?: (call: MethodCall) => BatchOutcome;
    latencyMs?: number;
  } = {},
) {
  const clock = createFakeClock({ now: 0 });
  const sends: Send[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const send: TypingSender = async (calls, { signal, timeoutMs }) => {
    sends.push({ at: clock.now(), calls, signal, timeoutMs });
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    try {
      if (o.latencyMs) await sleep(clock, o.latencyMs, signal);
      return calls.map((call) => o.answer?.(call) ?? fulfilled);
    } finally {
      inFlight--;
    }
  };
  const reported: Array<{ dialogId: string; code: string }> = [];
  const scheduler = createTypingScheduler({
    clock,
    send,
    defaults: o.defaults,
    report: (lease, error) => void reported.push({ dialogId: lease.dialogId, code: error.code }),
  });
  const dialogsOf = (s: Send) => s.calls.map((call) => dialogOf(call));
  return {
    clock,
    sends,
    scheduler,
    /** What the default reporter would have warned about (leases without onError). */
    reported,
    maxInFlight: () => maxInFlight,
    /** When events for `dialogId` went out. */
    timesOf: (dialogId: string) =>
      sends.filter((s) => dialogsOf(s).includes(dialogId)).map((s) => s.at),
    dialogsOf,
  };
}

function dialogOf(call: MethodCall): string {
  return String(call.params.DIALOG_ID ?? call.params.dialogId);
}

function rejectFor(code: string, status: number) {
  return (call: MethodCall): BatchOutcome => ({
    status: "rejected",
    reason: apiErrorFrom({ code, status, method: call.method, description: "" }),
  });
}

const fast = {
  refreshMs: 300,
  initialDelayMs: 0,
  maxDurationMs: 1_000_000,
} satisfies TypingOptions;

describe("one lease", () => {
  it("sends the first event at initialDelayMs, then one every refreshMs, none after stop()", async () => {
    const t = setup();
    const lease = t.scheduler.lease("CHAT5", { ...fast, initialDelayMs: 100 });
    expect(lease.dialogId).toBe("chat5");
    await t.clock.advance(1000);
    expect(t.timesOf("chat5")).toEqual([100, 400, 700, 1000]);
    expect(t.sends[0]?.calls).toEqual([
      { method: "im.dialog.writing", params: { DIALOG_ID: "chat5" } },
    ]);
    await t.clock.advance(50);
    lease.stop();
    lease.stop();
    await t.clock.advance(2000);
    expect(t.sends).toHaveLength(4);
    expect(t.clock.pendingTimers).toBe(0);
  });

  it("sends nothing when stopped before initialDelayMs", async () => {
    const t = setup();
    const delayed = t.scheduler.lease("chat5", { ...fast, initialDelayMs: 500 });
    await t.clock.advance(499);
    delayed.stop();
    const immediate = t.scheduler.lease("chat6", fast);
    immediate.stop();
    await t.clock.advance(5000);
    expect(t.sends).toEqual([]);
    expect(t.clock.pendingTimers).toBe(0);
  });

  it("stops through Symbol.dispose, so `using` ends it", async () => {
    const t = setup();
    {
      using _lease = t.scheduler.lease("chat5", fast);
      await t.clock.advance(300);
    }
    await t.clock.advance(3000);
    expect(t.timesOf("chat5")).toEqual([0, 300]);
  });

  it("uses the client's defaults, and a lease's options replace them key by key", async () => {
    const t = setup({ defaults: { refreshMs: 200, initialDelayMs: 50 } });
    t.scheduler.lease("chat5");
    t.scheduler.lease("chat6", { refreshMs: 500 });
    await t.clock.advance(1000);
    expect(t.timesOf("chat5")).toEqual([50, 250, 450, 650, 850]);
    expect(t.timesOf("chat6")).toEqual([50, 550]);
  });

  it("takes delays up to the platform timer limit (2^31 - 1 ms) and fires neither early nor late", async () => {
    const t = setup();
    const longest = 2_147_483_647;
    t.scheduler.lease("chat5", {
      refreshMs: longest,
      initialDelayMs: longest,
      maxDurationMs: Infinity,
    });
    await t.clock.advance(longest - 1);
    expect(t.sends).toEqual([]);
    await t.clock.advance(1);
    expect(t.timesOf("chat5")).toEqual([longest]);
    expect(() => t.scheduler.lease("chat6", { refreshMs: longest + 1 })).toThrow(ConfigError);
  });
});

describe("shared schedules", () => {
  it("three leases on one dialog share one schedule that ends with the last lease", async () => {
    const t = setup();
    const first = t.scheduler.lease("chat5", fast);
    await t.clock.advance(100);
    const second = t.scheduler.lease("chat5", fast);
    await t.clock.advance(100);
    const third = t.scheduler.lease({ kind: "chat", id: 5 }, fast);
    await t.clock.advance(400);
    expect(t.timesOf("chat5")).toEqual([0, 300, 600]);
    first.stop();
    third.stop();
    await t.clock.advance(300);
    expect(t.timesOf("chat5")).toEqual([0, 300, 600, 900]);
    second.stop();
    await t.clock.advance(3000);
    expect(t.timesOf("chat5")).toEqual([0, 300, 600, 900]);
    expect(t.sends.every((s) => s.calls.length === 1)).toBe(true);
  });

  it("a later lease brings an unsent first event forward but never delays it", async () => {
    const t = setup();
    t.scheduler.lease("chat5", { ...fast, initialDelayMs: 1000 });
    await t.clock.advance(100);
    t.scheduler.lease("chat5", { ...fast, initialDelayMs: 100 });
    t.scheduler.lease("chat5", { ...fast, initialDelayMs: 5000 });
    await t.clock.advance(400);
    expect(t.timesOf("chat5")).toEqual([200, 500]);
  });

  it("types separately for the user, each bot and each v2 bot in the same dialog", async () => {
    const t = setup();
    t.scheduler.lease("chat5", fast);
    t.scheduler.lease("chat5", { ...fast, as: { botId: 7, clientId: "app" } });
    t.scheduler.lease("chat5", { ...fast, as: { botId: 7, clientId: "app" } });
    t.scheduler.lease("chat5", { ...fast, as: { botId: 8, clientId: "app" } });
    t.scheduler.lease("chat5", { ...fast, as: { botId: 7, v2: true, botToken: "tok-secret-1" } });
    t.scheduler.lease("chat5", { ...fast, as: { botId: 7, v2: true, botToken: "tok-secret-1" } });
    await t.clock.advance(0);
    expect(t.sends).toHaveLength(1);
    expect(t.sends[0]?.calls).toEqual(
      expect.arrayContaining([
        { method: "im.dialog.writing", params: { DIALOG_ID: "chat5" } },
        {
          method: "imbot.chat.sendTyping",
          params: { BOT_ID: 7, DIALOG_ID: "chat5", CLIENT_ID: "app" },
        },
        {
          method: "imbot.chat.sendTyping",
          params: { BOT_ID: 8, DIALOG_ID: "chat5", CLIENT_ID: "app" },
        },
        {
          method: "imbot.v2.Chat.InputAction.notify",
          params: { botId: 7, dialogId: "chat5", botToken: "tok-secret-1", duration: 16 },
        },
      ]),
    );
    expect(t.sends[0]?.calls).toHaveLength(4);
  });
});

describe("failures of leases without onError", () => {
  it("are reported once per lease and code; a permanent one ends the lease and shows on it", async () => {
    const t = setup({ answer: rejectFor("ACCESS_ERROR", 403) });
    const lease = t.scheduler.lease("chat5", fast);
    const watched = t.scheduler.lease("chat6", { ...fast, onError: () => {} });
    expect(lease.active).toBe(true);
    await t.clock.advance(1_000);
    expect(t.reported).toEqual([{ dialogId: "chat5", code: "ACCESS_ERROR" }]);
    expect(lease.active).toBe(false);
    expect(lease.error?.code).toBe("ACCESS_ERROR");
    expect(watched.error?.code).toBe("ACCESS_ERROR");
    const stopped = t.scheduler.lease("chat7", fast);
    stopped.stop();
    expect(stopped.active).toBe(false);
    expect(stopped.error).toBeUndefined();
  });

  it("a transient failure warns once per code however often it repeats", async () => {
    const clock = createFakeClock({ now: 0 });
    const lines: string[] = [];
    let sends = 0;
    const scheduler = createTypingScheduler({
      clock,
      send: async (calls) => {
        sends++;
        return calls.map(rejectFor("QUERY_LIMIT_EXCEEDED", 503));
      },
      defaults: fast,
      report: createDefaultReporter((line) => lines.push(line)),
    });
    const lease = scheduler.lease("chat5");
    await clock.advance(3_000);
    expect(sends).toBeGreaterThan(5);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/typing in chat5 failed: RateLimitError QUERY_LIMIT_EXCEEDED/);
    expect(lease.active).toBe(true);
    lease.stop();
  });
});

describe("createDefaultReporter", () => {
  it("warns once per lease and code, three leases per code, then one line for the rest", () => {
    const lines: string[] = [];
    const report = createDefaultReporter((line) => lines.push(line));
    const error = apiErrorFrom({
      code: "ACCESS_ERROR",
      status: 403,
      method: "im.dialog.writing",
      description: "https://x.bitrix24.ru/rest/1/s3cr3tC0de/ refused",
    });
    const leases = Array.from({ length: 10 }, (_, i) => ({ dialogId: `chat${i + 1}` }));
    for (const lease of leases) {
      report(lease, error);
      report(lease, error);
    }
    expect(lines).toHaveLength(4);
    expect(lines[0]).toMatch(
      /^b24im: typing in chat1 failed: AccessError ACCESS_ERROR: .* pass typing\.onError/,
    );
    expect(lines[3]).toMatch(
      /ACCESS_ERROR in more dialogs too; further warnings for it are left out/,
    );
    expect(lines.join("\n")).not.toContain("s3cr3tC0de");
    report(leases[0] as { dialogId: string }, new B24Error("gone", "TYPING_MAX_DURATION", false));
    expect(lines).toHaveLength(5);
  });

  it("warns on the console by default", () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    try {
      createDefaultReporter()({ dialogId: "chat5" }, new B24Error("x", "SOME_CODE", false));
      expect(warn).toHaveBeenCalledTimes(1);
    } finally {
      warn.mockRestore();
    }
  });
});

describe("a v2 bot's status", () => {
  const bot = { botId: 7, botToken: "t0ken", v2: true as const };
  const codesOf = (t: ReturnType<typeof setup>) =>
    t.sends.flatMap((s) => s.calls.map((call) => call.params.statusMessageCode ?? "typing"));

  it("setStatus sends the new status at once and keeps it for later refreshes", async () => {
    const t = setup();
    const lease = t.scheduler.lease("chat5", {
      ...fast,
      as: { ...bot, statusMessageCode: "IMBOT_AGENT_ACTION_THINKING" },
    });
    await t.clock.advance(100);
    lease.setStatus("IMBOT_AGENT_ACTION_SEARCHING");
    await t.clock.advance(0);
    expect(t.timesOf("chat5")).toEqual([0, 100]);
    await t.clock.advance(300);
    expect(t.timesOf("chat5")).toEqual([0, 100, 400]);
    lease.setStatus(undefined);
    await t.clock.advance(0);
    expect(codesOf(t)).toEqual([
      "IMBOT_AGENT_ACTION_THINKING",
      "IMBOT_AGENT_ACTION_SEARCHING",
      "IMBOT_AGENT_ACTION_SEARCHING",
      "typing",
    ]);
  });

  it("the same status again sends nothing; a stopped lease's setStatus does nothing", async () => {
    const t = setup();
    const lease = t.scheduler.lease("chat5", { ...fast, as: bot });
    await t.clock.advance(10);
    lease.setStatus(undefined);
    await t.clock.advance(10);
    expect(t.sends).toHaveLength(1);
    lease.stop();
    lease.setStatus("IMBOT_AGENT_ACTION_SEARCHING");
    await t.clock.advance(1000);
    expect(t.sends).toHaveLength(1);
  });

  it("switches the status of every lease sharing the (bot, dialog) schedule, in one event", async () => {
    const t = setup();
    const first = t.scheduler.lease("chat5", { ...fast, as: bot });
    const second = t.scheduler.lease("chat5", { ...fast, as: bot });
    await t.clock.advance(50);
    second.setStatus("IMBOT_AGENT_ACTION_COMPOSING");
    await t.clock.advance(0);
    expect(codesOf(t)).toEqual(["typing", "IMBOT_AGENT_ACTION_COMPOSING"]);
    second.stop();
    await t.clock.advance(300);
    expect(codesOf(t).at(-1)).toBe("IMBOT_AGENT_ACTION_COMPOSING");
    first.stop();
  });

  it("a change while a send is out goes right after it; before the first event, it rides on it", async () => {
    const t = setup({ latencyMs: 40 });
    const lease = t.scheduler.lease("chat5", { ...fast, as: bot });
    await t.clock.advance(10);
    lease.setStatus("IMBOT_AGENT_ACTION_CHECKING");
    await t.clock.advance(100);
    expect(t.timesOf("chat5")).toEqual([0, 40]);
    const late = t.scheduler.lease("chat6", { ...fast, initialDelayMs: 500, as: bot });
    late.setStatus("IMBOT_AGENT_ACTION_READING_DOCS");
    await t.clock.advance(1000);
    expect(t.timesOf("chat6")[0]).toBe(610);
    expect(t.sends.find((s) => t.dialogsOf(s).includes("chat6"))?.calls[0]?.params).toMatchObject({
      statusMessageCode: "IMBOT_AGENT_ACTION_READING_DOCS",
    });
  });

  it("only a v2 bot's lease has a status: ConfigError for a user's or a classic bot's", () => {
    const t = setup();
    for (const as of ["user", { botId: 7 }] as const) {
      const lease = t.scheduler.lease("chat5", { ...fast, as });
      expect(() => lease.setStatus("IMBOT_AGENT_ACTION_THINKING")).toThrow(ConfigError);
      lease.stop();
    }
    const lease = t.scheduler.lease("chat5", { ...fast, as: bot });
    expect(() => lease.setStatus("" as string)).toThrow(ConfigError);
    lease.stop();
  });
});

describe("settled()", () => {
  it("resolves only once the event in flight for the lease's dialog has settled", async () => {
    const t = setup({ latencyMs: 50 });
    const lease = t.scheduler.lease("chat5", fast);
    const other = t.scheduler.lease("chat6", { ...fast, initialDelayMs: 100 });
    await t.clock.advance(10);
    lease.stop();
    let done = false;
    const settled = lease.settled().then(() => {
      done = true;
    });
    await t.clock.advance(30);
    expect(done).toBe(false);
    await t.clock.advance(20);
    await settled;
    expect(done).toBe(true);
    // Nothing of chat5 is out while chat6's send is: resolves at once.
    await t.clock.advance(60);
    expect(t.maxInFlight()).toBe(1);
    await lease.settled();
    other.stop();
  });
});

describe("batch coalescing", () => {
  it("500 dialogs leased at once go out as exactly 10 sends of 50 each round", async () => {
    const t = setup({ defaults: fast });
    const dialogs = Array.from({ length: 500 }, (_, i) => `chat${i + 1}`);
    for (const dialog of dialogs) t.scheduler.lease(dialog);
    for (let round = 0; round < 3; round++) {
      const before = t.sends.length;
      await t.clock.advance(round === 0 ? 0 : 300);
      const sends = t.sends.slice(before);
      expect(sends.map((s) => s.calls.length)).toEqual(Array(10).fill(50));
      expect(new Set(sends.flatMap(t.dialogsOf))).toEqual(new Set(dialogs));
      expect(sends.every((s) => s.at === round * 300)).toBe(true);
    }
  });

  it("keeps full batches of 50 and one send at a time when each send takes time", async () => {
    const t = setup({ defaults: { ...fast, refreshMs: 2000 }, latencyMs: 100 });
    for (let i = 1; i <= 500; i++) t.scheduler.lease(`chat${i}`);
    await t.clock.advance(10_000);
    expect(t.sends.length).toBeGreaterThanOrEqual(50);
    expect(t.sends.every((s) => s.calls.length === 50)).toBe(true);
    expect(t.maxInFlight()).toBe(1);
    // Each round sends every dialog once: the sends of a round are 100 ms apart.
    expect(t.sends.slice(0, 11).map((s) => s.at)).toEqual([
      0, 100, 200, 300, 400, 500, 600, 700, 800, 900, 2000,
    ]);
  });

  it("20 dialogs due within a few milliseconds share one batch", async () => {
    const t = setup({ defaults: fast });
    for (let i = 1; i <= 20; i++) {
      t.scheduler.lease(`chat${i}`);
      await t.clock.advance(1);
    }
    const before = t.sends.length;
    await t.clock.advance(300);
    const round = t.sends.slice(before);
    expect(round).toHaveLength(1);
    expect(round[0]?.calls).toHaveLength(20);
    await t.clock.advance(300);
    expect(t.sends.slice(before + 1).map((s) => s.calls.length)).toEqual([20]);
  });

  it("first events falling due while a send is out join the next send", async () => {
    const t = setup({ defaults: fast, latencyMs: 40 });
    for (let i = 1; i <= 20; i++) {
      t.scheduler.lease(`chat${i}`);
      await t.clock.advance(1);
    }
    await t.clock.advance(100);
    expect(t.sends.map((s) => s.calls.length)).toEqual([1, 19]);
  });

  it("never sends a refresh earlier than a tenth of refreshMs", async () => {
    const t = setup({ defaults: fast });
    t.scheduler.lease("chat1");
    await t.clock.advance(29);
    t.scheduler.lease("chat2");
    await t.clock.advance(2);
    t.scheduler.lease("chat3");
    await t.clock.advance(600);
    // chat2 (29 ms behind) joins chat1's refresh; chat3 (31 ms behind) keeps its own phase.
    expect(t.timesOf("chat1")).toEqual([0, 300, 600]);
    expect(t.timesOf("chat2")).toEqual([29, 300, 600]);
    expect(t.timesOf("chat3")).toEqual([31, 331, 631]);
  });
});

describe("one timer", () => {
  it("10 000 open leases keep exactly one pending timer", async () => {
    const t = setup({ defaults: { ...fast, refreshMs: 20_000 } });
    const leases = [];
    for (let i = 1; i <= 10_000; i++) {
      leases.push(
        t.scheduler.lease(`chat${i}`, { initialDelayMs: i % 997, maxDurationMs: 100_000 + i }),
      );
      if (i % 1000 === 0) await t.clock.advance(7);
    }
    expect(t.clock.pendingTimers).toBe(1);
    await t.clock.advance(25_000);
    expect(t.clock.pendingTimers).toBe(1);
    expect(new Set(t.sends.flatMap(t.dialogsOf)).size).toBe(10_000);
    for (const lease of leases) lease.stop();
    expect(t.clock.pendingTimers).toBe(0);
  });

  it("keeps one timer; the next send waits for the last unless it is out 2 s, at most 4 out, no dialog in two", async () => {
    const clock = createFakeClock({ now: 0 });
    const pending: Array<{ calls: MethodCall[]; settle: () => void }> = [];
    const send: TypingSender = (calls) =>
      new Promise((resolve) =>
        pending.push({ calls, settle: () => resolve(calls.map(() => fulfilled)) }),
      );
    const scheduler = createTypingScheduler({
      clock,
      send,
      defaults: { ...fast, refreshMs: 20_000 },
      report: () => {},
    });
    for (let i = 1; i <= 220; i++) scheduler.lease(`chat${i}`);
    // A lease deadline falls while the first send is out; it must not start a second send.
    scheduler.lease("chat999", { maxDurationMs: 1000 });
    await clock.advance(1999);
    expect(pending.map((p) => p.calls.length)).toEqual([50]);
    expect(clock.pendingTimers).toBe(1);
    // Out 2 s: presumed hung, it holds the next send no longer; one more every 2 s, up to 4.
    await clock.advance(1);
    expect(pending.map((p) => p.calls.length)).toEqual([50, 50]);
    await clock.advance(10_000);
    expect(pending.map((p) => p.calls.length)).toEqual([50, 50, 50, 50]);
    expect(clock.pendingTimers).toBe(1); // the leases' maxDurationMs, nothing for refreshes
    const out = pending.flatMap((p) => p.calls.map(dialogOf));
    expect(new Set(out).size).toBe(out.length);
    // Each settled send lets the next one out.
    for (let settled = 0; settled < pending.length; settled++) {
      pending[settled]?.settle();
      await clock.flush();
    }
    expect(pending.map((p) => p.calls.length)).toEqual([50, 50, 50, 50, 21]);
    const sent = new Set(pending.flatMap((p) => p.calls.map(dialogOf)));
    expect(Array.from({ length: 220 }, (_, i) => sent.has(`chat${i + 1}`)).every(Boolean)).toBe(
      true,
    );
    expect(clock.pendingTimers).toBe(1);
    scheduler.close();
    expect(clock.pendingTimers).toBe(0);
  });
});

describe("a slow or hung send", () => {
  // A sender whose sends settle only when the test says so.
  function manual() {
    const clock = createFakeClock({ now: 0 });
    const pending: Array<{ at: number; calls: MethodCall[]; timeoutMs: number; settle(): void }> =
      [];
    const send: TypingSender = (calls, { timeoutMs }) =>
      new Promise((resolve) =>
        pending.push({
          at: clock.now(),
          calls,
          timeoutMs,
          settle: () => resolve(calls.map(() => fulfilled)),
        }),
      );
    const scheduler = createTypingScheduler({ clock, send, defaults: fast, report: () => {} });
    const dialogsOf = (i: number) => pending[i]?.calls.map(dialogOf);
    return { clock, pending, scheduler, dialogsOf };
  }

  it("gives each send a time limit that fits the indicator's life: derived from refreshMs, or sendTimeoutMs", async () => {
    const t = setup();
    t.scheduler.lease("chat1", { refreshMs: 20_000 });
    await t.clock.advance(0);
    t.scheduler.lease("chat2", { refreshMs: 27_000 });
    await t.clock.advance(0);
    t.scheduler.lease("chat3", { refreshMs: 300, sendTimeoutMs: 1234 });
    await t.clock.advance(0);
    expect(t.sends.map((s) => s.timeoutMs)).toEqual([10_000, 3_000, 1234]);
    // A round holding several dialogs takes the shortest of their limits (chat3's joins them all).
    await t.clock.advance(27_000);
    const shared = t.sends.filter((s) => s.calls.length > 1);
    expect(shared.length).toBeGreaterThan(0);
    expect(shared.every((s) => s.timeoutMs === 1234)).toBe(true);
  });

  it("holds other dialogs' events at most 2 s, and never sends a dialog that is still out", async () => {
    const t = manual();
    const bot = { botId: 7, v2: true as const };
    const first = t.scheduler.lease("chat5", { as: bot });
    await t.clock.advance(100);
    const other = t.scheduler.lease("chat6");
    first.setStatus("IMBOT_AGENT_ACTION_SEARCHING");
    await t.clock.advance(1899);
    expect(t.pending).toHaveLength(1);
    await t.clock.advance(1);
    // chat6 goes at 2 s; chat5's new status waits for chat5's own send, however long it is out.
    expect(t.pending.map((p) => p.at)).toEqual([0, 2000]);
    expect(t.dialogsOf(1)).toEqual(["chat6"]);
    await t.clock.advance(10_000);
    expect(t.pending.filter((p) => p.calls.some((c) => dialogOf(c) === "chat5"))).toHaveLength(1);
    t.pending[0]?.settle();
    await t.clock.flush();
    expect(t.dialogsOf(2)).toEqual(["chat5"]);
    expect(t.pending[2]?.calls[0]?.params.statusMessageCode).toBe("IMBOT_AGENT_ACTION_SEARCHING");
    first.stop();
    other.stop();
  });

  it("with a short sendTimeoutMs, holds the next send a quarter of it at most", async () => {
    const t = manual();
    t.scheduler.lease("chat5", { sendTimeoutMs: 1_000 });
    await t.clock.advance(10);
    t.scheduler.lease("chat6", { sendTimeoutMs: 1_000 });
    await t.clock.advance(239);
    expect(t.pending).toHaveLength(1);
    await t.clock.advance(1);
    expect(t.pending.map((p) => [p.at, p.timeoutMs])).toEqual([
      [0, 1_000],
      [250, 1_000],
    ]);
  });

  it("settled() waits only for the send holding the lease's own dialog", async () => {
    const t = manual();
    const hung = t.scheduler.lease("chat5");
    await t.clock.advance(100);
    const quick = t.scheduler.lease("chat6");
    await t.clock.advance(2000);
    expect(t.pending).toHaveLength(2);
    hung.stop();
    quick.stop();
    let hungSettled = false;
    void hung.settled().then(() => {
      hungSettled = true;
    });
    t.pending[1]?.settle();
    await quick.settled();
    await t.clock.flush();
    expect(hungSettled).toBe(false);
    t.pending[0]?.settle();
    await t.clock.flush();
    expect(hungSettled).toBe(true);
  });
});

describe("maxDurationMs", () => {
  it("ends the lease and reports it once through onError", async () => {
    const onError = vi.fn();
    const t = setup();
    t.scheduler.lease("chat5", { ...fast, maxDurationMs: 1000, onError });
    const longer = t.scheduler.lease("chat5", { ...fast, maxDurationMs: 2000 });
    await t.clock.advance(5000);
    expect(onError).toHaveBeenCalledTimes(1);
    const [error, dialogId] = onError.mock.calls[0] as [B24Error, string];
    expect(error).toBeInstanceOf(B24Error);
    expect(error.code).toBe("TYPING_MAX_DURATION");
    expect(error.retryable).toBe(false);
    expect(error.message).toContain("maxDurationMs");
    expect(dialogId).toBe("chat5");
    // The shared schedule lived on for the longer lease, then ended with it.
    expect(t.timesOf("chat5").at(-1)).toBe(1800);
    longer.stop();
    expect(t.clock.pendingTimers).toBe(0);
  });

  it("Infinity never ends a lease", async () => {
    const t = setup();
    t.scheduler.lease("chat5", { ...fast, refreshMs: 100_000, maxDurationMs: Infinity });
    await t.clock.advance(10_000_000);
    expect(t.timesOf("chat5")).toHaveLength(101);
  });
});

describe("errors", () => {
  it("a permanent error on one dialog ends that dialog's schedule and all its leases, reported once", async () => {
    const onError = vi.fn();
    const t = setup({
      defaults: { ...fast, onError },
      answer: (call) =>
        dialogOf(call) === "chat7" ? rejectFor("ACCESS_ERROR", 403)(call) : fulfilled,
    });
    const a = t.scheduler.lease("chat7");
    t.scheduler.lease("chat7");
    t.scheduler.lease("chat8");
    await t.clock.advance(1500);
    expect(onError).toHaveBeenCalledTimes(1);
    expect(onError.mock.calls[0]?.[0]).toMatchObject({ name: "AccessError", code: "ACCESS_ERROR" });
    expect(onError.mock.calls[0]?.[1]).toBe("chat7");
    expect(t.timesOf("chat7")).toEqual([0]);
    expect(t.timesOf("chat8")).toEqual([0, 300, 600, 900, 1200, 1500]);
    // Ended leases stay ended: a new lease on the dialog starts a fresh schedule.
    a.stop();
    t.scheduler.lease("chat7");
    await t.clock.advance(0);
    expect(t.timesOf("chat7")).toEqual([0, 1500]);
  });

  it.each([
    ["ValidationError", "BOT_NOT_FOUND", 400],
    ["AuthError", "insufficient_scope", 401],
  ])("a %s (%s) is permanent too", async (_name, code, status) => {
    const onError = vi.fn();
    const t = setup({ defaults: { ...fast, onError }, answer: rejectFor(code, status) });
    t.scheduler.lease("chat5");
    await t.clock.advance(3000);
    expect(onError).toHaveBeenCalledTimes(1);
    expect(t.sends).toHaveLength(1);
  });

  it("a transient error is reported and retried at the next refresh", async () => {
    const onError = vi.fn();
    let failures = 2;
    const t = setup({
      defaults: { ...fast, onError },
      answer: (call) =>
        failures-- > 0 ? rejectFor("INTERNAL_SERVER_ERROR", 500)(call) : fulfilled,
    });
    t.scheduler.lease("chat5");
    await t.clock.advance(1200);
    expect(t.timesOf("chat5")).toEqual([0, 300, 600, 900, 1200]);
    expect(onError).toHaveBeenCalledTimes(2);
    expect(onError.mock.calls[0]?.[0]).toMatchObject({ name: "ServerError", retryable: true });
  });

  it("a failed send counts for every call in it; a foreign error becomes a retryable B24Error", async () => {
    const onError = vi.fn();
    const t = setup({
      defaults: { ...fast, onError },
      answer: () => {
        if (t.sends.length === 1) throw new TransportError("connect ECONNREFUSED");
        if (t.sends.length === 2) throw new TypeError("boom");
        return fulfilled;
      },
    });
    t.scheduler.lease("chat5");
    t.scheduler.lease("chat6");
    await t.clock.advance(900);
    const codes = onError.mock.calls.map(([error, dialogId]) => [
      (error as B24Error).code,
      dialogId,
    ]);
    expect(codes).toEqual([
      ["TRANSPORT", "chat5"],
      ["TRANSPORT", "chat6"],
      ["TYPING_SEND_FAILED", "chat5"],
      ["TYPING_SEND_FAILED", "chat6"],
    ]);
    expect(onError.mock.calls[2]?.[0]).toMatchObject({ retryable: true });
    expect(t.sends.map((s) => s.calls.length)).toEqual([2, 2, 2, 2]);
  });

  it("an answer that is no envelope (cut JSON, a proxy's page) is transient: typing goes on", async () => {
    const onError = vi.fn();
    const t = setup({
      defaults: { ...fast, onError },
      answer: () => {
        if (t.sends.length === 1) throw new ProtocolError("The answer is not JSON", 200, '{"res');
        if (t.sends.length === 2) throw new ProtocolError("The answer is not JSON", 404, "<html>");
        return fulfilled;
      },
    });
    t.scheduler.lease("chat5");
    await t.clock.advance(900);
    expect(onError.mock.calls.map(([error]) => (error as B24Error).code)).toEqual([
      "PROTOCOL",
      "PROTOCOL",
    ]);
    expect(t.timesOf("chat5")).toEqual([0, 300, 600, 900]);
  });

  it("an expired token is the end without a token refresh, and transient with one", async () => {
    const expired = rejectFor("expired_token", 401);
    for (const refreshesTokens of [false, true]) {
      const clock = createFakeClock({ now: 0 });
      const onError = vi.fn();
      let sends = 0;
      const send: TypingSender = async (calls) =>
        calls.map((call) => (++sends === 1 ? expired(call) : fulfilled));
      const scheduler = createTypingScheduler({
        clock,
        send,
        defaults: { ...fast, onError },
        refreshesTokens,
      });
      scheduler.lease("chat5");
      await clock.advance(900);
      expect(onError).toHaveBeenCalledTimes(1);
      expect(sends).toBe(refreshesTokens ? 4 : 1);
      scheduler.close();
    }
  });

  it("a skipped call is silently sent again at the next refresh", async () => {
    const onError = vi.fn();
    const t = setup({ defaults: { ...fast, onError }, answer: () => ({ status: "skipped" }) });
    t.scheduler.lease("chat5");
    await t.clock.advance(600);
    expect(t.timesOf("chat5")).toEqual([0, 300, 600]);
    expect(onError).not.toHaveBeenCalled();
  });

  it("reports once per distinct handler of the leases on a dialog", async () => {
    const shared = vi.fn();
    const own = vi.fn();
    const t = setup({
      defaults: { ...fast, onError: shared },
      answer: rejectFor("ACCESS_ERROR", 403),
    });
    t.scheduler.lease("chat5");
    t.scheduler.lease("chat5");
    t.scheduler.lease("chat5", { onError: own });
    await t.clock.advance(1000);
    expect(shared).toHaveBeenCalledTimes(1);
    expect(own).toHaveBeenCalledTimes(1);
  });

  it("a throwing onError does not disturb other dialogs", async () => {
    const t = setup({
      defaults: {
        ...fast,
        onError: () => {
          throw new Error("handler bug");
        },
      },
      answer: (call) =>
        dialogOf(call) === "chat7" ? rejectFor("OVERLOAD_LIMIT", 503)(call) : fulfilled,
    });
    t.scheduler.lease("chat7");
    t.scheduler.lease("chat8");
    await t.clock.advance(600);
    expect(t.timesOf("chat8")).toEqual([0, 300, 600]);
    expect(t.timesOf("chat7")).toEqual([0, 300, 600]);
  });

  it("does not report an error for a lease stopped while its send was out", async () => {
    const onError = vi.fn();
    const t = setup({
      defaults: { ...fast, onError },
      answer: rejectFor("ACCESS_ERROR", 403),
      latencyMs: 50,
    });
    const lease = t.scheduler.lease("chat5");
    await t.clock.advance(10);
    lease.stop();
    await t.clock.advance(1000);
    expect(t.sends).toHaveLength(1);
    expect(onError).not.toHaveBeenCalled();
  });
});

describe("whileTyping", () => {
  it("resolves with the job's value, types meanwhile and releases the lease", async () => {
    const t = setup({ defaults: fast });
    const result = t.scheduler.whileTyping("chat5", async () => {
      await sleep(t.clock, 700);
      return { answer: 42 };
    });
    await t.clock.advance(700);
    await expect(result).resolves.toEqual({ answer: 42 });
    await t.clock.advance(3000);
    expect(t.timesOf("chat5")).toEqual([0, 300, 600]);
    expect(t.clock.pendingTimers).toBe(0);
  });

  it("rejects with exactly the job's error and releases the lease", async () => {
    const t = setup({ defaults: fast });
    const failure = new Error("model unavailable");
    const result = t.scheduler.whileTyping("chat5", async () => {
      await sleep(t.clock, 400);
      throw failure;
    });
    const settled = result.catch((error: unknown) => error);
    await t.clock.advance(400);
    expect(await settled).toBe(failure);
    await t.clock.advance(3000);
    expect(t.timesOf("chat5")).toEqual([0, 300]);
  });

  it("rejects with what a job throws synchronously and releases the lease", async () => {
    const t = setup({ defaults: fast });
    const failure = new RangeError("bad input");
    await expect(
      t.scheduler.whileTyping("chat5", () => {
        throw failure;
      }),
    ).rejects.toBe(failure);
    await t.clock.advance(3000);
    expect(t.sends).toEqual([]);
    expect(t.clock.pendingTimers).toBe(0);
  });

  it("typing errors never reject the job", async () => {
    const onError = vi.fn();
    const t = setup({ defaults: { ...fast, onError }, answer: rejectFor("ACCESS_ERROR", 403) });
    const result = t.scheduler.whileTyping("chat5", async () => {
      await sleep(t.clock, 1000);
      return "done";
    });
    await t.clock.advance(1000);
    await expect(result).resolves.toBe("done");
    expect(onError).toHaveBeenCalledTimes(1);
  });

  it("aborts the job's signal on close(reason), stops typing and aborts the send that is out", async () => {
    const t = setup({ defaults: fast, latencyMs: 100 });
    const reason = new B24Error("The client is closed", "CLIENT_CLOSED", false);
    let jobSignal: AbortSignal | undefined;
    const result = t.scheduler.whileTyping("chat5", (signal) => {
      jobSignal = signal;
      return new Promise((_, reject) =>
        signal.addEventListener("abort", () => reject(signal.reason)),
      );
    });
    const settled = result.catch((error: unknown) => error);
    await t.clock.advance(50);
    expect(t.sends).toHaveLength(1);
    t.scheduler.close(reason);
    expect(jobSignal?.aborted).toBe(true);
    expect(t.sends[0]?.signal.aborted).toBe(true);
    expect(await settled).toBe(reason);
    await t.clock.advance(3000);
    expect(t.sends).toHaveLength(1);
    expect(t.clock.pendingTimers).toBe(0);
  });

  it("aborts the job's signal when the lease's signal aborts, and stops typing", async () => {
    const t = setup({ defaults: fast });
    const controller = new AbortController();
    let jobSignal: AbortSignal | undefined;
    const result = t.scheduler.whileTyping(
      "chat5",
      async (signal) => {
        jobSignal = signal;
        await sleep(t.clock, 5000);
        return "finished anyway";
      },
      { signal: controller.signal },
    );
    await t.clock.advance(400);
    controller.abort("user cancelled");
    expect(jobSignal?.aborted).toBe(true);
    expect(jobSignal?.reason).toBe("user cancelled");
    await t.clock.advance(5000);
    // The job decides: it ignored the abort, so its value is what whileTyping returns.
    await expect(result).resolves.toBe("finished anyway");
    expect(t.timesOf("chat5")).toEqual([0, 300]);
  });

  it("an already-aborted signal starts nothing", async () => {
    const t = setup({ defaults: fast });
    const job = vi.fn(async () => "ran");
    const signal = AbortSignal.abort("too late");
    await expect(t.scheduler.whileTyping("chat5", job, { signal })).rejects.toBe("too late");
    const lease = t.scheduler.lease("chat6", { signal });
    lease.stop();
    await t.clock.advance(1000);
    expect(job).not.toHaveBeenCalled();
    expect(t.sends).toEqual([]);
    expect(t.clock.pendingTimers).toBe(0);
  });

  it("rejects bad input with a typed error before running the job", async () => {
    const t = setup();
    const job = vi.fn(async () => "ran");
    await expect(t.scheduler.whileTyping("crm5", job)).rejects.toBeInstanceOf(DialogIdError);
    await expect(t.scheduler.whileTyping("chat5", job, { refreshMs: -1 })).rejects.toMatchObject({
      option: "typing.refreshMs",
    });
    expect(job).not.toHaveBeenCalled();
    expect(t.clock.pendingTimers).toBe(0);
  });
});

describe("lease signal, close and bad input", () => {
  it("a lease ends when its signal aborts", async () => {
    const t = setup({ defaults: fast });
    const controller = new AbortController();
    t.scheduler.lease("chat5", { signal: controller.signal });
    await t.clock.advance(300);
    controller.abort();
    await t.clock.advance(3000);
    expect(t.timesOf("chat5")).toEqual([0, 300]);
    expect(t.clock.pendingTimers).toBe(0);
  });

  it("close() ends every lease; later leases are inert and later jobs do not run", async () => {
    const t = setup({ defaults: fast });
    const leases = [t.scheduler.lease("chat5"), t.scheduler.lease("chat6")];
    await t.clock.advance(300);
    t.scheduler.close();
    t.scheduler.close();
    const late = t.scheduler.lease("chat7");
    const job = vi.fn(async () => "ran");
    await expect(t.scheduler.whileTyping("chat8", job)).rejects.toMatchObject({
      name: "AbortError",
    });
    await t.clock.advance(3000);
    expect(t.sends).toHaveLength(2);
    expect(job).not.toHaveBeenCalled();
    expect(t.clock.pendingTimers).toBe(0);
    for (const lease of [...leases, late]) lease.stop();
  });

  it("bad input throws a typed error and schedules nothing", () => {
    const t = setup();
    expect(() => t.scheduler.lease("crm5")).toThrow(DialogIdError);
    expect(() => t.scheduler.lease("chat5", { refreshMs: Number.NaN })).toThrow(ConfigError);
    expect(() => t.scheduler.lease("sg7", { as: { botId: 7, v2: true } })).toThrow(DialogIdError);
    expect(t.clock.pendingTimers).toBe(0);
  });

  it("bad client defaults throw ConfigError when the scheduler is made", () => {
    const clock = createFakeClock();
    const send: TypingSender = async (calls) => calls.map(() => fulfilled);
    expect(() => createTypingScheduler({ clock, send, defaults: { refreshMs: 0 } })).toThrow(
      expect.objectContaining({ option: "typing.refreshMs" }),
    );
  });
});

describe("any sequence of leases, stops and time", () => {
  const REFRESH_MS = 300;
  const MAX_LATENCY_MS = 40;
  const dialogs = ["chat1", "chat2", "chat3", "13", "sg7"];
  const step = fc.oneof(
    fc.record({ op: fc.constant("open" as const), dialog: fc.constantFrom(...dialogs) }),
    fc.record({ op: fc.constant("stop" as const), pick: fc.nat() }),
    fc.record({
      op: fc.constant("wait" as const),
      ms: fc.integer({ min: 1, max: 2 * REFRESH_MS }),
    }),
  );

  it("types only where a lease is open, keeps every open dialog alive, one send at a time", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(step, { minLength: 1, maxLength: 30 }),
        fc.integer({ min: 0, max: MAX_LATENCY_MS }),
        async (steps, latencyMs) => {
          const t = setup({ latencyMs, defaults: { ...fast, refreshMs: REFRESH_MS } });
          const open: Array<{ dialog: string; stop(): void }> = [];
          const openCount = (dialog: string) => open.filter((l) => l.dialog === dialog).length;
          // When each dialog's current run of open leases began (undefined: none open).
          const since = new Map<string, number>();
          const checkSends = (from: number) => {
            for (const send of t.sends.slice(from)) {
              expect(send.calls.length).toBeGreaterThan(0);
              expect(send.calls.length).toBeLessThanOrEqual(50);
            }
          };
          let checked = 0;
          for (const s of steps) {
            if (s.op === "open") {
              const lease = t.scheduler.lease(s.dialog);
              if (openCount(s.dialog) === 0) since.set(s.dialog, t.clock.now());
              open.push({ dialog: s.dialog, stop: () => lease.stop() });
            } else if (s.op === "stop" && open.length > 0) {
              const [lease] = open.splice(s.pick % open.length, 1);
              lease?.stop();
              if (lease && openCount(lease.dialog) === 0) since.delete(lease.dialog);
            } else if (s.op === "wait") {
              const sendsBefore = t.sends.length;
              await t.clock.advance(s.ms);
              // Every send in this wait went only to dialogs that were open throughout it.
              for (const send of t.sends.slice(sendsBefore)) {
                for (const dialog of t.dialogsOf(send))
                  expect(openCount(dialog)).toBeGreaterThan(0);
              }
            }
            checkSends(checked);
            checked = t.sends.length;
            // Liveness: a dialog open for a while has had an event within the last refresh
            // interval, give or take one send's latency ahead of it in the queue.
            for (const [dialog, start] of since) {
              const now = t.clock.now();
              const times = t.timesOf(dialog).filter((at) => at >= start);
              const last = times.at(-1) ?? start;
              expect(now - last).toBeLessThanOrEqual(REFRESH_MS + 2 * latencyMs + 1);
            }
          }
          expect(t.maxInFlight()).toBeLessThanOrEqual(1);
          for (const lease of open) lease.stop();
          const sendsAtEnd = t.sends.length;
          await t.clock.advance(10 * REFRESH_MS);
          expect(t.sends.length).toBe(sendsAtEnd);
          expect(t.clock.pendingTimers).toBe(0);
        },
      ),
      { numRuns: 200 },
    );
  });
});

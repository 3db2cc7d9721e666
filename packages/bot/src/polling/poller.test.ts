import { errorResponse } from "@b24im/core/testing";
import { describe, expect, it } from "vitest";
import type { MessageContext } from "../context/contexts.js";
import { fakePlatform } from "../fake-platform.test-helpers.js";

const deferred = <T = void>() => {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
};

describe("fetch mode", () => {
  it("runs each new message once, acknowledges it only after its handler settled", async () => {
    const p = fakePlatform();
    const gate = deferred();
    const handled: string[] = [];
    const bot = p.bot().on("message", async (ctx) => {
      handled.push(ctx.message.text);
      await gate.promise;
    });
    const first = p.say("1", "hello");
    const running = bot.start();
    await p.clock.advance(0);
    expect(handled).toEqual(["hello"]);
    // While the handler runs, polls carry no offset past it.
    await p.clock.advance(30_000);
    expect(p.seen.polls.every((poll) => (poll.offset ?? 0) <= (first.eventId as number))).toBe(
      true,
    );
    expect(handled).toEqual(["hello"]);
    gate.resolve();
    await p.clock.advance(1_000);
    expect(p.acknowledged).toBe((first.eventId as number) + 1);
    await bot.stop();
    await running;
    expect(handled).toEqual(["hello"]);
  });

  it("keeps one dialog's events in order and runs different dialogs side by side", async () => {
    const p = fakePlatform();
    const log: string[] = [];
    const gates = new Map<string, ReturnType<typeof deferred<void>>>();
    const bot = p.bot().on("message", async (ctx) => {
      log.push(`start ${ctx.dialogId} ${ctx.message.text}`);
      const gate = deferred();
      gates.set(ctx.message.text, gate);
      await gate.promise;
      log.push(`end ${ctx.dialogId} ${ctx.message.text}`);
    });
    p.say("1", "a1");
    p.say("1", "a2");
    p.say("chat5", "b1");
    void bot.start();
    await p.clock.advance(0);
    expect(log).toEqual(["start 1 a1", "start chat5 b1"]);
    gates.get("b1")?.resolve();
    await p.clock.advance(0);
    expect(log).toEqual(["start 1 a1", "start chat5 b1", "end chat5 b1"]);
    gates.get("a1")?.resolve();
    await p.clock.advance(0);
    expect(log.slice(3)).toEqual(["end 1 a1", "start 1 a2"]);
    gates.get("a2")?.resolve();
    await bot.stop();
    expect(log.at(-1)).toBe("end 1 a2");
  });

  it("never runs more handlers at once than concurrency", async () => {
    const p = fakePlatform();
    let running = 0;
    let most = 0;
    const bot = p.bot({ concurrency: 3 }).on("message", async () => {
      running++;
      most = Math.max(most, running);
      await new Promise((resolve) => setTimeout(resolve, 5));
      running--;
    });
    for (let i = 0; i < 12; i++) p.say(String(i + 1), "hi");
    void bot.start();
    await p.clock.advance(0);
    await new Promise((resolve) => setTimeout(resolve, 60));
    await bot.stop();
    expect(most).toBe(3);
  });

  it("polls again at once while a page brings new events, then pauses idlePauseMs", async () => {
    const p = fakePlatform();
    const texts: string[] = [];
    const bot = p
      .bot({ pollLimit: 2, idlePauseMs: 7_000 })
      .on("message", (ctx) => void texts.push(ctx.message.text));
    for (let i = 0; i < 5; i++) p.say("1", `m${i}`);
    void bot.start();
    await p.clock.advance(3_000);
    expect(texts).toEqual(["m0", "m1", "m2", "m3", "m4"]);
    const polls = p.seen.polls.length;
    const last = p.seen.polls.at(-1)?.at as number;
    // Everything is acknowledged now: the next poll comes a full idle pause later.
    expect(p.acknowledged).toBe(1005);
    await p.clock.advance(last + 6_999 - p.clock.now());
    expect(p.seen.polls).toHaveLength(polls);
    await p.clock.advance(1);
    expect(p.seen.polls).toHaveLength(polls + 1);
    await bot.stop();
  });

  it("an event the platform sends again (held back behind a slow one) runs once", async () => {
    const p = fakePlatform();
    const gate = deferred();
    const runs: string[] = [];
    const bot = p.bot().on("message", async (ctx) => {
      runs.push(ctx.message.text);
      if (ctx.message.text === "slow") await gate.promise;
    });
    p.say("1", "slow");
    const quick = p.say("chat5", "quick");
    void bot.start();
    await p.clock.advance(60_000);
    // Every poll since acknowledged nothing past "slow", so each one brought "quick" back.
    expect(p.seen.polls.length).toBeGreaterThan(3);
    expect(p.acknowledged).toBeLessThan(quick.eventId as number);
    expect(runs).toEqual(["slow", "quick"]);
    gate.resolve();
    await p.clock.advance(2_000);
    expect(p.acknowledged).toBe((quick.eventId as number) + 1);
    await bot.stop();
    expect(runs).toEqual(["slow", "quick"]);
  });

  it("backs off after failed polls, reports each failure, and never ends the loop", async () => {
    let failing = true;
    const p = fakePlatform({
      fail: (x) =>
        failing && x.request.url.endsWith("imbot.v2.Event.get")
          ? errorResponse("QUERY_LIMIT_EXCEEDED", 503)
          : undefined,
    });
    const errors: unknown[] = [];
    const texts: string[] = [];
    const bot = p
      .bot({ onError: (error) => void errors.push(error) })
      .on("message", (ctx) => void texts.push(ctx.message.text));
    p.say("1", "still there?");
    void bot.start();
    await p.clock.advance(120_000);
    expect(errors.length).toBeGreaterThanOrEqual(3);
    const failedPolls = p.transport.requests.length;
    // Backoff: far fewer polls than one per second.
    expect(failedPolls).toBeLessThan(40);
    failing = false;
    await p.clock.advance(31_000);
    expect(texts).toEqual(["still there?"]);
    await bot.stop();
  });

  it("a handler's throw goes to onError with its event, and the next event still runs", async () => {
    const p = fakePlatform();
    const errors: Array<[unknown, unknown]> = [];
    const texts: string[] = [];
    const bot = p
      .bot({ onError: (error, event) => void errors.push([error, event?.eventId]) })
      .on("message", (ctx) => {
        texts.push(ctx.message.text);
        if (ctx.message.text === "boom") throw new Error("handler broke");
      });
    const boom = p.say("1", "boom");
    p.say("1", "after");
    void bot.start();
    await p.clock.advance(0);
    await bot.stop();
    expect(texts).toEqual(["boom", "after"]);
    expect(errors).toEqual([[new Error("handler broke"), boom.eventId]]);
  });

  it("stop() lets a running handler finish and acknowledges it; nothing in flight is lost", async () => {
    const p = fakePlatform();
    const gate = deferred();
    const bot = p.bot().on("message", () => gate.promise);
    const event = p.say("1", "slow");
    const running = bot.start();
    await p.clock.advance(0);
    const stopped = bot.stop();
    let done = false;
    void stopped.then(() => {
      done = true;
    });
    await p.clock.advance(0);
    expect(done).toBe(false);
    gate.resolve();
    await stopped;
    await running;
    expect(p.acknowledged).toBe((event.eventId as number) + 1);
  });

  it("a restarted process finishes what the stopped one left unacknowledged", async () => {
    const p = fakePlatform();
    p.say("1", "one");
    p.say("1", "two");
    const crashed = p.bot().on("message", (ctx) => {
      if (ctx.message.text === "two") return new Promise(() => {}); // the process dies here
    });
    void crashed.start();
    await p.clock.advance(5_000);
    const texts: string[] = [];
    const restarted = p.bot().on("message", (ctx) => void texts.push(ctx.message.text));
    void restarted.start();
    await p.clock.advance(0);
    await restarted.stop();
    expect(texts).toEqual(["two"]);
  });

  it("start() with a signal stops when it aborts", async () => {
    const p = fakePlatform();
    const controller = new AbortController();
    const bot = p.bot().on("message", () => {});
    const running = bot.start({ signal: controller.signal });
    await p.clock.advance(0);
    controller.abort();
    await running;
    const polls = p.seen.polls.length;
    await p.clock.advance(60_000);
    expect(p.seen.polls.length).toBe(polls);
  });
});

describe("a handler's context in fetch mode", () => {
  it("has the typed message, chat, user and dialogId; shows no token in JSON", async () => {
    const p = fakePlatform();
    let seen: MessageContext | undefined;
    const bot = p.bot().on("message", (ctx) => {
      seen = ctx;
    });
    p.say("1", "hi there");
    void bot.start();
    await p.clock.advance(0);
    await bot.stop();
    expect(seen?.message).toMatchObject({ text: "hi there", authorId: 1 });
    expect(seen?.chat).toEqual({ id: 41, dialogId: "1", type: "private", name: "Support" });
    expect(seen?.user).toEqual({ id: 1, name: "User 1", bot: false });
    expect(seen?.dialogId).toBe("1");
    expect(seen?.bot).toEqual({ id: 456, code: "helper" });
    expect(JSON.parse(JSON.stringify(seen))).toMatchObject({ dialogId: "1" });
    expect(Object.keys(seen ?? {})).not.toContain("reply");
  });
});

import type { AgentStatus, MessageContext } from "@b24im/bot";
import { describe, expect, it } from "vitest";
import {
  type AgentObserver,
  type AgentPlan,
  APOLOGY,
  createAgent,
  echoPlan,
  plainText,
} from "./agent.js";
import { shorten } from "./format.js";

/** A message context that records what the handler does, as @b24im/bot would carry it out. */
function fakeContext(o: { bot?: boolean; failReply?: boolean } = {}) {
  const trace: string[] = [];
  const ctx = {
    dialogId: "chat1",
    user: { id: 2, name: "Boris Petrov", bot: o.bot === true },
    message: { id: 7, chatId: 1, authorId: 2, text: "hi", date: "" },
    async think<T>(
      job: (signal: AbortSignal, status: (s: AgentStatus) => void) => Promise<T>,
      options?: { status?: AgentStatus },
    ): Promise<T> {
      trace.push(`line up: ${options?.status ?? "THINKING"}`);
      try {
        return await job(new AbortController().signal, (s) => trace.push(`status: ${s}`));
      } finally {
        trace.push("job done");
      }
    },
    async reply(text: string): Promise<number> {
      if (o.failReply) throw new Error("portal down");
      trace.push(`reply: ${text}`);
      return 42;
    },
  };
  return { ctx: ctx as unknown as MessageContext, trace };
}

const plan: AgentPlan = {
  steps: [
    { status: "THINKING", ms: 5 },
    { status: "SEARCHING", ms: 5 },
    { status: "COMPOSING", ms: 5 },
  ],
  answer: "Friday.",
};

function recorder() {
  const seen: string[] = [];
  const observer: AgentObserver = {
    received: () => seen.push("received"),
    status: (_ctx, status) => seen.push(status),
    answered: (_ctx, reply) => seen.push(`answered #${reply.messageId} ${reply.text}`),
    interrupted: (_ctx, apologised) => seen.push(`interrupted, apologised: ${apologised}`),
  };
  return { seen, observer };
}

describe("createAgent", () => {
  it("opens the line with the first status, switches through the plan, then answers", async () => {
    const { ctx, trace } = fakeContext();
    const { seen, observer } = recorder();
    await createAgent({ plan: () => plan, observer, stop: new AbortController().signal })(ctx);
    expect(trace).toEqual([
      "line up: THINKING",
      "status: SEARCHING",
      "status: COMPOSING",
      "job done",
      "reply: Friday.",
    ]);
    expect(seen).toEqual([
      "received",
      "THINKING",
      "SEARCHING",
      "COMPOSING",
      "answered #42 Friday.",
    ]);
  });

  it("stops at once when stopped, and tells the person instead of leaving them waiting", async () => {
    const { ctx, trace } = fakeContext();
    const { seen, observer } = recorder();
    const stop = new AbortController();
    const long: AgentPlan = { steps: [{ status: "THINKING", ms: 60_000 }], answer: "never" };
    const started = Date.now();
    const handling = createAgent({ plan: () => long, observer, stop: stop.signal })(ctx);
    await new Promise((resolve) => setTimeout(resolve, 10));
    stop.abort(new Error("Ctrl-C"));
    await handling;
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(trace).toEqual(["line up: THINKING", "job done", `reply: ${APOLOGY}`]);
    expect(seen.at(-1)).toBe("interrupted, apologised: true");
  });

  it("settles even when the apology cannot be posted", async () => {
    const { ctx } = fakeContext({ failReply: true });
    const { seen, observer } = recorder();
    const stop = new AbortController();
    stop.abort(new Error("Ctrl-C"));
    await createAgent({ plan: () => plan, observer, stop: stop.signal })(ctx);
    expect(seen).toEqual(["received", "interrupted, apologised: false"]);
  });

  it("lets a failure that is no stop reach the bot's onError", async () => {
    const { ctx } = fakeContext({ failReply: true });
    const handler = createAgent({ plan: () => plan, stop: new AbortController().signal });
    await expect(handler(ctx)).rejects.toThrow("portal down");
  });

  it("ignores bots", async () => {
    const { ctx, trace } = fakeContext({ bot: true });
    const { seen, observer } = recorder();
    await createAgent({ plan: () => plan, observer, stop: new AbortController().signal })(ctx);
    expect([...trace, ...seen]).toEqual([]);
  });
});

describe("echoPlan", () => {
  it("thinks, searches and composes for a few seconds, then quotes the message as people read it", () => {
    const { steps, answer } = echoPlan("[USER=5]Helper[/USER]   what's\nnew?");
    expect(steps.map((step) => step.status)).toEqual(["THINKING", "SEARCHING", "COMPOSING"]);
    const total = steps.reduce((sum, step) => sum + step.ms, 0);
    expect(total).toBeGreaterThan(3_000);
    expect(total).toBeLessThan(10_000);
    expect(answer).toContain("“@Helper what's new?”");
    expect(answer).toContain(`${total / 1000} s`);
  });

  it("quotes a long message shortened", () => {
    expect(echoPlan("x".repeat(5_000)).answer.length).toBeLessThan(600);
  });
});

describe("plainText and shorten", () => {
  it("turns mention codes into @names and cuts long texts", () => {
    expect(plainText("[user=12]Anna Admin[/user], see [USER=5]Helper[/USER]")).toBe(
      "@Anna Admin, see @Helper",
    );
    expect(shorten("abcdef", 4)).toBe("abc…");
    expect(shorten("abc", 4)).toBe("abc");
  });
});

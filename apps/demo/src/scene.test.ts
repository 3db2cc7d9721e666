import { describe, expect, it } from "vitest";
import {
  initialRows,
  playScene,
  SCENE,
  type SceneBot,
  type SceneObserver,
  type SceneStep,
} from "./scene.js";

function step(dialogId: string, askAtMs: number, thinkMs: number): SceneStep {
  return {
    dialogId,
    title: dialogId,
    askerId: 2,
    askIn: dialogId,
    askAtMs,
    readMs: 5,
    thinkMs,
    question: `question in ${dialogId}`,
    answer: ({ refreshes }) => `answer in ${dialogId} after ${refreshes} refreshes`,
  };
}

function cast(trace: string[], options: { failAnswerIn?: string } = {}) {
  const events = new Map<string, number>();
  const bot: SceneBot = {
    async call(method, params) {
      if (params?.DIALOG_ID === options.failAnswerIn) throw new Error("portal down");
      trace.push(`bot ${method} ${String(params?.DIALOG_ID)}`);
      return 1;
    },
    // As in @b24im/core: the caller's signal reaches the job.
    async whileTyping(dialogId, job, o) {
      trace.push(`typing ${dialogId}`);
      events.set(dialogId, (events.get(dialogId) ?? 0) + 3);
      try {
        return await job(o?.signal ?? new AbortController().signal);
      } finally {
        trace.push(`released ${dialogId}`);
      }
    },
  };
  const asker = {
    async call(_method: string, params?: Record<string, unknown>) {
      trace.push(`ask ${String(params?.DIALOG_ID)}`);
      return 1;
    },
  };
  const observer: SceneObserver = {
    asked: () => {},
    typingStarted: () => {},
    answered: () => {},
    typingError: () => {},
  };
  return {
    bot,
    askers: new Map([[2, asker]]),
    typingEvents: (id: string) => events.get(id) ?? 0,
    refreshMs: 10,
    observer,
  };
}

describe("playScene", () => {
  it("asks, types while thinking, then answers with what it measured", async () => {
    const trace: string[] = [];
    const results = await playScene([step("chat1", 0, 30), step("chat2", 5, 5)], cast(trace));
    expect(trace.filter((t) => t.endsWith("chat1"))).toEqual([
      "ask chat1",
      "typing chat1",
      "released chat1",
      "bot im.message.add chat1",
    ]);
    expect(results.map((r) => [r.dialogId, r.typingEvents, r.refreshes])).toEqual([
      ["chat1", 3, 2],
      ["chat2", 3, 2],
    ]);
    expect(results[0]?.answer).toBe("answer in chat1 after 2 refreshes");
    expect(results[0]?.typingMs).toBeGreaterThanOrEqual(25);
  });

  it("stops every step when aborted and rejects with the reason", async () => {
    const trace: string[] = [];
    const controller = new AbortController();
    const playing = playScene([step("chat1", 0, 5000), step("chat2", 3000, 5)], {
      ...cast(trace),
      signal: controller.signal,
    });
    await new Promise((resolve) => setTimeout(resolve, 50));
    const reason = new Error("Ctrl-C");
    controller.abort(reason);
    await expect(playing).rejects.toBe(reason);
    expect(trace).toEqual(["ask chat1", "typing chat1", "released chat1"]);
  });

  it("stops the other steps when one fails, and rejects with that failure", async () => {
    const trace: string[] = [];
    const playing = playScene(
      [step("chat1", 0, 5), step("chat2", 0, 5000)],
      cast(trace, { failAnswerIn: "chat1" }),
    );
    await expect(playing).rejects.toThrow("portal down");
    expect(trace).toContain("released chat2");
    expect(trace).not.toContain("bot im.message.add chat2");
  });
});

describe("SCENE", () => {
  it("thinks longer than the refresh interval somewhere, and fits in about 25 s", () => {
    expect(Math.max(...SCENE.map((s) => s.thinkMs))).toBeGreaterThan(2 * 2500);
    const end = Math.max(...SCENE.map((s) => s.askAtMs + s.readMs + s.thinkMs));
    expect(end).toBeLessThan(20_000);
    expect(new Set(SCENE.map((s) => s.dialogId)).size).toBe(SCENE.length);
    expect(initialRows(SCENE).every((row) => row.phase === "waiting")).toBe(true);
  });
});

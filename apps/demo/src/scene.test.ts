import { describe, expect, it } from "vitest";
import { pageDialogId } from "./dialog-names.js";
import { SCENE, SCENE_BOT, SCENE_SEED, ScenePlay, type SceneStep, stepName } from "./scene.js";

function step(dialogId: string, askAtMs: number): SceneStep {
  return {
    dialogId,
    title: dialogId,
    askerId: 2,
    askIn: dialogId,
    askAtMs,
    question: `question in ${dialogId}`,
    plan: { steps: [], answer: `answer in ${dialogId}` },
  };
}

/** A cast whose "bot" answers each question after `answerAfterMs` (never for `silentIn`). */
function cast(trace: string[], o: { answerAfterMs?: number; silentIn?: string } = {}) {
  let nextId = 100;
  let play: ScenePlay | undefined;
  const castOptions = {
    answerTimeoutMs: 200,
    say({ dialogId }: { from: number; dialogId: string; text: string }) {
      const id = ++nextId;
      trace.push(`say ${dialogId}`);
      if (dialogId !== o.silentIn) {
        setTimeout(() => {
          const plan = play?.planFor(id);
          play?.answered(id, { messageId: id + 1000, text: plan?.answer ?? "?", tookMs: 1 });
        }, o.answerAfterMs ?? 5);
      }
      return id;
    },
    asked: (s: SceneStep, id: number) => trace.push(`asked ${s.dialogId} #${id}`),
  };
  return {
    castOptions,
    bind: (p: ScenePlay) => {
      play = p;
      return p;
    },
  };
}

describe("ScenePlay", () => {
  it("posts each question at its moment, gives the agent its plan, and collects the answers", async () => {
    const trace: string[] = [];
    const { castOptions, bind } = cast(trace);
    const play = bind(new ScenePlay([step("chat1", 0), step("chat2", 30)], castOptions));
    const started = Date.now();
    const results = await play.run();
    expect(Date.now() - started).toBeGreaterThanOrEqual(25);
    expect(trace).toEqual(["say chat1", "asked chat1 #101", "say chat2", "asked chat2 #102"]);
    expect(results.map((r) => [r.dialogId, r.questionId, r.answer, r.answerId])).toEqual([
      ["chat1", 101, "answer in chat1", 1101],
      ["chat2", 102, "answer in chat2", 1102],
    ]);
    expect(results[0]?.answeredAt).toBeGreaterThanOrEqual(results[0]?.askedAt ?? Infinity);
    expect(play.planFor(101)?.answer).toBe("answer in chat1");
    expect(play.planFor(999)).toBeUndefined();
  });

  it("rejects with the reason when aborted, and asks nothing more", async () => {
    const trace: string[] = [];
    const { castOptions, bind } = cast(trace, { silentIn: "chat1" });
    const controller = new AbortController();
    const play = bind(
      new ScenePlay([step("chat1", 0), step("chat2", 5_000)], {
        ...castOptions,
        answerTimeoutMs: 60_000,
        signal: controller.signal,
      }),
    );
    const playing = play.run();
    await new Promise((resolve) => setTimeout(resolve, 20));
    const reason = new Error("Ctrl-C");
    controller.abort(reason);
    await expect(playing).rejects.toBe(reason);
    expect(trace).toEqual(["say chat1", "asked chat1 #101"]);
  });

  it("fails in plain words when the bot does not answer in time, and stops the rest", async () => {
    const trace: string[] = [];
    const { castOptions, bind } = cast(trace, { silentIn: "chat1" });
    const play = bind(new ScenePlay([step("chat1", 0), step("chat2", 5_000)], castOptions));
    await expect(play.run()).rejects.toThrow(
      "the bot did not answer in chat1 (chat1) within 0.2 s",
    );
    expect(trace).not.toContain("say chat2");
  });
});

describe("SCENE", () => {
  it("overlaps three questions in three dialogs and ends within about 12 s", () => {
    expect(new Set(SCENE.map((s) => s.dialogId)).size).toBe(SCENE.length);
    const ends = SCENE.map((s) => s.askAtMs + s.plan.steps.reduce((sum, x) => sum + x.ms, 0));
    expect(Math.max(...ends)).toBeLessThan(12_000);
    // Overlapping: each question comes before the previous one could have been answered.
    for (let i = 1; i < SCENE.length; i++) {
      expect(SCENE[i]?.askAtMs).toBeLessThan(ends[i - 1] as number);
    }
  });

  it("holds every status long enough to be seen, and one longer than two refresh intervals", () => {
    expect(Math.min(...SCENE.flatMap((s) => s.plan.steps.map((x) => x.ms)))).toBeGreaterThanOrEqual(
      900,
    );
    const longest = Math.max(...SCENE.flatMap((s) => s.plan.steps.map((x) => x.ms)));
    expect(longest).toBeGreaterThan(2 * 2_000);
  });

  it("mentions the bot in group chats, and names each dialog as the page does", () => {
    for (const s of SCENE) {
      const chat = SCENE_SEED.chats?.find((c) => `chat${c.id}` === s.askIn);
      if (chat) {
        expect(s.question).toContain(`@${SCENE_BOT.name}`);
        expect(chat.members).toContain(s.askerId);
        expect(chat.members).toContain(SCENE_BOT.id);
        expect(stepName(s)).toBe(`${chat.title} (${s.dialogId})`);
      } else {
        expect(s.askIn).toBe(String(SCENE_BOT.id));
        expect(s.dialogId).toBe(pageDialogId(String(s.askerId), SCENE_BOT.id));
      }
    }
  });
});

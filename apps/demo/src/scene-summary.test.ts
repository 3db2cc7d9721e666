import type { EmulatorState, TypingStat } from "@b24im/emulator";
import { describe, expect, it } from "vitest";
import { RequestMeter } from "./request-meter.js";
import type { SceneStep, StepResult } from "./scene.js";
import { sceneSummary } from "./scene-summary.js";

const step: SceneStep = {
  dialogId: "3-5",
  title: "Clara Ivanova & Helper",
  askerId: 3,
  askIn: "5",
  askAtMs: 0,
  question: "When?",
  plan: { steps: [], answer: "Now." },
};
const result: StepResult = {
  dialogId: "3-5",
  question: "When?",
  questionId: 1,
  answer: "Now.",
  answerId: 2,
  askedAt: 0,
  answeredAt: 0,
};
const state = {
  now: 0,
  users: [],
  counters: { requests: 9, ok: 8, rejected503: 1, rejected429: 0, errors: 0 },
  dialogs: [
    {
      id: "3-5",
      title: "Clara Ivanova & Helper",
      members: [],
      typing: [],
      messages: [
        { id: 1, authorId: 3, authorName: "Clara Ivanova", text: "When?", at: 10_000 },
        { id: 2, authorId: 5, authorName: "Helper", text: "Now.", at: 16_500 },
      ],
    },
  ],
} satisfies EmulatorState;

function input(stat: Partial<TypingStat>) {
  const meter = new RequestMeter();
  const notify = (status: string) => ({
    url: "http://127.0.0.1/rest/1/[REDACTED]/batch",
    body: JSON.stringify({
      cmd: { t: `imbot.v2.Chat.InputAction.notify?dialogId=3&statusMessageCode=${status}` },
    }),
  });
  for (const status of ["A", "A", "B"]) meter.record(notify(status), 0);
  const typing: TypingStat = {
    dialogId: "3",
    senderId: 5,
    events: 3,
    firstAt: 10_500,
    lastAt: 14_000,
    maxGapMs: 2_000,
    lapses: 0,
    ...stat,
  };
  return {
    steps: [step],
    results: [result],
    state,
    stats: [typing],
    counters: state.counters,
    meter,
    botId: 5,
    lineLifeMs: 17_000,
  };
}

describe("sceneSummary", () => {
  it("reads waits, line times and events from the emulator's records, under the page's names", () => {
    const text = sceneSummary(input({}));
    expect(text).toContain("Scene complete: 1 question answered in 1 dialog.");
    expect(text).toContain(
      "  Clara Ivanova & Helper (3-5)  answered after 6.5 s · status line up 6.0 s · 2 statuses, 1 refresh",
    );
    expect(text).toContain("up 6.0 s in all: 2 status changes and 1 refresh.");
    expect(text).toContain(
      "They never went out: the longest gap between two events was 2.0 s, under the 17.0 s each event asks for.",
    );
    expect(text).toContain(
      "Budget: 9 requests reached the portal — 0 polls, 3 typing (3 of them batches)",
    );
    expect(text).toContain("The portal rejected 1 with 503 (rate limit) and 0 with 429");
  });

  it("says so when a line went out", () => {
    expect(sceneSummary(input({ lapses: 2, maxGapMs: 18_000 }))).toContain(
      "They went out 2 times (longest gap 18.0 s; each event asks for 17.0 s).",
    );
  });
});

import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { SCENE } from "../src/scene.js";
import type { SceneReport } from "../src/scene-report.js";
import { runDemo, startDemo } from "./run-demo.js";

const dir = mkdtempSync(join(tmpdir(), "b24im-demo-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// What recipients read for each short status (the emulator's English texts of the docs).
const TEXTS: Record<string, string> = {
  THINKING: "Agent is thinking…",
  SEARCHING: "Agent is searching…",
  CHECKING: "Agent is checking data…",
  READING_DOCS: "Agent is studying documents…",
  COMPOSING: "Agent is composing an answer…",
};

describe("pnpm demo (the scene on the embedded emulator)", () => {
  it("plays to its end, exits 0, and the emulator saw each question answered once, under changing statuses", async () => {
    const reportFile = join(dir, "report.json");
    const started = Date.now();
    const run = await runDemo(["--", "--report-json", reportFile]);
    const elapsed = Date.now() - started;

    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(elapsed).toBeLessThan(30_000);
    expect(run.stdout).toMatch(/Live page: http:\/\/127\.0\.0\.1:\d+\//);
    expect(run.stdout).toMatch(
      /polls for events every 0\.5 s when idle\n.*a real portal wants 5–30 s/,
    );
    expect(run.stdout).toContain("Bot: Helper (id 5), registered with imbot.v2.Bot.register");
    expect(run.stdout).toContain("Scene complete: 3 questions answered in 3 dialogs.");
    expect(run.stdout).toMatch(
      /They never went out: the longest gap between two events was \d\.\d s, under the 17\.0 s each event asks for\./,
    );
    expect(run.stdout).toMatch(/The portal rejected 0 with 503 \(rate limit\) and 0 with 429/);
    expect(run.stdout).toMatch(/Next: pnpm demo -- --keep-open .*\n.*pnpm demo -- --bot/);
    expect(run.stdout).not.toContain("\x1b"); // not a TTY: plain appended lines
    expect(run.stdout).toMatch(
      /General \(chat1\) +• Agent is studying documents… · up \d\.\d s · \d refreshe?s? · \d+ requests/,
    );
    // The same name for a dialog in the log, the live lines and the summary.
    expect(run.stdout).toMatch(/Clara Ivanova & Helper \(3-5\) · Clara Ivanova asks:/);
    expect(run.stdout).toMatch(/Clara Ivanova & Helper \(3-5\) +✓ answered after/);
    expect(run.stdout).toMatch(
      / {2}Clara Ivanova & Helper \(3-5\) +answered after \d\.\d s · status line up/,
    );
    expect(run.stdout).not.toContain("b24im-demo-scene-token");

    const report = JSON.parse(readFileSync(reportFile, "utf8")) as SceneReport;
    const botId = report.bot.id;
    expect(report.steps).toHaveLength(SCENE.length);
    for (const [i, step] of report.steps.entries()) {
      const scripted = SCENE[i];
      if (scripted === undefined) throw new Error(`no scripted step ${i}`);
      const dialog = report.state.dialogs.find((d) => d.id === step.dialogId);
      expect(dialog?.title, `${step.dialogId} as the page names it`).toBe(scripted.title);
      const messages = dialog?.messages.filter((m) => m.system !== true) ?? [];
      // Each question answered once: the question, then exactly one answer by the bot.
      expect(messages.map((m) => [m.authorId === botId, m.text])).toEqual([
        [false, scripted.question],
        [true, scripted.plan.answer],
      ]);
      const [question, answer] = messages;
      expect(dialog?.typing).toEqual([]); // the answer ended the bot's status line

      // Every status of the plan was sent, in order, and recipients read each one's text.
      const planned = scripted.plan.steps.map((s) => s.status);
      expect(step.statusesSent).toEqual(planned.map((s) => `IMBOT_AGENT_ACTION_${s}`));
      expect(step.textsSeen).toEqual(planned.map((s) => TEXTS[s]));

      const typing = report.typingStats.find(
        (s) => s.dialogId === step.botDialogId && s.senderId === botId,
      );
      expect(typing, `status events in ${step.dialogId}`).toBeDefined();
      if (typing === undefined || question === undefined || answer === undefined) continue;
      expect(typing.firstAt).toBeGreaterThanOrEqual(question.at);
      expect(typing.lastAt).toBeLessThanOrEqual(answer.at);
      expect(typing.maxGapMs).toBeLessThan(report.lineLifeMs);
      expect(typing.lapses).toBe(0);
    }
    const general = report.typingStats.find((s) => s.dialogId === "chat1" && s.senderId === botId);
    // Three statuses and at least one refresh of a status held longer than the refresh interval.
    expect(general?.events).toBeGreaterThanOrEqual(4);

    // The page heard the scene was over.
    const closing = report.state.dialogs
      .find((d) => d.id === "chat1")
      ?.messages.find((m) => m.system === true);
    expect(closing?.text).toMatch(/The scene is over/);

    expect(report.log.every((entry) => entry.status === 200)).toBe(true);
    expect(report.state.counters.rejected503).toBe(0);
    expect(report.state.counters.rejected429).toBe(0);
    expect(report.meter.requests).toBe(report.state.counters.requests);
    expect(report.meter.kinds.poll).toBeGreaterThan(0);
    expect(
      report.activeResources.filter((r) => !/^(PipeWrap|TTYWrap|FSReqCallback)$/.test(r)),
    ).toEqual([]);
  }, 45_000);

  it("--keep-open: after the scene a person writes on the page and the bot answers; Ctrl-C exits 130", async () => {
    const demo = startDemo(["--", "--keep-open"]);
    try {
      const [, url] = await demo.waitFor(/Live page: (http:\/\/127\.0\.0\.1:\d+)\//);
      await demo.waitFor(/Helper keeps answering/, 30_000);
      const said = await fetch(`${url}/_emulator/say`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ from: 4, dialogId: "chat2", text: "@Helper what about Beta?" }),
      });
      expect(said.status).toBe(200);
      await demo.waitFor(
        /Project Alpha \(chat2\) · Dmitry Smirnov wrote: “@Helper what about Beta\?”/,
      );
      await demo.waitFor(/Project Alpha \(chat2\) · Helper is searching…/);
      await demo.waitFor(/Helper answered after \d\.\d s: You wrote “@Helper what about Beta\?”/);
      const state = (await (await fetch(`${url}/_emulator/state`)).json()) as {
        dialogs: Array<{ id: string; messages: Array<{ authorName: string; text: string }> }>;
      };
      const alpha = state.dialogs.find((d) => d.id === "chat2")?.messages ?? [];
      expect(alpha.at(-1)).toMatchObject({
        authorName: "Helper",
        text: expect.stringMatching(/^You wrote/),
      });
    } finally {
      demo.child.kill("SIGINT");
    }
    const run = await demo.done;
    expect(run.code).toBe(130);
    expect(run.stdout).toContain("Stopped by Ctrl-C: Helper answered 1 message on the page");
    expect(run.stderr).toBe("");
  }, 45_000);

  it("stops cleanly on Ctrl-C: the waiting person hears why, exit 130", async () => {
    const demo = startDemo([]);
    await demo.waitFor(/picked it up/);
    demo.child.kill("SIGINT");
    const run = await demo.done;
    expect(run.code).toBe(130);
    expect(run.stdout).toMatch(/General \(chat1\) +✗ stopped by Ctrl-C \(apologised\)/);
    expect(run.stdout).toContain("Stopped by Ctrl-C: the bot stopped, emulator closed.");
    expect(run.stderr).toBe("");
  }, 30_000);
});

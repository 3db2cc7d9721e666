import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { SceneReport } from "../src/embedded-scene.js";
import { runDemo, startDemo } from "./run-demo.js";

const dir = mkdtempSync(join(tmpdir(), "b24im-demo-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("pnpm demo (the scene on the embedded emulator)", () => {
  it("plays to its end, exits 0, and the emulator saw typing, then each answer, without a gap", async () => {
    const reportFile = join(dir, "report.json");
    const started = Date.now();
    const run = await runDemo(["--", "--report-json", reportFile]);
    const elapsed = Date.now() - started;

    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(elapsed).toBeLessThan(25_000);
    expect(run.stdout).toMatch(/Live page: http:\/\/127\.0\.0\.1:\d+\//);
    expect(run.stdout).toMatch(/indicator lives 4\.0 s .*\n.*refreshes it every 2\.5 s/);
    expect(run.stdout).toContain("Scene complete: 3 questions answered in 3 dialogs.");
    expect(run.stdout).toMatch(
      /The indicator never went out: the longest gap between events was \d\.\d s, under its 4\.0 s life\./,
    );
    expect(run.stdout).toMatch(/Budget: the bot spent \d+ requests .* 0 requests were rejected\./);
    expect(run.stdout).not.toContain("\x1b"); // not a TTY: plain appended lines
    expect(run.stdout).toMatch(/chat1 +General +… typing \d\.\d s · refreshes 1 · requests \d/);

    const report = JSON.parse(readFileSync(reportFile, "utf8")) as SceneReport;
    const ttl = report.typingTtlMs;
    expect(ttl).toBe(4000);
    for (const step of report.steps) {
      const dialog = report.state.dialogs.find((d) =>
        d.messages.some((m) => m.text === step.question),
      );
      expect(dialog, `dialog of ${step.dialogId}`).toBeDefined();
      const [question, answer, ...rest] = dialog?.messages ?? [];
      expect(rest).toEqual([]);
      expect(question?.authorId).not.toBe(report.botUserId);
      expect(answer).toMatchObject({ authorId: report.botUserId, text: step.answer });
      expect(dialog?.typing).toEqual([]); // the answer cleared the bot's line

      const typing = report.typingStats.find(
        (s) => s.dialogId === step.dialogId && s.senderId === report.botUserId,
      );
      expect(typing, `typing in ${step.dialogId}`).toBeDefined();
      if (typing === undefined || question === undefined || answer === undefined) continue;
      expect(typing.events).toBe(step.typingEvents);
      expect(typing.firstAt).toBeGreaterThanOrEqual(question.at);
      expect(typing.lastAt).toBeLessThanOrEqual(answer.at);
      expect(typing.maxGapMs).toBeLessThan(ttl);
      expect(typing.lapses).toBe(0);
    }
    const chat1 = report.typingStats.find((s) => s.dialogId === "chat1");
    expect(chat1?.events).toBeGreaterThanOrEqual(3); // refreshes were seen

    expect(report.log.every((entry) => entry.status === 200)).toBe(true);
    expect(report.state.counters.rejected503 + report.state.counters.rejected429).toBe(0);
    expect(report.meter.requests).toBe(
      report.log.filter((e) => e.path.startsWith("/rest/1/")).length,
    );
    expect(
      report.activeResources.filter((r) => !/^(PipeWrap|TTYWrap|FSReqCallback)$/.test(r)),
    ).toEqual([]);
  }, 40_000);

  it("stops cleanly on Ctrl-C: exit 130 after releasing typing", async () => {
    const demo = startDemo([]);
    await demo.waitFor(/asks:/);
    demo.child.kill("SIGINT");
    const run = await demo.done;
    expect(run.code).toBe(130);
    expect(run.stdout).toContain("Stopped by Ctrl-C: typing released, emulator closed.");
    expect(run.stderr).toBe("");
  }, 30_000);
});

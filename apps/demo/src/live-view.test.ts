import { afterEach, describe, expect, it, vi } from "vitest";
import { type BudgetRow, type DialogRow, LiveView, renderBudget, renderRow } from "./live-view.js";

const general: DialogRow = {
  id: "chat1",
  name: "General (chat1)",
  phase: "waiting",
  statuses: 0,
  refreshes: 0,
  requests: 0,
};
const rows: DialogRow[] = [
  general,
  { ...general, id: "3-5", name: "Clara Ivanova & Helper (3-5)" },
];
const ESC = "\x1b";
const budget = (): BudgetRow => ({
  requests: 3,
  kinds: { poll: 2, typing: 1, message: 0, other: 0 },
  level: 1.5,
  bucketSize: 50,
  drainPerSecond: 2,
});

function output(isTTY: boolean, columns = 100) {
  const chunks: string[] = [];
  return { chunks, out: { isTTY, columns, write: (text: string) => chunks.push(text) } };
}

describe("renderRow", () => {
  const thinking: DialogRow = {
    ...general,
    phase: "thinking",
    status: "Agent is searching…",
    since: 1000,
    statuses: 2,
    refreshes: 1,
    requests: 4,
  };

  it("shows a spinner, what recipients read, how long the line is up, refreshes and requests", () => {
    expect(renderRow(thinking, 6200, { frame: 0 })).toBe(
      "General (chat1) ⠋ Agent is searching… · up 5.2 s · 1 refresh · 4 requests",
    );
    expect(renderRow(thinking, 6200, { frame: 1 })).toContain("⠙ Agent is searching");
    expect(renderRow(thinking, 6200)).toContain("• Agent is searching");
    expect(renderRow(thinking, 6200, { nameWidth: 20 })).toMatch(/^General \(chat1\) {6}•/);
  });

  it("says when the bot picked a question up before its line is up", () => {
    const row: DialogRow = { ...thinking, status: undefined, since: undefined };
    expect(renderRow(row, 0)).toContain("• picked up the question · 1 refresh");
  });

  it("shows how long the answer took, with the statuses shown and the refreshes", () => {
    const row: DialogRow = {
      ...thinking,
      phase: "answered",
      tookMs: 8000,
      statuses: 3,
      refreshes: 3,
    };
    expect(renderRow(row, 0)).toBe(
      "General (chat1) ✓ answered after 8.0 s · 3 statuses, 3 refreshes · 4 requests",
    );
  });

  it("shows the budget by kind", () => {
    expect(renderBudget(budget())).toBe(
      "budget  3 requests (2 polls, 1 typing, 0 messages, 0 other) · portal bucket ≈1.5 of 50, drains 2/s",
    );
  });
});

describe("LiveView", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it("appends plain lines off a TTY: no escape codes, one line per announced change", () => {
    const { chunks, out } = output(false);
    const view = new LiveView(out, rows, budget, () => 0);
    view.start();
    view.log("Boris asks");
    view.update("chat1", { phase: "thinking", status: "Agent is thinking…", since: 0 });
    view.update("chat1", { requests: 1 }, false);
    view.stop();
    const text = chunks.join("");
    expect(text).not.toContain(ESC);
    expect(text.split("\n").filter(Boolean)).toEqual([
      "[  0.0 s] Boris asks",
      "[  0.0 s] General (chat1) • Agent is thinking… · up 0.0 s · 0 refreshes · 0 requests",
      `[  0.0 s] ${renderBudget(budget())}`,
    ]);
  });

  it("redraws the block in place on a TTY, names in one column, and stops its timer", () => {
    vi.useFakeTimers();
    const { chunks, out } = output(true);
    const view = new LiveView(out, rows, budget, () => 0);
    view.start();
    expect(chunks.join("")).toContain(`${ESC}[?25l`);
    expect(chunks.join("")).toContain("  General (chat1)              · waiting");
    view.log("Boris asks");
    // Three block lines (two dialogs and the budget) are erased before the log line.
    const erasedThenLogged = `${ESC}[3F${ESC}[J[  0.0 s] Boris asks\n  General `;
    expect(chunks.at(-1)?.startsWith(erasedThenLogged)).toBe(true);
    view.update("chat1", { phase: "thinking", status: "Agent is thinking…", since: 0 });
    vi.advanceTimersByTime(100);
    expect(chunks.at(-1)).toContain("⠙ Agent is thinking…");
    view.stop();
    expect(chunks.at(-1)?.endsWith(`${ESC}[?25h`)).toBe(true);
    const written = chunks.length;
    vi.advanceTimersByTime(1000);
    view.update("chat1", { phase: "answered", tookMs: 1000 });
    view.stop();
    expect(chunks.length).toBe(written); // the final block stays as it was
    expect(view.row("chat1")?.phase).toBe("answered");
    expect(vi.getTimerCount()).toBe(0);
  });

  it("cuts block lines to the terminal width, so redrawing never drifts", () => {
    const { chunks, out } = output(true, 30);
    const view = new LiveView(out, rows, budget, () => 0);
    view.start();
    view.stop();
    const ansi = new RegExp(`${ESC}\\[[0-9;?]*[A-Za-z]`, "g");
    for (const line of chunks.join("").replaceAll(ansi, "").split("\n")) {
      expect(line.length).toBeLessThan(30);
    }
  });

  it("appends whole lines on a terminal that reports a width of 0, instead of drawing '…'", () => {
    const { chunks, out } = output(true, 0);
    const view = new LiveView(out, rows, budget, () => 0);
    view.start();
    view.update("chat1", { phase: "thinking", status: "Agent is thinking…", since: 0 });
    view.stop();
    const text = chunks.join("");
    expect(text).not.toContain(ESC);
    expect(text).toContain("General (chat1) • Agent is thinking… · up 0.0 s");
    expect(text).toContain("budget  3 requests");
  });
});

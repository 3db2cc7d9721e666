import { afterEach, describe, expect, it, vi } from "vitest";
import { type DialogRow, LiveView, renderBudget, renderRow } from "./live-view.js";

const general: DialogRow = {
  id: "chat1",
  title: "General",
  phase: "waiting",
  refreshes: 0,
  requests: 0,
};
const rows: DialogRow[] = [
  general,
  { id: "3", title: "Clara (private)", phase: "waiting", refreshes: 0, requests: 0 },
];
const ESC = "\x1b";
const budget = () => ({ requests: 3, level: 1.5, bucketSize: 50, drainPerSecond: 2 });

function output(isTTY: boolean) {
  const chunks: string[] = [];
  return { chunks, out: { isTTY, columns: 100, write: (text: string) => chunks.push(text) } };
}

describe("renderRow", () => {
  it("shows a spinner, the elapsed time, refreshes and requests while typing", () => {
    const row: DialogRow = {
      ...general,
      phase: "typing",
      typingSince: 1000,
      refreshes: 2,
      requests: 4,
    };
    expect(renderRow(row, 6200, 0)).toBe(
      "chat1  General          ⠋ typing 5.2 s · refreshes 2 · requests 4",
    );
    expect(renderRow(row, 6200, 1)).toContain("⠙ typing");
    expect(renderRow(row, 6200)).toContain("… typing");
  });

  it("shows how long the answer took", () => {
    const row: DialogRow = {
      ...general,
      phase: "answered",
      typingMs: 8000,
      refreshes: 3,
      requests: 5,
    };
    expect(renderRow(row, 0)).toContain(
      "✓ answered after 8.0 s of typing · refreshes 3 · requests 5",
    );
  });

  it("shows the budget spent", () => {
    expect(renderBudget(budget())).toBe(
      "budget  3 requests spent · portal bucket ≈1.5 of 50 (drains 2/s)",
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
    view.update("chat1", { phase: "typing", typingSince: 0 });
    view.update("chat1", { requests: 1 }, false);
    view.stop();
    const text = chunks.join("");
    expect(text).not.toContain(ESC);
    expect(text.split("\n").filter(Boolean)).toEqual([
      "[  0.0 s] Boris asks",
      "[  0.0 s] chat1  General          … typing 0.0 s · refreshes 0 · requests 0",
      "[  0.0 s] budget  3 requests spent · portal bucket ≈1.5 of 50 (drains 2/s)",
    ]);
  });

  it("redraws the block in place on a TTY and stops its timer", () => {
    vi.useFakeTimers();
    const { chunks, out } = output(true);
    const view = new LiveView(out, rows, budget, () => 0);
    view.start();
    expect(chunks.join("")).toContain(`${ESC}[?25l`);
    view.log("Boris asks");
    // Three block lines (two dialogs and the budget) are erased before the log line.
    const erasedThenLogged = `${ESC}[3F${ESC}[J[  0.0 s] Boris asks\n  chat1 `;
    expect(chunks.at(-1)?.startsWith(erasedThenLogged)).toBe(true);
    view.update("chat1", { phase: "typing", typingSince: 0 });
    vi.advanceTimersByTime(100);
    expect(chunks.at(-1)).toContain("⠙ typing");
    view.stop();
    expect(chunks.at(-1)?.endsWith(`${ESC}[?25h`)).toBe(true);
    const written = chunks.length;
    vi.advanceTimersByTime(1000);
    expect(chunks.length).toBe(written);
    expect(vi.getTimerCount()).toBe(0);
  });

  it("cuts block lines to the terminal width, so redrawing never drifts", () => {
    const { chunks, out } = output(true);
    out.columns = 30;
    const view = new LiveView(out, rows, budget, () => 0);
    view.start();
    view.stop();
    const ansi = new RegExp(`${ESC}\\[[0-9;?]*[A-Za-z]`, "g");
    for (const line of chunks.join("").replaceAll(ansi, "").split("\n")) {
      expect(line.length).toBeLessThan(30);
    }
  });
});

import { count, seconds, shorten, stamp } from "./format.js";
import type { RequestKind } from "./request-meter.js";

/**
 * Where a dialog of the scene is.
 *
 * @example
 * ```ts
 * const phase: DialogPhase = "answered";
 * view.update("chat1", { phase, tookMs: 3_900 });
 * ```
 */
export type DialogPhase = "waiting" | "asked" | "thinking" | "answered" | "failed";

/**
 * One dialog's live line.
 *
 * @example
 * ```ts
 * const row: DialogRow = { id: "chat1", name: "General (chat1)", phase: "waiting", statuses: 0, refreshes: 0, requests: 0 };
 * const view = new LiveView(process.stdout, [row], budget);
 * ```
 */
export interface DialogRow {
  /** The page's dialog id (`"chat1"`, `"3-5"`). */
  id: string;
  /** As the page heads the dialog: `"General (chat1)"`. */
  name: string;
  phase: DialogPhase;
  /** What recipients read on the bot's status line (`"Agent is thinking…"`), while it is up. */
  status?: string;
  /** When the status line appeared (ms since the epoch). */
  since?: number;
  /** From the question to the answer, once answered. */
  tookMs?: number;
  /** Typing events that showed a new status. */
  statuses: number;
  /** Typing events that repeated the status shown. */
  refreshes: number;
  /** Requests that carried something for this dialog. */
  requests: number;
  /** A short reason, for `failed`. */
  note?: string;
}

/**
 * The portal budget line.
 *
 * @example
 * ```ts
 * const budget = (): BudgetRow => ({ requests: meter.requests, kinds: meter.kinds, level: meter.bucketLevel(Date.now()), ...meter.budget });
 * const view = new LiveView(process.stdout, initialRows(SCENE), budget);
 * ```
 */
export interface BudgetRow {
  requests: number;
  kinds: Readonly<Record<RequestKind, number>>;
  level: number;
  bucketSize: number;
  drainPerSecond: number;
}

/**
 * The terminal the view writes to: `process.stdout` or a test double.
 *
 * @example
 * ```ts
 * const lines: string[] = [];
 * const out: ViewOutput = { write: (text) => lines.push(text) }; // not a TTY: plain appended lines
 * const view = new LiveView(out, initialRows(SCENE), budget);
 * ```
 */
export interface ViewOutput {
  write(text: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

const SPINNER = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];
const FRAME_MS = 100;
// Used when a terminal reports no usable width (0): only for cutting lines, never for redraw.
const FALLBACK_COLUMNS = 120;

/**
 * One dialog's line: while the bot works, a spinner, the status text recipients read, how
 * long the line has been up, refreshes and requests. `frame` picks the spinner glyph;
 * `undefined` draws a plain bullet (for logs). `nameWidth` pads the name into a column.
 *
 * @example
 * ```ts
 * renderRow({ id: "chat1", name: "General (chat1)", phase: "thinking", status: "Agent is thinking…",
 *   since: 0, statuses: 1, refreshes: 1, requests: 2 }, 3200, { frame: 0 });
 * // "General (chat1) ⠋ Agent is thinking… · up 3.2 s · 1 refresh · 2 requests"
 * ```
 */
export function renderRow(
  row: DialogRow,
  now: number,
  o: { frame?: number; nameWidth?: number } = {},
): string {
  const head = row.name.padEnd(o.nameWidth ?? 0);
  const refreshes = count(row.refreshes, "refresh", "refreshes");
  const requests = count(row.requests, "request");
  switch (row.phase) {
    case "waiting":
      return `${head} · waiting for a question`;
    case "asked":
      return `${head} ? asked · the bot has not picked it up yet`;
    case "thinking": {
      const glyph = o.frame === undefined ? "•" : SPINNER[o.frame % SPINNER.length];
      const shown =
        row.status === undefined
          ? "picked up the question"
          : `${row.status} · up ${seconds(now - (row.since ?? now))}`;
      return `${head} ${glyph} ${shown} · ${refreshes} · ${requests}`;
    }
    case "answered": {
      const statuses = count(row.statuses, "status", "statuses");
      return `${head} ✓ answered after ${seconds(row.tookMs ?? 0)} · ${statuses}, ${refreshes} · ${requests}`;
    }
    case "failed":
      return `${head} ✗ ${row.note ?? "failed"} · ${refreshes} · ${requests}`;
  }
}

/**
 * The portal budget line: requests spent, by what they were for, and the estimated fill of
 * the portal's bucket.
 *
 * @example
 * ```ts
 * renderBudget({ requests: 9, kinds: { poll: 6, typing: 2, message: 1, other: 0 }, level: 2.4, bucketSize: 50, drainPerSecond: 2 });
 * // "budget  9 requests (6 polls, 2 typing, 1 message, 0 other) · portal bucket ≈2.4 of 50, drains 2/s"
 * ```
 */
export function renderBudget(budget: BudgetRow): string {
  const { poll, typing, message, other } = budget.kinds;
  const kinds = `${count(poll, "poll")}, ${typing} typing, ${count(message, "message")}, ${other} other`;
  const level = budget.level.toFixed(1);
  return `budget  ${count(budget.requests, "request")} (${kinds}) · portal bucket ≈${level} of ${budget.bucketSize}, drains ${budget.drainPerSecond}/s`;
}

/**
 * The scene's terminal: a block of live lines, one per dialog plus the budget, under a log
 * of what happened. On a terminal that reports its width the block is redrawn in place
 * (ANSI) ten times a second; anywhere else (CI, a pipe, a child process, a terminal that
 * reports a width of 0) each announced change is appended as a plain line, so the output
 * reads as a log.
 *
 * @example
 * ```ts
 * const view = new LiveView(process.stdout, rows, () => budgetRow);
 * view.start();
 * view.log("Boris Petrov asks in General (chat1): …");
 * view.update("chat1", { phase: "thinking", status: "Agent is thinking…", since: Date.now() });
 * view.stop();
 * ```
 */
export class LiveView {
  readonly #rows = new Map<string, DialogRow>();
  readonly #inPlace: boolean;
  readonly #nameWidth: number;
  readonly #startedAt: number;
  #drawn = 0;
  #frame = 0;
  #running = false;
  #timer: ReturnType<typeof setInterval> | undefined;

  constructor(
    readonly out: ViewOutput,
    rows: readonly DialogRow[],
    readonly budget: () => BudgetRow,
    readonly now: () => number = Date.now,
  ) {
    for (const row of rows) this.#rows.set(row.id, { ...row });
    this.#nameWidth = Math.max(0, ...rows.map((row) => row.name.length));
    // Redrawing in place moves the cursor up by the lines drawn: it needs lines that never
    // wrap, so a known width.
    this.#inPlace = out.isTTY === true && usableWidth(out.columns) !== undefined;
    this.#startedAt = now();
  }

  /** Draws the block and, when redrawing in place, starts the spinner. */
  start(): void {
    this.#running = true;
    if (!this.#inPlace) return;
    this.out.write(`\x1b[?25l${this.#block()}`);
    this.#timer = setInterval(() => {
      this.#frame++;
      this.#redraw();
    }, FRAME_MS);
  }

  /** Writes a line above the live block (or appends it). */
  log(line: string): void {
    const stamped = `${stamp(this.now() - this.#startedAt)} ${line}`;
    if (!this.#inPlace || !this.#running) {
      this.out.write(`${stamped}\n`);
      return;
    }
    // A log line may wrap: only the block below it is counted and redrawn.
    this.out.write(`${this.#erase()}${stamped}\n${this.#block()}`);
  }

  /** Changes a dialog's line; appended as a log line (off a TTY) when `announce` is set. */
  update(id: string, patch: Partial<DialogRow>, announce = true): void {
    const row = this.#rows.get(id);
    if (row === undefined) return;
    Object.assign(row, patch);
    if (!this.#inPlace) {
      if (announce) this.log(renderRow(row, this.now()));
    } else if (this.#running) this.#redraw();
  }

  /** A copy of a dialog's line. */
  row(id: string): DialogRow | undefined {
    const row = this.#rows.get(id);
    return row === undefined ? undefined : { ...row };
  }

  /**
   * Stops the spinner and leaves the final block on screen (or appends the budget line).
   * Later changes are kept but no longer drawn; later log lines are appended plainly.
   */
  stop(): void {
    if (!this.#running) return;
    this.#running = false;
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
    if (this.#inPlace) {
      this.out.write(`${this.#erase()}${this.#block()}\x1b[?25h`);
      this.#drawn = 0;
    } else {
      this.log(renderBudget(this.budget()));
    }
  }

  #lines(): string[] {
    const now = this.now();
    const o = { frame: this.#frame, nameWidth: this.#nameWidth };
    const rows = [...this.#rows.values()].map((row) => `  ${renderRow(row, now, o)}`);
    return [...rows, `  ${renderBudget(this.budget())}`];
  }

  #block(): string {
    const lines = this.#lines().map((line) => this.#fit(line));
    this.#drawn = lines.length;
    return `${lines.join("\n")}\n`;
  }

  #erase(): string {
    const moves = this.#drawn > 0 ? `\x1b[${this.#drawn}F\x1b[J` : "";
    this.#drawn = 0;
    return moves;
  }

  #redraw(): void {
    this.out.write(`${this.#erase()}${this.#block()}`);
  }

  // A line longer than the terminal wraps, and the cursor-up count would be wrong.
  #fit(line: string): string {
    return shorten(line, (usableWidth(this.out.columns) ?? FALLBACK_COLUMNS) - 1);
  }
}

// Some terminals (and terminal emulators inside editors) report 0 columns: that is no width.
function usableWidth(columns: number | undefined): number | undefined {
  return columns !== undefined && Number.isInteger(columns) && columns > 0 ? columns : undefined;
}

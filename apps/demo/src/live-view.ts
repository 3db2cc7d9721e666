import { seconds, stamp } from "./format.js";

/** Where a dialog of the scene is. */
export type DialogPhase = "waiting" | "asked" | "typing" | "answered" | "failed";

/** One dialog's live line. */
export interface DialogRow {
  id: string;
  title: string;
  phase: DialogPhase;
  /** When the current typing began (ms since the epoch). */
  typingSince?: number;
  /** How long the last typing lasted, once answered. */
  typingMs?: number;
  /** Refreshes sent in the current (or last) typing. */
  refreshes: number;
  /** Requests that carried something for this dialog. */
  requests: number;
  /** A short reason, for `failed`. */
  note?: string;
}

/** The portal budget line. */
export interface BudgetRow {
  requests: number;
  level: number;
  bucketSize: number;
  drainPerSecond: number;
}

/** The terminal the view writes to: `process.stdout` or a test double. */
export interface ViewOutput {
  write(text: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

const SPINNER = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];
const FRAME_MS = 100;
const ID_WIDTH = 6;
const TITLE_WIDTH = 16;

/**
 * One dialog's line: a spinner while typing, elapsed time, refreshes and requests spent.
 * `frame` picks the spinner glyph; `undefined` draws a plain ellipsis (for logs).
 *
 * @example
 * ```ts
 * renderRow({ id: "chat1", title: "General", phase: "typing", typingSince: 0, refreshes: 1, requests: 2 }, 3200, 0);
 * // "chat1  General          ⠋ typing  3.2 s · refreshes 1 · requests 2"
 * ```
 */
export function renderRow(row: DialogRow, now: number, frame?: number): string {
  const head = `${row.id.padEnd(ID_WIDTH)} ${row.title.padEnd(TITLE_WIDTH)}`;
  const counts = `refreshes ${row.refreshes} · requests ${row.requests}`;
  switch (row.phase) {
    case "waiting":
      return `${head} · waiting for a question`;
    case "asked":
      return `${head} ? reading the question · requests ${row.requests}`;
    case "typing": {
      const glyph = frame === undefined ? "…" : SPINNER[frame % SPINNER.length];
      return `${head} ${glyph} typing ${seconds(now - (row.typingSince ?? now))} · ${counts}`;
    }
    case "answered":
      return `${head} ✓ answered after ${seconds(row.typingMs ?? 0)} of typing · ${counts}`;
    case "failed":
      return `${head} ✗ ${row.note ?? "failed"} · ${counts}`;
  }
}

/**
 * The portal budget line: requests spent and the estimated fill of the portal's bucket.
 *
 * @example
 * ```ts
 * renderBudget({ requests: 9, level: 2.4, bucketSize: 50, drainPerSecond: 2 });
 * // "budget  9 requests spent · portal bucket ≈2.4 of 50 (drains 2/s)"
 * ```
 */
export function renderBudget(budget: BudgetRow): string {
  const level = budget.level.toFixed(1);
  return `budget  ${budget.requests} requests spent · portal bucket ≈${level} of ${budget.bucketSize} (drains ${budget.drainPerSecond}/s)`;
}

/**
 * The scene's terminal: a block of live lines, one per dialog plus the budget, under a log
 * of what happened. On a TTY the block is redrawn in place (ANSI) ten times a second; on
 * anything else (CI, a pipe, a child process) each change is appended as a plain line, so
 * the output reads as a log.
 *
 * @example
 * ```ts
 * const view = new LiveView(process.stdout, rows, () => budgetRow);
 * view.start();
 * view.log("Boris asks in chat1: …");
 * view.update("chat1", { phase: "typing", typingSince: Date.now() });
 * view.stop();
 * ```
 */
export class LiveView {
  readonly #rows = new Map<string, DialogRow>();
  readonly #tty: boolean;
  readonly #startedAt: number;
  #drawn = 0;
  #frame = 0;
  #timer: ReturnType<typeof setInterval> | undefined;

  constructor(
    readonly out: ViewOutput,
    rows: readonly DialogRow[],
    readonly budget: () => BudgetRow,
    readonly now: () => number = Date.now,
  ) {
    for (const row of rows) this.#rows.set(row.id, { ...row });
    this.#tty = out.isTTY === true;
    this.#startedAt = now();
  }

  /** Draws the block and, on a TTY, starts the spinner. */
  start(): void {
    if (!this.#tty) return;
    this.out.write(`\x1b[?25l${this.#block()}`);
    this.#timer = setInterval(() => {
      this.#frame++;
      this.#redraw();
    }, FRAME_MS);
  }

  /** Writes a line above the live block (or appends it). */
  log(line: string): void {
    const stamped = `${stamp(this.now() - this.#startedAt)} ${line}`;
    if (!this.#tty) {
      this.out.write(`${stamped}\n`);
      return;
    }
    // A log line may wrap: only the block below it is counted and redrawn.
    this.out.write(`${this.#erase()}${stamped}\n${this.#block()}`);
  }

  /** Changes a dialog's line; off a TTY the new line is appended when `announce` is set. */
  update(id: string, patch: Partial<DialogRow>, announce = true): void {
    const row = this.#rows.get(id);
    if (row === undefined) return;
    Object.assign(row, patch);
    if (this.#tty) this.#redraw();
    else if (announce) this.log(renderRow(row, this.now()));
  }

  /** A copy of a dialog's line. */
  row(id: string): DialogRow | undefined {
    const row = this.#rows.get(id);
    return row === undefined ? undefined : { ...row };
  }

  /** Stops the spinner and leaves the final block on screen (or appends the budget line). */
  stop(): void {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
    if (this.#tty) {
      this.out.write(`${this.#erase()}${this.#block()}\x1b[?25h`);
      this.#drawn = 0;
    } else {
      this.log(renderBudget(this.budget()));
    }
  }

  #lines(): string[] {
    const now = this.now();
    const rows = [...this.#rows.values()].map((row) => `  ${renderRow(row, now, this.#frame)}`);
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
    const width = (this.out.columns ?? 120) - 1;
    return line.length > width ? `${line.slice(0, Math.max(0, width - 1))}…` : line;
  }
}

import { round, type Summary } from "./stats.js";

/**
 * A number as the report shows it: rounded to three significant digits, with thousands
 * separators.
 *
 * @example
 * ```ts
 * num(3249.7); // "3,250"
 * ```
 */
export function num(value: number): string {
  return round(value).toLocaleString("en-US");
}

/**
 * A Markdown table.
 *
 * @example
 * ```ts
 * table(["figure", "value"], [["dialogs", "3,250"]]);
 * ```
 */
export function table(header: string[], rows: string[][]): string {
  const line = (cells: string[]) => `| ${cells.join(" | ")} |`;
  return [line(header), line(header.map(() => "---")), ...rows.map(line)].join("\n");
}

/**
 * A summary as the report shows it: the median, and the range of the runs when there were
 * several.
 *
 * @example
 * ```ts
 * spread({ median: 412_000, min: 243_000, max: 435_000, runs: 3 }, "/s"); // "412,000/s (243,000–435,000)"
 * ```
 */
export function spread(summary: Summary, unit = ""): string {
  if (summary.runs <= 1) return `${num(summary.median)}${unit}`;
  return `${num(summary.median)}${unit} (${num(summary.min)}–${num(summary.max)})`;
}

/**
 * Counts by name as the report shows them, or "none".
 *
 * @example
 * ```ts
 * counts({ reset: 3, hang: 1 }); // "reset 3, hang 1"
 * ```
 */
export function counts(byName: Record<string, number>): string {
  return (
    Object.entries(byName)
      .map(([name, n]) => `${name} ${num(n)}`)
      .join(", ") || "none"
  );
}

/**
 * Milliseconds as the report shows them, in seconds.
 *
 * @example
 * ```ts
 * seconds(35_000); // "35 s"
 * ```
 */
export function seconds(ms: number): string {
  return `${num(ms / 1000)} s`;
}

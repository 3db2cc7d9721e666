import { round } from "./stats.js";

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

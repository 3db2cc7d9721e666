import type { Target } from "./results.js";

/**
 * One line of the report's targets table: a figure, its measured median and its target, each
 * as the report shows it. The row carries its own display, so the table and the list of misses
 * need not guess a figure's unit from its name.
 *
 * @example
 * ```ts
 * const row: TargetRow = {
 *   name: "heap per open lease at 10,000 leases",
 *   value: "412 B",
 *   target: memory.target,
 *   shown: "<= 512 B",
 * };
 * ```
 */
export interface TargetRow {
  name: string;
  /** The measured median, as shown: "5.2 KB", "1.02×". */
  value: string;
  target: Target;
  /** The target, as shown: "<= 6 KB", ">= 0.85×". */
  shown: string;
  /**
   * The measured median, when a miss reads best as how far short of (or over) the target it
   * is, in %; without it a miss reads "`value` against `shown`".
   */
  measured?: number;
}

/**
 * Seconds with one decimal, for people: `"3.2 s"`.
 *
 * @example
 * ```ts
 * seconds(3240); // "3.2 s"
 * ```
 */
export function seconds(ms: number): string {
  return `${(Math.max(0, ms) / 1000).toFixed(1)} s`;
}

/**
 * A count with its noun in the right number.
 *
 * @example
 * ```ts
 * count(1, "refresh", "refreshes"); // "1 refresh"
 * count(3, "request"); // "3 requests"
 * ```
 */
export function count(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/**
 * The time stamp in front of a log line: seconds since the start, right-aligned.
 *
 * @example
 * ```ts
 * stamp(3240); // "[  3.2 s]"
 * ```
 */
export function stamp(ms: number): string {
  return `[${seconds(ms).padStart(7)}]`;
}

/**
 * Cuts a text to `max` characters, ending in "…" when cut.
 *
 * @example
 * ```ts
 * shorten("abcdef", 4); // "abc…"
 * ```
 */
export function shorten(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, Math.max(0, max - 1))}…` : text;
}

/**
 * How long recipients see "… is typing" after the last event: about 35 s on Bitrix24 (a v2
 * bot's line lasts the `duration` it asked for, which outlasts its refresh by as much).
 *
 * @example
 * ```ts
 * const lapsed = now - lastEventAt >= INDICATOR_LIFE_MS;
 * ```
 */
export const INDICATOR_LIFE_MS = 35_000;

// An event should land at least this long before the indicator would lapse: network delay,
// the portal's clock, a slow answer.
const LIFE_MARGIN_MS = 5_000;
const MIN_SEND_TIMEOUT_MS = 1_000;
const MAX_SEND_TIMEOUT_MS = 10_000;

/**
 * The default `sendTimeoutMs` for a refresh interval: what is left of the indicator's life
 * after the refresh and a 5 s margin, between 1 s and 10 s. With the default 20 s refresh,
 * 10 s: a refresh that is late by a whole send still lands 5 s before the indicator lapses.
 *
 * @example
 * ```ts
 * defaultSendTimeoutMs(20_000); // 10000
 * defaultSendTimeoutMs(25_000); // 5000
 * defaultSendTimeoutMs(500);    // 10000
 * ```
 */
export function defaultSendTimeoutMs(refreshMs: number): number {
  const left = INDICATOR_LIFE_MS - LIFE_MARGIN_MS - refreshMs;
  return Math.min(MAX_SEND_TIMEOUT_MS, Math.max(MIN_SEND_TIMEOUT_MS, left));
}

/**
 * The `time` object of every REST answer.
 *
 * @example
 * ```ts
 * const answer = await fetch(`${emulator.webhookUrl()}server.time`, { method: "POST" });
 * const { time } = (await answer.json()) as { time: TimeEnvelope };
 * time.operating; // server seconds this method used in the last ten minutes
 * ```
 */
export interface TimeEnvelope {
  start: number;
  finish: number;
  duration: number;
  processing: number;
  date_start: string;
  date_finish: string;
  operating: number;
  operating_reset_at: number;
}

/**
 * Formats a moment the way the portal does: ISO 8601 with a `+00:00` offset.
 *
 * @example
 * ```ts
 * portalDate(0); // "1970-01-01T00:00:00+00:00"
 * ```
 */
export function portalDate(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 19)}+00:00`;
}

// Sub-microsecond digits are float noise a reader should not have to squint at.
function micro(seconds: number): number {
  return Math.round(seconds * 1e6) / 1e6;
}

/**
 * Builds the `time` object for an answer that started at `startMs` and finished at `finishMs`.
 *
 * @example
 * ```ts
 * restTime(Date.now() - 5, Date.now(), 0.004, 0.1, 1767225600);
 * ```
 */
export function restTime(
  startMs: number,
  finishMs: number,
  processingSeconds: number,
  operatingSeconds: number,
  operatingResetAt: number,
): TimeEnvelope {
  return {
    start: startMs / 1000,
    finish: finishMs / 1000,
    duration: (finishMs - startMs) / 1000,
    processing: micro(processingSeconds),
    date_start: portalDate(startMs),
    date_finish: portalDate(finishMs),
    operating: micro(operatingSeconds),
    operating_reset_at: Math.floor(operatingResetAt),
  };
}

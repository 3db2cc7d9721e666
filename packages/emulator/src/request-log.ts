/** One request as the emulator saw it; the webhook code is never recorded. */
export interface RequestLogEntry {
  /** When the request arrived (ms since the epoch, from the emulator's clock). */
  at: number;
  httpMethod: string;
  /** The path without its query, the webhook code replaced by `[REDACTED]`. */
  path: string;
  /** The REST method, `"batch"`, `"oauth.token"`, or `""` for other pages. */
  method: string;
  /** The HTTP status answered; 0 when the socket was reset or the request hung. */
  status: number;
  /** The error code answered, if any. */
  error?: string;
  /** The number of commands of a batch. */
  commands?: number;
}

/**
 * A fixed-size ring buffer of request log entries: the hot path never grows an array.
 *
 * @example
 * ```ts
 * const log = new RequestLog(2);
 * log.push({ at: 0, httpMethod: "POST", path: "/rest/x", method: "server.time", status: 200 });
 * log.entries(); // oldest first
 * ```
 */
export class RequestLog {
  readonly #slots: (RequestLogEntry | undefined)[];
  #next = 0;
  #size = 0;

  constructor(readonly limit: number) {
    this.#slots = new Array(Math.max(0, limit));
  }

  push(entry: RequestLogEntry): void {
    if (this.limit <= 0) return;
    this.#slots[this.#next] = entry;
    this.#next = (this.#next + 1) % this.limit;
    if (this.#size < this.limit) this.#size++;
  }

  /** The entries, oldest first. */
  entries(): RequestLogEntry[] {
    const start = (this.#next - this.#size + this.limit) % Math.max(1, this.limit);
    const out: RequestLogEntry[] = [];
    for (let i = 0; i < this.#size; i++) {
      const entry = this.#slots[(start + i) % this.limit];
      if (entry !== undefined) out.push(entry);
    }
    return out;
  }

  clear(): void {
    this.#slots.fill(undefined);
    this.#next = 0;
    this.#size = 0;
  }
}

/**
 * Hides the webhook code of a `/rest/USER/CODE/METHOD` path.
 *
 * @example
 * ```ts
 * redactPath("/rest/1/secret/im.dialog.writing"); // "/rest/1/[REDACTED]/im.dialog.writing"
 * ```
 */
export function redactPath(pathname: string): string {
  return pathname.replace(/^\/rest\/(\d+)\/[^/]+\//, "/rest/$1/[REDACTED]/");
}

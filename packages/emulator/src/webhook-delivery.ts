import { type ClientRequest, request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";

/**
 * The outcome of one webhook POST, as `emulator.deliveries` lists it.
 *
 * @example
 * ```ts
 * emulator.deliveries.at(-1); // { at, botId: 100, event: "ONIMBOTV2MESSAGEADD", url, status: 200, durationMs: 3 }
 * ```
 */
export interface WebhookDelivery {
  /** When the POST started (emulator clock, ms since the epoch). */
  at: number;
  botId: number;
  /** The event type, e.g. `ONIMBOTV2MESSAGEADD`. */
  event: string;
  /** The handler's URL without its query (which may hold a secret). */
  url: string;
  /** The handler's HTTP status, when it answered. */
  status?: number;
  /** Why there is no status: `"timeout"`, `"ECONNREFUSED"`, `"queue full"`, `"closed"`, … */
  error?: string;
  /** How long the POST took (real time). */
  durationMs: number;
}

interface Job {
  url: string;
  event: string;
  body: string;
}

/**
 * Deliveries a bot may have waiting; past it new ones are dropped (and recorded so).
 *
 * @example
 * ```ts
 * if (queue.length >= MAX_PENDING_DELIVERIES) record("queue full");
 * ```
 */
const MAX_PENDING_DELIVERIES = 1_000;
const RECORD_LIMIT = 1_000;

function shownUrl(url: string): string {
  const question = url.indexOf("?");
  return question < 0 ? url : url.slice(0, question);
}

/**
 * Posts webhook-mode bots' events, as the platform does: one form-encoded POST per event and
 * bot, no retry, no redirect followed. Each bot's events go out one after another, in order;
 * different bots' in parallel. A POST never outlives `timeoutMs` (answer included), a refused
 * or reset connection is just an outcome, and nothing here can throw into the emulator or keep
 * the process alive after `close()`.
 *
 * @example
 * ```ts
 * const sender = new WebhookSender({ now: Date.now, timeoutMs: 10_000 });
 * sender.send(100, "http://127.0.0.1:8080/bot", "ONIMBOTV2MESSAGEADD", "event=…");
 * await sender.settled();
 * sender.records(); // [{ botId: 100, event: "ONIMBOTV2MESSAGEADD", status: 200, … }]
 * ```
 */
export class WebhookSender {
  readonly #queues = new Map<number, Job[]>();
  readonly #inFlight = new Set<ClientRequest>();
  readonly #records: WebhookDelivery[] = [];
  #waiters: (() => void)[] = [];
  #closed = false;

  constructor(readonly options: { now: () => number; timeoutMs: number }) {}

  /** Queues one POST of `body` to `url` for bot `botId`. */
  send(botId: number, url: string, event: string, body: string): void {
    if (this.#closed) return;
    let queue = this.#queues.get(botId);
    if (queue !== undefined && queue.length >= MAX_PENDING_DELIVERIES) {
      this.#record({
        at: this.options.now(),
        botId,
        event,
        url: shownUrl(url),
        error: "queue full",
        durationMs: 0,
      });
      return;
    }
    if (queue === undefined) {
      queue = [];
      this.#queues.set(botId, queue);
      queue.push({ url, event, body });
      void this.#drain(botId, queue);
    } else queue.push({ url, event, body });
  }

  /** Every recorded outcome, oldest first (the last 1,000). */
  records(): WebhookDelivery[] {
    return [...this.#records];
  }

  /** Resolves once no POST is queued or under way. */
  settled(): Promise<void> {
    if (this.#queues.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.#waiters.push(resolve));
  }

  clearRecords(): void {
    this.#records.length = 0;
  }

  /** Drops what is queued and aborts what is under way. */
  close(): void {
    this.#closed = true;
    this.#queues.clear();
    for (const req of this.#inFlight) req.destroy(new Error("closed"));
    this.#wake();
  }

  async #drain(botId: number, queue: Job[]): Promise<void> {
    while (!this.#closed && queue.length > 0) {
      const job = queue[0] as Job;
      const at = this.options.now();
      const started = performance.now();
      const outcome = await this.#post(job);
      queue.shift();
      const durationMs = Math.round(performance.now() - started);
      this.#record({ at, botId, event: job.event, url: shownUrl(job.url), ...outcome, durationMs });
    }
    if (this.#queues.get(botId) === queue) this.#queues.delete(botId);
    if (this.#queues.size === 0) this.#wake();
  }

  #post(job: Job): Promise<{ status: number } | { error: string }> {
    return new Promise((resolve) => {
      let settled = false;
      const finish = (outcome: { status: number } | { error: string }): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        this.#inFlight.delete(req);
        resolve(outcome);
      };
      let req: ClientRequest;
      try {
        const url = new URL(job.url);
        const send = url.protocol === "https:" ? httpsRequest : httpRequest;
        req = send(url, {
          method: "POST",
          // A fresh connection per POST, closed after it: nothing lingers between events.
          agent: false,
          headers: {
            "content-type": "application/x-www-form-urlencoded",
            "content-length": Buffer.byteLength(job.body),
            "user-agent": "Bitrix24 Webhook Engine",
          },
        });
      } catch (error) {
        resolve({ error: (error as Error).message });
        return;
      }
      const timer = setTimeout(() => {
        finish({ error: "timeout" });
        req.destroy();
      }, this.options.timeoutMs);
      this.#inFlight.add(req);
      req.on("error", (error: NodeJS.ErrnoException) =>
        finish({ error: error.code ?? error.message }),
      );
      req.on("response", (res) => {
        const status = res.statusCode ?? 0;
        res.on("error", () => finish({ status }));
        res.on("end", () => finish({ status }));
        res.on("close", () => finish({ status }));
        // The answer's body means nothing to the platform: read and forget it.
        res.resume();
      });
      req.end(job.body);
    });
  }

  #record(delivery: WebhookDelivery): void {
    this.#records.push(delivery);
    if (this.#records.length > RECORD_LIMIT) this.#records.shift();
  }

  #wake(): void {
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const wake of waiters) wake();
  }
}

import { type LeakyBucketOptions, RATE_LIMIT_PRESETS } from "@b24im/core";

/** The part of a (redacted) request the meter reads. */
export interface MeteredRequest {
  url: string;
  body?: string;
}

/** What one request carried. */
export interface RequestSummary {
  /** The REST method, `"batch"` for a batch. */
  method: string;
  /** Dialogs that received a typing event, once per event. */
  typingIn: string[];
  /** Every dialog the request touched. */
  dialogs: string[];
}

const TYPING_METHODS = new Set(
  ["im.dialog.writing", "imbot.chat.sendTyping", "imbot.v2.Chat.InputAction.notify"].map((name) =>
    name.toLowerCase(),
  ),
);

/**
 * Counts the requests a client spends, as its `onRequest` hook sees them: in total, per
 * dialog, and the typing events each dialog received (a batch of refreshes is one request
 * carrying several events). It also estimates the portal's bucket the way the portal fills
 * it: +1 per request, draining at the tariff's rate.
 *
 * @example
 * ```ts
 * const meter = new RequestMeter();
 * const client = createClient({ webhook, transport, hooks: { onRequest: (r) => meter.record(r, Date.now()) } });
 * meter.typingEvents("chat1"); // events sent to chat1 so far
 * ```
 */
export class RequestMeter {
  #requests = 0;
  #batches = 0;
  #level = 0;
  #levelAt = 0;
  #peak = 0;
  readonly #typing = new Map<string, number>();
  readonly #perDialog = new Map<string, number>();

  /** `budget`: the portal's bucket; the standard tariff's unless given. */
  constructor(readonly budget: LeakyBucketOptions = RATE_LIMIT_PRESETS.standard) {}

  /** Counts one request sent at `at` (ms) and says what it carried. */
  record(request: MeteredRequest, at: number): RequestSummary {
    const summary = summarizeRequest(request);
    this.#requests++;
    if (summary.method === "batch") this.#batches++;
    this.#level = this.bucketLevel(at) + 1;
    this.#levelAt = at;
    this.#peak = Math.max(this.#peak, this.#level);
    for (const id of summary.typingIn) this.#typing.set(id, this.typingEvents(id) + 1);
    for (const id of new Set(summary.dialogs)) this.#perDialog.set(id, this.requestsFor(id) + 1);
    return summary;
  }

  /** Requests sent so far. */
  get requests(): number {
    return this.#requests;
  }

  /** How many of them were batches. */
  get batches(): number {
    return this.#batches;
  }

  /** The fullest the estimated bucket has been. */
  get peakLevel(): number {
    return this.#peak;
  }

  /** Typing events sent to a dialog so far. */
  typingEvents(dialogId: string): number {
    return this.#typing.get(dialogId) ?? 0;
  }

  /** Requests that carried something for a dialog (a shared batch counts for each). */
  requestsFor(dialogId: string): number {
    return this.#perDialog.get(dialogId) ?? 0;
  }

  /** The estimated fill of the portal's bucket at `now`. */
  bucketLevel(now: number): number {
    const drained = (Math.max(0, now - this.#levelAt) / 1000) * this.budget.drainPerSecond;
    return Math.max(0, this.#level - drained);
  }
}

/**
 * Reads the method and dialog ids of a request built by `@b24im/core`: a JSON body with
 * `DIALOG_ID` (or `dialogId`), or a batch whose `cmd` strings are query strings.
 *
 * @example
 * ```ts
 * summarizeRequest({ url: "https://x/rest/1/[REDACTED]/im.dialog.writing", body: '{"DIALOG_ID":"chat1"}' });
 * // { method: "im.dialog.writing", typingIn: ["chat1"], dialogs: ["chat1"] }
 * ```
 */
export function summarizeRequest(request: MeteredRequest): RequestSummary {
  const method = methodOf(request.url);
  const params = parseBody(request.body);
  if (method.toLowerCase() !== "batch") return summarizeCall(method, params);
  const summary: RequestSummary = { method: "batch", typingIn: [], dialogs: [] };
  const cmd = params.cmd;
  const commands = typeof cmd === "object" && cmd !== null ? Object.values(cmd) : [];
  for (const command of commands) {
    if (typeof command !== "string") continue;
    const [name = "", query = ""] = command.split("?", 2);
    const inner = summarizeCall(name, Object.fromEntries(new URLSearchParams(query)));
    summary.typingIn.push(...inner.typingIn);
    summary.dialogs.push(...inner.dialogs);
  }
  return summary;
}

function summarizeCall(method: string, params: Record<string, unknown>): RequestSummary {
  const dialog = dialogParam(params);
  const dialogs = dialog === undefined ? [] : [dialog];
  const typing = TYPING_METHODS.has(method.toLowerCase());
  return { method, typingIn: typing ? dialogs : [], dialogs };
}

function dialogParam(params: Record<string, unknown>): string | undefined {
  for (const [key, value] of Object.entries(params)) {
    const name = key.toLowerCase();
    if ((name === "dialog_id" || name === "dialogid") && value !== undefined) {
      return String(value).toLowerCase();
    }
  }
  return undefined;
}

function methodOf(url: string): string {
  const path = url.split(/[?#]/, 1)[0] ?? "";
  const last = path.slice(path.lastIndexOf("/") + 1);
  return last.endsWith(".json") ? last.slice(0, -".json".length) : last;
}

function parseBody(body: string | undefined): Record<string, unknown> {
  if (body === undefined || body === "") return {};
  try {
    const value: unknown = JSON.parse(body);
    return typeof value === "object" && value !== null ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

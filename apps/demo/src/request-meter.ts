import { type LeakyBucketOptions, RATE_LIMIT_PRESETS } from "@b24im/core";

/**
 * The part of a (redacted) request the meter reads.
 *
 * @example
 * ```ts
 * const request: MeteredRequest = { url: "https://x/rest/1/[REDACTED]/im.dialog.writing", body: '{"DIALOG_ID":"chat1"}' };
 * meter.record(request, Date.now());
 * ```
 */
export interface MeteredRequest {
  url: string;
  body?: string;
}

/**
 * One typing event a request carried: where, and the bot status it asked for, if any.
 *
 * @example
 * ```ts
 * const sent: TypingSent[] = summarizeRequest(event.request).typing;
 * sent.some((s) => s.dialogId === "chat1"); // the request carried a typing event for chat1
 * ```
 */
export interface TypingSent {
  dialogId: string;
  /** `statusMessageCode` of `imbot.v2.Chat.InputAction.notify`, e.g. `"IMBOT_AGENT_ACTION_THINKING"`. */
  status?: string;
}

/**
 * What one request carried.
 *
 * @example
 * ```ts
 * const summary: RequestSummary = meter.record(event.request, Date.now());
 * summary.dialogs; // ["chat1"]: the dialogs whose counts to update
 * ```
 */
export interface RequestSummary {
  /** The REST method, `"batch"` for a batch. */
  method: string;
  /** What the request was for, for the budget: polling, typing, a message, anything else. */
  kind: RequestKind;
  /** Each typing event, in order. */
  typing: TypingSent[];
  /** Dialogs that received a message (`imbot.v2.Chat.Message.send`, `im.message.add`). */
  messagesIn: string[];
  /** Every dialog the request touched. */
  dialogs: string[];
}

/**
 * What a request was for. A batch is `"typing"` when it carried a typing event.
 *
 * @example
 * ```ts
 * const kind: RequestKind = summarizeRequest(event.request).kind; // "poll", "typing", "message" or "other"
 * meter.kinds[kind]; // requests of that kind so far
 * ```
 */
export type RequestKind = "poll" | "typing" | "message" | "other";

const TYPING_METHODS = new Set(
  ["im.dialog.writing", "imbot.chat.sendTyping", "imbot.v2.Chat.InputAction.notify"].map((name) =>
    name.toLowerCase(),
  ),
);
const MESSAGE_METHODS = new Set(
  ["im.message.add", "imbot.message.add", "imbot.v2.Chat.Message.send"].map((name) =>
    name.toLowerCase(),
  ),
);
const POLL_METHOD = "imbot.v2.event.get";

/**
 * Counts the requests a client spends, as its `onRequest` hook sees them: in total, by kind,
 * per dialog, and the typing events each dialog received — telling a bot's status changes
 * ("thinking" → "searching") from refreshes of the same status (a batch of refreshes is one
 * request carrying several events). It also estimates the portal's bucket the way the portal
 * fills it: +1 per request, draining at the tariff's rate.
 *
 * @example
 * ```ts
 * const meter = new RequestMeter();
 * const client = createClient({ webhook, transport, hooks: { onRequest: (e) => meter.record(e.request, Date.now()) } });
 * meter.refreshes("chat1"); // same-status typing events sent to chat1 so far
 * ```
 */
export class RequestMeter {
  #requests = 0;
  #batches = 0;
  #level = 0;
  #levelAt = 0;
  #peak = 0;
  readonly #kinds: Record<RequestKind, number> = { poll: 0, typing: 0, message: 0, other: 0 };
  readonly #typing = new Map<string, number>();
  readonly #changes = new Map<string, number>();
  readonly #statuses = new Map<string, string[]>();
  // The status of each dialog's last typing event since its last message: the next event with
  // the same status is a refresh. A message ends the line, so the next event starts anew.
  readonly #lastStatus = new Map<string, string>();
  readonly #perDialog = new Map<string, number>();

  /** `budget`: the portal's bucket; the standard tariff's unless given. */
  constructor(readonly budget: LeakyBucketOptions = RATE_LIMIT_PRESETS.standard) {}

  /** Counts one request sent at `at` (ms) and says what it carried. */
  record(request: MeteredRequest, at: number): RequestSummary {
    const summary = summarizeRequest(request);
    this.#requests++;
    if (summary.method === "batch") this.#batches++;
    this.#kinds[summary.kind]++;
    this.#level = this.bucketLevel(at) + 1;
    this.#levelAt = at;
    this.#peak = Math.max(this.#peak, this.#level);
    for (const { dialogId, status = "" } of summary.typing) {
      bump(this.#typing, dialogId);
      if (this.#lastStatus.get(dialogId) !== status) {
        bump(this.#changes, dialogId);
        this.#statuses.set(dialogId, [...this.statusesSent(dialogId), status]);
      }
      this.#lastStatus.set(dialogId, status);
    }
    for (const id of summary.messagesIn) this.#lastStatus.delete(id);
    for (const id of new Set(summary.dialogs)) bump(this.#perDialog, id);
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

  /** Requests by what they were for. */
  get kinds(): Readonly<Record<RequestKind, number>> {
    return { ...this.#kinds };
  }

  /** The fullest the estimated bucket has been. */
  get peakLevel(): number {
    return this.#peak;
  }

  /** Typing events sent to a dialog so far. */
  typingEvents(dialogId: string): number {
    return this.#typing.get(dialogId) ?? 0;
  }

  /** Typing events that showed a new status (the first of a line included). */
  statusChanges(dialogId: string): number {
    return this.#changes.get(dialogId) ?? 0;
  }

  /** Typing events that repeated the status already shown: refreshes. */
  refreshes(dialogId: string): number {
    return this.typingEvents(dialogId) - this.statusChanges(dialogId);
  }

  /** Each status a dialog was shown, in order (`""` for plain typing). */
  statusesSent(dialogId: string): string[] {
    return this.#statuses.get(dialogId) ?? [];
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
 * Reads the method, typing events and dialog ids of a request built by `@b24im/core`: a JSON
 * body with `DIALOG_ID` (or `dialogId`), or a batch whose `cmd` strings are query strings.
 *
 * @example
 * ```ts
 * summarizeRequest({ url: "https://x/rest/1/[REDACTED]/im.dialog.writing", body: '{"DIALOG_ID":"chat1"}' });
 * // { method: "im.dialog.writing", kind: "typing", typing: [{ dialogId: "chat1" }], messagesIn: [], dialogs: ["chat1"] }
 * ```
 */
export function summarizeRequest(request: MeteredRequest): RequestSummary {
  const method = methodOf(request.url);
  const params = parseBody(request.body);
  if (method.toLowerCase() !== "batch") return summarizeCall(method, params);
  const summary: RequestSummary = {
    method: "batch",
    kind: "other",
    typing: [],
    messagesIn: [],
    dialogs: [],
  };
  const cmd = params.cmd;
  const commands = typeof cmd === "object" && cmd !== null ? Object.values(cmd) : [];
  for (const command of commands) {
    if (typeof command !== "string") continue;
    const [name = "", query = ""] = command.split("?", 2);
    const inner = summarizeCall(name, Object.fromEntries(new URLSearchParams(query)));
    summary.typing.push(...inner.typing);
    summary.messagesIn.push(...inner.messagesIn);
    summary.dialogs.push(...inner.dialogs);
    if (summary.kind !== "typing" && inner.kind !== "other") summary.kind = inner.kind;
  }
  return summary;
}

function summarizeCall(method: string, params: Record<string, unknown>): RequestSummary {
  const name = method.toLowerCase();
  const dialog = param(params, "dialog_id", "dialogid");
  const dialogs = dialog === undefined ? [] : [dialog.toLowerCase()];
  const status = param(params, "statusmessagecode");
  const typing = TYPING_METHODS.has(name)
    ? dialogs.map((dialogId) => (status === undefined ? { dialogId } : { dialogId, status }))
    : [];
  const kind: RequestKind = TYPING_METHODS.has(name)
    ? "typing"
    : MESSAGE_METHODS.has(name)
      ? "message"
      : name === POLL_METHOD
        ? "poll"
        : "other";
  return { method, kind, typing, messagesIn: kind === "message" ? dialogs : [], dialogs };
}

function param(params: Record<string, unknown>, ...names: string[]): string | undefined {
  for (const [key, value] of Object.entries(params)) {
    if (names.includes(key.toLowerCase()) && value !== undefined && value !== null) {
      return String(value);
    }
  }
  return undefined;
}

function bump(counts: Map<string, number>, key: string): void {
  counts.set(key, (counts.get(key) ?? 0) + 1);
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

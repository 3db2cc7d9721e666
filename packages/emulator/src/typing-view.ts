import { EventEmitter } from "node:events";
import type { Dialog, PortalModel } from "./portal-model.js";
import { typingText } from "./status-texts.js";

/**
 * A "… is typing" line a recipient currently sees.
 *
 * @example
 * ```ts
 * const chat1 = emulator.state().dialogs.find((dialog) => dialog.id === "chat1");
 * const [line]: TypingLine[] = chat1?.typing ?? [];
 * line?.text; // "Anna Admin is typing…"
 * ```
 */
export interface TypingLine {
  senderId: number;
  senderName: string;
  /** When this line appeared (ms since the epoch). */
  since: number;
  /** When it disappears unless refreshed (ms since the epoch). */
  expiresAt: number;
  /** The bot status of `imbot.v2.Chat.InputAction.notify`, if the last event had one. */
  statusMessageCode?: string;
  /** What the recipient reads: "Agent is thinking…" for a status code, else "<Name> is typing…". */
  text: string;
}

/**
 * A message of a dialog.
 *
 * @example
 * ```ts
 * const chat1 = emulator.state().dialogs.find((dialog) => dialog.id === "chat1");
 * const messages: ViewMessage[] = chat1?.messages ?? [];
 * messages.map((message) => `${message.authorName}: ${message.text}`);
 * ```
 */
export interface ViewMessage {
  id: number;
  authorId: number;
  authorName: string;
  text: string;
  at: number;
  /** Set on a bot's system message (`fields.system` of `imbot.v2.Chat.Message.send`). */
  system?: boolean;
}

/**
 * A dialog as `GET /_emulator/state` shows it.
 *
 * @example
 * ```ts
 * const dialogs: DialogState[] = emulator.state().dialogs;
 * const chat1 = dialogs.find((dialog) => dialog.id === "chat1");
 * chat1?.members.map((member) => member.name);
 * // ["Anna Admin", "Boris Petrov", "Clara Ivanova", "Demo Bot"]
 * ```
 */
export interface DialogState {
  id: string;
  title: string;
  members: { id: number; name: string }[];
  messages: ViewMessage[];
  typing: TypingLine[];
}

/**
 * One event of `GET /_emulator/events`, sent as `data: <json>`.
 *
 * @example
 * ```ts
 * const events = new EventSource(`${emulator.url}/_emulator/events`);
 * events.onmessage = (message) => {
 *   const event: ViewEvent = JSON.parse(message.data);
 *   if (event.type === "typing.expired") console.log(`${event.senderName} lapsed in ${event.dialogId}`);
 * };
 * ```
 */
export type ViewEvent =
  | {
      type: "typing.started" | "typing.refreshed" | "typing.stopped" | "typing.expired";
      dialogId: string;
      senderId: number;
      senderName: string;
      expiresAt: number;
      statusMessageCode?: string;
      text: string;
    }
  | { type: "message.added"; dialogId: string; message: ViewMessage };

/**
 * How one sender kept the indicator alive in one dialog (the dialog id as the sender wrote it).
 *
 * @example
 * ```ts
 * const stat: TypingStat | undefined = emulator.typingStats().find((s) => s.dialogId === "chat1");
 * stat?.lapses; // 0: the indicator never blinked off between refreshes
 * ```
 */
export interface TypingStat {
  dialogId: string;
  senderId: number;
  events: number;
  firstAt: number;
  lastAt: number;
  /** The longest time between two consecutive events. */
  maxGapMs: number;
  /** How often an event came after the previous one had already expired (the line blinked). */
  lapses: number;
}

interface StatRecord extends TypingStat {
  lineExpiresAt: number | undefined;
}

interface LiveLine extends TypingLine {
  stat: StatRecord;
}

interface DialogRecord {
  dialog: Dialog;
  messages: ViewMessage[];
  typing: Map<number, LiveLine>;
}

/**
 * What recipients see: each dialog's messages and who is typing there. Lines expire
 * `ttlMs` after their last event; one timer, armed for the earliest expiry, pushes the
 * `typing.expired` events.
 *
 * @example
 * ```ts
 * const view = new TypingView(portal, Date.now);
 * view.events.on("event", (event) => console.log(event.type));
 * view.typing(portal.dialogFor(1, "chat1"), 1, "chat1", 35_000);
 * ```
 */
export class TypingView {
  /** Emits `"event"` with a {@link ViewEvent}. */
  readonly events = new EventEmitter();
  readonly #records = new Map<string, DialogRecord>();
  readonly #stats = new Map<string, StatRecord>();
  #nextMessageId = 1;
  #timer: NodeJS.Timeout | undefined;
  #timerAt = Number.POSITIVE_INFINITY;

  constructor(
    readonly portal: PortalModel,
    readonly now: () => number,
  ) {
    this.events.setMaxListeners(0);
  }

  /**
   * Records a typing event of `senderId` in `dialog`; the line lives `ttlMs` from now, whatever
   * it had left (a shorter `duration` ends a long line early), and shows this event's status.
   */
  typing(
    dialog: Dialog,
    senderId: number,
    senderView: string,
    ttlMs: number,
    statusMessageCode?: string,
  ): void {
    const now = this.now();
    const expiresAt = now + ttlMs;
    const record = this.#record(dialog);
    const stat = this.#stat(senderView, senderId, now);
    let line = record.typing.get(senderId);
    const started = line === undefined;
    const senderName = this.portal.userName(senderId);
    const text = typingText(senderName, statusMessageCode);
    if (line === undefined) {
      line = { senderId, senderName, since: now, expiresAt, text, stat };
      record.typing.set(senderId, line);
    } else {
      line.expiresAt = expiresAt;
      line.text = text;
      line.stat = stat;
    }
    // Each event says what the line shows now: an event without a code is plain typing again.
    if (statusMessageCode === undefined) delete line.statusMessageCode;
    else line.statusMessageCode = statusMessageCode;
    stat.lineExpiresAt = expiresAt;
    this.#arm(expiresAt);
    if (this.events.listenerCount("event") > 0) {
      const type = started ? "typing.started" : "typing.refreshed";
      this.#emitLine(type, dialog.id, line);
    }
  }

  /** Adds a message and clears its author's typing line in that dialog at once. */
  addMessage(dialog: Dialog, authorId: number, text: string, system = false): ViewMessage {
    const record = this.#record(dialog);
    const line = record.typing.get(authorId);
    if (line !== undefined) {
      record.typing.delete(authorId);
      // A message ends the line on purpose: the next event is a new line, not a blink.
      line.stat.lineExpiresAt = undefined;
      this.#emitLine("typing.stopped", dialog.id, line);
    }
    const message: ViewMessage = {
      id: this.#nextMessageId++,
      authorId,
      authorName: this.portal.userName(authorId),
      text,
      at: this.now(),
      ...(system ? { system: true } : {}),
    };
    record.messages.push(message);
    this.events.emit("event", { type: "message.added", dialogId: dialog.id, message });
    return message;
  }

  /** Every seeded chat plus each private dialog that has seen activity. */
  dialogs(): DialogState[] {
    const now = this.now();
    const seen = new Set<string>();
    const out: DialogState[] = [];
    const add = (dialog: Dialog): void => {
      if (seen.has(dialog.id)) return;
      seen.add(dialog.id);
      const record = this.#records.get(dialog.id);
      out.push({
        id: dialog.id,
        title: dialog.title,
        members: [...dialog.members].map((id) => ({ id, name: this.portal.userName(id) })),
        messages: record ? [...record.messages] : [],
        typing: record
          ? [...record.typing.values()]
              .filter((line) => line.expiresAt > now)
              .map(({ stat: _stat, ...line }) => line)
          : [],
      });
    };
    for (const dialog of this.portal.chats.values()) add(dialog);
    for (const record of this.#records.values()) add(record.dialog);
    return out;
  }

  /** Per (dialog, sender) statistics of typing events. */
  stats(): TypingStat[] {
    return [...this.#stats.values()].map(({ lineExpiresAt: _expiry, ...stat }) => stat);
  }

  /** Forgets messages, typing lines and statistics. */
  reset(): void {
    this.#records.clear();
    this.#stats.clear();
    this.#disarm();
  }

  /** Stops the expiry timer. */
  close(): void {
    this.#disarm();
  }

  #record(dialog: Dialog): DialogRecord {
    let record = this.#records.get(dialog.id);
    if (record === undefined) {
      record = { dialog, messages: [], typing: new Map() };
      this.#records.set(dialog.id, record);
    }
    return record;
  }

  #stat(senderView: string, senderId: number, now: number): StatRecord {
    const key = `${senderView}\n${senderId}`;
    const stat = this.#stats.get(key);
    if (stat === undefined) {
      const created: StatRecord = {
        dialogId: senderView,
        senderId,
        events: 1,
        firstAt: now,
        lastAt: now,
        maxGapMs: 0,
        lapses: 0,
        lineExpiresAt: undefined,
      };
      this.#stats.set(key, created);
      return created;
    }
    stat.events++;
    if (now - stat.lastAt > stat.maxGapMs) stat.maxGapMs = now - stat.lastAt;
    if (stat.lineExpiresAt !== undefined && now >= stat.lineExpiresAt) stat.lapses++;
    stat.lastAt = now;
    return stat;
  }

  #emitLine(type: Extract<ViewEvent, { senderId: number }>["type"], id: string, line: LiveLine) {
    const { senderId, senderName, expiresAt, statusMessageCode, text } = line;
    const event: ViewEvent = { type, dialogId: id, senderId, senderName, expiresAt, text };
    if (statusMessageCode !== undefined) event.statusMessageCode = statusMessageCode;
    this.events.emit("event", event);
  }

  #arm(at: number): void {
    if (this.#timer !== undefined && this.#timerAt <= at) return;
    this.#disarm();
    this.#timerAt = at;
    this.#timer = setTimeout(() => this.#expire(), Math.max(0, at - this.now()));
    this.#timer.unref();
  }

  #disarm(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#timerAt = Number.POSITIVE_INFINITY;
  }

  #expire(): void {
    this.#disarm();
    const now = this.now();
    let next = Number.POSITIVE_INFINITY;
    for (const record of this.#records.values()) {
      for (const [senderId, line] of record.typing) {
        if (line.expiresAt <= now) {
          record.typing.delete(senderId);
          this.#emitLine("typing.expired", record.dialog.id, line);
        } else if (line.expiresAt < next) next = line.expiresAt;
      }
    }
    if (next !== Number.POSITIVE_INFINITY) this.#arm(next);
  }
}

import type { HttpResponse } from "@b24im/core";
import { createClient } from "@b24im/core";
import {
  createFakeClock,
  createFakeTransport,
  type FakeClock,
  type FakeExchange,
  type FakeTransport,
  jsonResponse,
} from "@b24im/core/testing";
import { createBot } from "./bot.js";
import type { BotOptions } from "./bot-options.js";
import type { BotEvent } from "./events/types.js";

export const BOT_ID = 456;
export const BOT_TOKEN = "pl4nted-b0t-t0ken";
export const WEBHOOK_CODE = "pl4ntedW3bh00kC0de";

/** What the fake portal saw the bot do. */
export interface Seen {
  polls: Array<{ at: number; offset: number | undefined; limit: number }>;
  messages: Array<{ at: number; dialogId: string; text: string }>;
  notifies: Array<{ at: number; dialogId: string; code: string | undefined; duration: number }>;
}

/**
 * The bot platform's queue and methods over core's fake transport, on a fake clock:
 * `imbot.v2.Event.get` with its offset semantics, `Chat.Message.send`,
 * `Chat.InputAction.notify` (plain and inside `batch`).
 */
export function fakePlatform(
  o: { fail?: (exchange: FakeExchange) => HttpResponse | Error | undefined } = {},
) {
  const clock: FakeClock = createFakeClock({ now: 1_700_000_000_000 });
  const transport: FakeTransport = createFakeTransport({ clock });
  const queue: BotEvent[] = [];
  let nextEventId = 1000;
  let nextMessageId = 1;
  let acknowledged = 0;
  const seen: Seen = { polls: [], messages: [], notifies: [] };

  const run = (method: string, params: Record<string, unknown>): unknown => {
    const at = clock.now();
    if (method === "imbot.v2.Event.get") {
      const offset = typeof params.offset === "number" ? params.offset : undefined;
      const limit = typeof params.limit === "number" ? params.limit : 100;
      seen.polls.push({ at, offset, limit });
      if (offset !== undefined) acknowledged = Math.max(acknowledged, offset);
      const open = queue.filter((event) => (event.eventId as number) >= acknowledged);
      const events = open.slice(0, limit);
      const last = events.at(-1)?.eventId;
      return {
        events,
        nextOffset: last === undefined ? (offset ?? 0) : last + 1,
        hasMore: open.length > events.length,
      };
    }
    if (method === "imbot.v2.Chat.Message.send") {
      const fields = params.fields as { message: string };
      seen.messages.push({ at, dialogId: String(params.dialogId), text: fields.message });
      return { id: nextMessageId++, uuidMap: [] };
    }
    if (method === "imbot.v2.Chat.InputAction.notify") {
      seen.notifies.push({
        at,
        dialogId: String(params.dialogId),
        code: params.statusMessageCode as string | undefined,
        duration: Number(params.duration),
      });
      return { result: true };
    }
    return true;
  };

  transport.setDefault((exchange) => {
    const failure = o.fail?.(exchange);
    if (failure) return failure;
    const method = exchange.request.url.split("/").pop() as string;
    const body = exchange.body ?? {};
    if (method !== "batch") return jsonResponse({ result: run(method, body) });
    const results: Record<string, unknown> = {};
    for (const [key, command] of Object.entries(body.cmd as Record<string, string>)) {
      const [name, query] = command.split("?") as [string, string];
      const params = Object.fromEntries(new URLSearchParams(query));
      results[key] = run(name, {
        ...params,
        duration: Number(params.duration),
      });
    }
    return jsonResponse({ result: { result: results, result_error: [] } });
  });

  const client = createClient({
    webhook: `https://x.bitrix24.ru/rest/1/${WEBHOOK_CODE}/`,
    transport,
    clock,
    rateLimit: false,
    retry: { attempts: 2, random: () => 0.5 },
  });

  return {
    clock,
    transport,
    client,
    seen,
    /** Puts a person's message in the queue and returns its event. */
    say(dialogId: string, text: string, from = 1): BotEvent {
      const id = nextEventId++;
      const event: BotEvent = {
        eventId: id,
        type: "ONIMBOTV2MESSAGEADD",
        date: new Date(clock.now()).toISOString(),
        data: messageData(dialogId, text, from, id),
      };
      queue.push(event);
      return event;
    },
    push(event: Omit<BotEvent, "eventId">): BotEvent {
      const full = { ...event, eventId: nextEventId++ };
      queue.push(full);
      return full;
    },
    get acknowledged() {
      return acknowledged;
    },
    bot(options: Partial<BotOptions> = {}) {
      return createBot({
        client,
        botId: BOT_ID,
        botToken: BOT_TOKEN,
        clock,
        idlePauseMs: 10_000,
        onError: () => {},
        ...options,
      });
    },
  };
}

/** The `data` of an `ONIMBOTV2MESSAGEADD` as FETCH mode sends it. */
export function messageData(dialogId: string, text: string, from = 1, id = 789) {
  const chatId = dialogId.startsWith("chat") ? Number(dialogId.slice(4)) : 40 + from;
  return {
    bot: { id: BOT_ID, code: "helper", type: "bot", eventMode: "fetch" },
    message: {
      id,
      chatId,
      authorId: from,
      date: "2025-01-15T10:30:00+03:00",
      text,
      isSystem: false,
      uuid: "",
      forward: null,
      params: {},
      viewedByOthers: false,
    },
    chat: {
      id: chatId,
      dialogId,
      type: dialogId.startsWith("chat") ? "chat" : "private",
      name: "Support",
    },
    user: { id: from, name: `User ${from}`, bot: false, active: true, departments: [1] },
    language: "en",
  };
}

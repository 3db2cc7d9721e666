import { performance } from "node:perf_hooks";
import { type BotEvent, createBot } from "@b24im/bot";
import { createClient } from "@b24im/core";
import { createFakeTransport } from "@b24im/core/testing";
import type { BotEventsResult } from "../results.js";
import { type Summary, summarize } from "../stats.js";

const APPLICATION_TOKEN = "bench0application0token0123456789";

// A typical ONIMBOTV2MESSAGEADD as the platform posts it: every scalar a string, PHP keys.
const FETCH_MODE_DATA = {
  bot: { id: 456, code: "helper", auth: { access_token: "x".repeat(50), expires_in: "3600" } },
  message: {
    id: 789,
    chatId: 5,
    authorId: 1,
    date: "2025-01-15T10:30:00+03:00",
    text: "Hello bot! What is the status of the release?",
    isSystem: false,
    uuid: "",
    forward: null,
    viewedByOthers: false,
  },
  chat: { id: 5, dialogId: "chat5", type: "chat", name: "Support", entityType: "", owner: 1 },
  user: {
    id: 1,
    active: true,
    name: "John Smith",
    firstName: "John",
    lastName: "Smith",
    bot: false,
    idle: false as const,
    departments: [1, 5],
    type: "employee",
  },
  language: "en",
};

function formOf(value: unknown, key: string, pairs: string[]): void {
  if (value !== null && typeof value === "object") {
    for (const [name, child] of Object.entries(value)) formOf(child, `${key}[${name}]`, pairs);
    return;
  }
  const text = value === true ? "1" : value === false ? "0" : value === null ? "" : String(value);
  pairs.push(`${encodeURIComponent(key)}=${encodeURIComponent(text)}`);
}

function webhookBody(): string {
  const pairs: string[] = [
    "event=ONIMBOTV2MESSAGEADD",
    `auth%5Bapplication_token%5D=${APPLICATION_TOKEN}`,
    "ts=1736926200",
  ];
  for (const [name, value] of Object.entries(FETCH_MODE_DATA))
    formOf(value, `data[${name}]`, pairs);
  return pairs.join("&");
}

async function eventsPerSecond(op: () => Promise<unknown>, durationMs: number): Promise<number> {
  const started = performance.now();
  let done = 0;
  let elapsed = 0;
  while (elapsed < durationMs) {
    for (let i = 0; i < 200; i++) await op();
    done += 200;
    elapsed = performance.now() - started;
  }
  return done / (elapsed / 1000);
}

let sink: unknown;

/**
 * Figure 7: how many events a bot takes per second on one core, with no network: through
 * `bot.handle` (a decoded event) and through `bot.fetch` (a webhook POST: read, decode,
 * verify in constant time, type the all-string scalars, dispatch), beside a naive
 * `URLSearchParams` decode of the same body, which does none of the rest.
 *
 * @example
 * ```ts
 * const result = await runBotEvents(5, 1_000, "pnpm bench --only=bot");
 * ```
 */
export async function runBotEvents(
  runs: number,
  runMs: number,
  command: string,
): Promise<BotEventsResult> {
  const client = createClient({
    webhook: "https://bench.bitrix24.com/rest/1/abcdef0123456789/",
    transport: createFakeTransport(),
  });
  const bot = createBot({
    client,
    botId: 456,
    botToken: "bench-bot-token",
    applicationToken: APPLICATION_TOKEN,
    onError: (error) => {
      throw error;
    },
  });
  let handled = 0;
  bot.on("message", () => {
    handled++;
  });
  const body = webhookBody();
  const event: BotEvent = {
    eventId: 1,
    type: "ONIMBOTV2MESSAGEADD",
    data: { ...FETCH_MODE_DATA, bot: { id: 456, code: "helper" } },
  };
  const post = () =>
    bot.fetch(
      new Request("https://bot.example/events", {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body,
      }),
    );
  const first = await post();
  if (first.status !== 200 || handled !== 1) {
    throw new Error(`the bench's webhook event was not handled (HTTP ${first.status})`);
  }
  const ops: Array<() => Promise<unknown>> = [
    () => bot.handle(event),
    post,
    async () => {
      sink = Object.fromEntries(new URLSearchParams(body));
    },
  ];
  const measured = [];
  for (const op of ops) {
    await eventsPerSecond(op, Math.min(200, runMs)); // warm-up
    const values: number[] = [];
    for (let run = 0; run < runs; run++) values.push(await eventsPerSecond(op, runMs));
    measured.push(summarize(values));
  }
  void sink;
  await client.close();
  const [handle, fetch, naiveDecode] = measured as [Summary, Summary, Summary];
  return { command, handle, fetch, naiveDecode };
}

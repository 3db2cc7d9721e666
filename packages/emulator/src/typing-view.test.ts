import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Emulator, EmulatorState } from "./emulator-types.js";
import { startEmulator } from "./server.js";
import { postJson } from "./test-http.js";
import type { ViewEvent } from "./typing-view.js";

// Long enough that two back-to-back calls never straddle an expiry on a loaded machine.
const TTL = 1_000;

async function readEvents(url: string, count: number, act: () => Promise<unknown>) {
  const controller = new AbortController();
  const answer = await fetch(`${url}/_emulator/events`, { signal: controller.signal });
  expect(answer.headers.get("content-type")).toContain("text/event-stream");
  const reader = (answer.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  const events: ViewEvent[] = [];
  let buffered = "";
  await act();
  while (events.length < count) {
    const { value, done } = await reader.read();
    if (done) break;
    buffered += decoder.decode(value, { stream: true });
    const frames = buffered.split("\n\n");
    buffered = frames.pop() ?? "";
    for (const frame of frames) {
      if (frame.startsWith("data: ")) events.push(JSON.parse(frame.slice(6)) as ViewEvent);
    }
  }
  controller.abort();
  return events;
}

describe("recipient view", () => {
  let emulator: Emulator;
  beforeAll(async () => {
    emulator = await startEmulator({ typingTtlMs: TTL });
  });
  beforeEach(() => emulator.reset());
  afterAll(() => emulator.close());

  const writing = (userId: number, dialogId: string) =>
    postJson(`${emulator.webhookUrl(userId)}im.dialog.writing`, { DIALOG_ID: dialogId });

  it("serves dialogs with members, messages and typing lines at /_emulator/state", async () => {
    await writing(2, "chat1");
    const answer = await fetch(`${emulator.url}/_emulator/state`);
    const state = (await answer.json()) as EmulatorState;
    expect(state).toEqual({
      ...JSON.parse(JSON.stringify(emulator.state())),
      now: expect.any(Number),
    });
    const chat1 = state.dialogs.find((dialog) => dialog.id === "chat1");
    expect(chat1?.members).toContainEqual({ id: 100, name: "Demo Bot" });
    expect(chat1?.typing).toEqual([
      {
        senderId: 2,
        senderName: "Boris Petrov",
        since: expect.any(Number),
        expiresAt: expect.any(Number),
        text: "Boris Petrov is typing…",
      },
    ]);
    expect(state.counters.requests).toBe(1);
  });

  it("expires a line TTL after the last event", async () => {
    await writing(1, "chat2");
    await new Promise((resolve) => setTimeout(resolve, TTL + 100));
    expect(emulator.state().dialogs.find((dialog) => dialog.id === "chat2")?.typing).toEqual([]);
  });

  it("streams started, refreshed, stopped, message and expired events", async () => {
    const events = await readEvents(emulator.url, 6, async () => {
      await writing(1, "chat1");
      await writing(1, "chat1");
      await postJson(`${emulator.webhookUrl(1)}im.message.add`, {
        DIALOG_ID: "chat1",
        MESSAGE: "done",
      });
      await writing(2, "chat1");
    });
    expect(events.map((event) => event.type)).toEqual([
      "typing.started",
      "typing.refreshed",
      "typing.stopped",
      "message.added",
      "typing.started",
      "typing.expired",
    ]);
    expect(events[5]).toMatchObject({ dialogId: "chat1", senderId: 2, senderName: "Boris Petrov" });
  });

  it("keeps typing statistics per dialog and sender, counting lapses", async () => {
    await writing(1, "chat1");
    await writing(1, "chat1");
    await new Promise((resolve) => setTimeout(resolve, TTL + 50));
    await writing(1, "chat1");
    await writing(1, "2");
    const stats = emulator.typingStats();
    expect(stats.find((stat) => stat.dialogId === "chat1")).toMatchObject({
      senderId: 1,
      events: 3,
      lapses: 1,
      maxGapMs: expect.any(Number),
    });
    const chat1 = stats.find((stat) => stat.dialogId === "chat1");
    expect(chat1?.maxGapMs).toBeGreaterThanOrEqual(TTL);
    expect(stats.find((stat) => stat.dialogId === "2")).toMatchObject({ events: 1, lapses: 0 });
  });

  it("does not count a line ended by a message as a lapse", async () => {
    await writing(1, "chat1");
    await postJson(`${emulator.webhookUrl(1)}im.message.add`, { DIALOG_ID: "chat1", MESSAGE: "x" });
    await new Promise((resolve) => setTimeout(resolve, TTL + 50));
    await writing(1, "chat1");
    expect(emulator.typingStats()[0]).toMatchObject({ events: 2, lapses: 0 });
  });

  it("streams a bot's status text and its message, which ends the line", async () => {
    // Lines of 30 s: nothing expires between the calls, however slow the machine.
    const bot = { botId: 100, botToken: "demo-bot-token", dialogId: "chat1", duration: 30 };
    const events = await readEvents(emulator.url, 4, async () => {
      await postJson(`${emulator.webhookUrl()}imbot.v2.Chat.InputAction.notify`, {
        ...bot,
        statusMessageCode: "IMBOT_AGENT_ACTION_SEARCHING",
      });
      await postJson(`${emulator.webhookUrl()}imbot.v2.Chat.InputAction.notify`, bot);
      await postJson(`${emulator.webhookUrl()}imbot.v2.Chat.Message.send`, {
        botId: 100,
        botToken: "demo-bot-token",
        dialogId: "chat1",
        fields: { message: "Found it" },
      });
    });
    expect(events).toEqual([
      expect.objectContaining({
        type: "typing.started",
        senderId: 100,
        statusMessageCode: "IMBOT_AGENT_ACTION_SEARCHING",
        text: "Agent is searching…",
      }),
      expect.objectContaining({ type: "typing.refreshed", text: "Demo Bot is typing…" }),
      expect.objectContaining({ type: "typing.stopped", senderId: 100 }),
      expect.objectContaining({
        type: "message.added",
        dialogId: "chat1",
        message: expect.objectContaining({
          authorId: 100,
          authorName: "Demo Bot",
          text: "Found it",
        }),
      }),
    ]);
    expect(events[1]).not.toHaveProperty("statusMessageCode");
    expect(emulator.typingStats()).toEqual([
      expect.objectContaining({ dialogId: "chat1", senderId: 100, events: 2, lapses: 0 }),
    ]);
  });

  it("serves a self-contained page with test hooks", async () => {
    const answer = await fetch(`${emulator.url}/`);
    expect(answer.headers.get("content-type")).toContain("text/html");
    const html = await answer.text();
    expect(html).toContain("data-dialog-id");
    expect(html).toContain("data-typing");
    expect(html).toContain("is typing");
    expect(html).toContain('<form id="say">');
    expect(html).toContain("_emulator/say");
    expect(html).not.toMatch(/<(script|link)[^>]+(src|href)=/);
  });
});

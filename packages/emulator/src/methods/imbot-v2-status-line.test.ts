import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Emulator } from "../emulator-types.js";
import { startEmulator } from "../server.js";
import { STATUS_TEXTS } from "../status-texts.js";
import { postJson } from "../test-http.js";

// The recipient's view of imbot.v2.Chat.InputAction.notify: the text per status code and how
// `duration` makes, extends and shortens the line. The clock is injected: no waiting.
describe("the v2 status line", () => {
  let emulator: Emulator;
  let clock = Date.UTC(2026, 0, 1);
  beforeAll(async () => {
    emulator = await startEmulator({ typingTtlMs: 35_000, now: () => clock });
  });
  beforeEach(() => emulator.reset());
  afterAll(() => emulator.close());

  const notify = (params: object) =>
    postJson(`${emulator.webhookUrl()}imbot.v2.Chat.InputAction.notify`, {
      botId: 100,
      botToken: "demo-bot-token",
      dialogId: "chat1",
      ...params,
    });
  const line = () =>
    emulator
      .state()
      .dialogs.find((dialog) => dialog.id === "chat1")
      ?.typing.find((typing) => typing.senderId === 100);

  it.each([
    ["IMBOT_AGENT_ACTION_THINKING", "Agent is thinking…"],
    ["IMBOT_AGENT_ACTION_SEARCHING", "Agent is searching…"],
    ["IMBOT_AGENT_ACTION_GENERATING", "Agent is preparing an answer…"],
    ["IMBOT_AGENT_ACTION_ANALYZING", "Agent is analyzing the request…"],
    ["IMBOT_AGENT_ACTION_PROCESSING", "Agent is processing data…"],
    ["IMBOT_AGENT_ACTION_TRANSLATING", "Agent is translating the text…"],
    ["IMBOT_AGENT_ACTION_CONNECTING", "Agent is connecting to a service…"],
    ["IMBOT_AGENT_ACTION_CHECKING", "Agent is checking data…"],
    ["IMBOT_AGENT_ACTION_CALCULATING", "Agent is calculating…"],
    ["IMBOT_AGENT_ACTION_READING_DOCS", "Agent is studying documents…"],
    ["IMBOT_AGENT_ACTION_COMPOSING", "Agent is composing an answer…"],
  ])("shows %s as %j", async (code, text) => {
    await notify({ statusMessageCode: code });
    expect(line()).toMatchObject({ statusMessageCode: code, text });
  });

  it("has a text for every documented code and none for another", () => {
    expect(Object.keys(STATUS_TEXTS)).toHaveLength(11);
  });

  it("shows plain typing without a code, for an unknown code, and after a coded event", async () => {
    await notify({});
    expect(line()?.text).toBe("Demo Bot is typing…");
    await notify({ statusMessageCode: "IMBOT_AGENT_ACTION_THINKING" });
    await notify({});
    expect(line()).toEqual(expect.not.objectContaining({ statusMessageCode: expect.anything() }));
    expect(line()?.text).toBe("Demo Bot is typing…");
    await notify({ statusMessageCode: "constructor" });
    expect(line()?.text).toBe("Demo Bot is typing…");
  });

  it("lasts duration seconds after each event; a shorter one ends a long line early", async () => {
    await notify({ statusMessageCode: "IMBOT_AGENT_ACTION_THINKING", duration: 600 });
    expect(line()?.expiresAt).toBe(clock + 600_000);
    clock += 10_000;
    await notify({ statusMessageCode: "IMBOT_AGENT_ACTION_COMPOSING", duration: 1 });
    expect(line()).toMatchObject({
      expiresAt: clock + 1_000,
      text: "Agent is composing an answer…",
    });
    clock += 1_000;
    expect(line()).toBeUndefined();
  });

  it("keeps typing statistics for v2 lines, by each event's own duration", async () => {
    await notify({ duration: 5 });
    clock += 4_000;
    await notify({ duration: 5 });
    clock += 6_000; // past the 5 s of the second event: the line blinked
    await notify({ duration: 60 });
    const stat = emulator.typingStats().find((s) => s.senderId === 100);
    expect(stat).toMatchObject({ dialogId: "chat1", events: 3, maxGapMs: 6_000, lapses: 1 });
  });
});

import { describe, expect, it } from "vitest";
import { DialogIdError } from "../protocol/errors.js";
import { botV2TypingDuration, typingCall, typingScheduleKey } from "./identity.js";

describe("typingCall", () => {
  it("types as the user with im.dialog.writing", () => {
    expect(typingCall("sg7", "user", 20_000)).toEqual({
      method: "im.dialog.writing",
      params: { DIALOG_ID: "sg7" },
    });
  });

  it("types as a classic bot with imbot.chat.sendTyping and its client id", () => {
    expect(typingCall("13", { botId: 7, clientId: "app" }, 20_000)).toEqual({
      method: "imbot.chat.sendTyping",
      params: { BOT_ID: 7, DIALOG_ID: "13", CLIENT_ID: "app" },
    });
  });

  it("types as a v2 bot with a duration that outlasts the refresh interval", () => {
    const call = typingCall(
      "chat5",
      { botId: 7, v2: true, botToken: "tok", statusMessageCode: "IMBOT_AGENT_ACTION_THINKING" },
      20_000,
    );
    expect(call).toEqual({
      method: "imbot.v2.Chat.InputAction.notify",
      params: {
        botId: 7,
        dialogId: "chat5",
        botToken: "tok",
        statusMessageCode: "IMBOT_AGENT_ACTION_THINKING",
        duration: 35,
      },
    });
    expect((call.params.duration as number) * 1000).toBeGreaterThan(20_000);
  });

  it("refuses a workgroup chat for a v2 bot", () => {
    expect(() => typingCall("sg7", { botId: 7, v2: true }, 20_000)).toThrow(DialogIdError);
  });
});

describe("botV2TypingDuration", () => {
  it.each([
    [300, 16],
    [1000, 16],
    [1001, 17],
    [20_000, 35],
    [585_000, 600],
    [900_000, 600],
  ])("refreshMs %i → %i s, within the server's 1..600", (refreshMs, seconds) => {
    expect(botV2TypingDuration(refreshMs)).toBe(seconds);
  });
});

describe("typingScheduleKey", () => {
  it("is one per identity and dialog", () => {
    const keys = [
      typingScheduleKey("chat5", "user"),
      typingScheduleKey("chat6", "user"),
      typingScheduleKey("chat5", { botId: 7 }),
      typingScheduleKey("chat5", { botId: 7, clientId: "a" }),
      typingScheduleKey("chat5", { botId: 8, clientId: "a" }),
      typingScheduleKey("chat5", { botId: 7, v2: true }),
      typingScheduleKey("chat5", { botId: 8, v2: true }),
    ];
    expect(new Set(keys).size).toBe(keys.length);
  });

  it("ignores what does not change who types: a v2 bot's token and status text", () => {
    expect(
      typingScheduleKey("chat5", { botId: 7, v2: true, botToken: "a", statusMessageCode: "X" }),
    ).toBe(typingScheduleKey("chat5", { botId: 7, v2: true }));
  });

  it("cannot be forged by a colon in a client id", () => {
    expect(typingScheduleKey("5", { botId: 7, clientId: "a:chat" })).not.toBe(
      typingScheduleKey("chat5", { botId: 7, clientId: "a" }),
    );
  });
});

import { describe, expect, it } from "vitest";
import { RequestMeter, summarizeRequest } from "./request-meter.js";

const BASE = "https://x.bitrix24.ru/rest/1/[REDACTED]";
const notify = (dialogId: string, status?: string) =>
  `imbot.v2.Chat.InputAction.notify?botId=5&dialogId=${dialogId}&botToken=[REDACTED]${
    status === undefined ? "" : `&statusMessageCode=IMBOT_AGENT_ACTION_${status}`
  }&duration=17`;
const batch = (...cmd: string[]) => ({ url: `${BASE}/batch`, body: JSON.stringify({ cmd }) });
const send = (dialogId: string) => ({
  url: `${BASE}/imbot.v2.Chat.Message.send`,
  body: JSON.stringify({ botId: 5, dialogId, fields: { message: "hi" } }),
});

describe("summarizeRequest", () => {
  it("reads a typing call and its dialog", () => {
    expect(
      summarizeRequest({ url: `${BASE}/im.dialog.writing`, body: '{"DIALOG_ID":"Chat1"}' }),
    ).toEqual({
      method: "im.dialog.writing",
      kind: "typing",
      typing: [{ dialogId: "chat1" }],
      messagesIn: [],
      dialogs: ["chat1"],
    });
  });

  it("reads a v2 bot's status from a single call", () => {
    const summary = summarizeRequest({
      url: `${BASE}/imbot.v2.Chat.InputAction.notify`,
      body: JSON.stringify({
        botId: 5,
        dialogId: "3",
        statusMessageCode: "IMBOT_AGENT_ACTION_SEARCHING",
      }),
    });
    expect(summary.typing).toEqual([{ dialogId: "3", status: "IMBOT_AGENT_ACTION_SEARCHING" }]);
  });

  it("counts a message as touching its dialog, not as typing", () => {
    expect(summarizeRequest(send("3"))).toEqual({
      method: "imbot.v2.Chat.Message.send",
      kind: "message",
      typing: [],
      messagesIn: ["3"],
      dialogs: ["3"],
    });
  });

  it("calls an Event.get a poll", () => {
    expect(summarizeRequest({ url: `${BASE}/imbot.v2.Event.get`, body: "{}" }).kind).toBe("poll");
  });

  it("reads every typing command of a batch, with their statuses", () => {
    const summary = summarizeRequest(
      batch("im.dialog.writing?DIALOG_ID=chat1", notify("chat2", "THINKING"), "server.time"),
    );
    expect(summary).toEqual({
      method: "batch",
      kind: "typing",
      typing: [{ dialogId: "chat1" }, { dialogId: "chat2", status: "IMBOT_AGENT_ACTION_THINKING" }],
      messagesIn: [],
      dialogs: ["chat1", "chat2"],
    });
  });

  it("survives bodies it cannot read", () => {
    expect(summarizeRequest({ url: `${BASE}/profile`, body: "{cut" })).toEqual({
      method: "profile",
      kind: "other",
      typing: [],
      messagesIn: [],
      dialogs: [],
    });
  });
});

describe("RequestMeter", () => {
  it("counts requests by kind, typing events per dialog and a shared batch once per dialog", () => {
    const meter = new RequestMeter();
    meter.record({ url: `${BASE}/im.dialog.writing`, body: '{"DIALOG_ID":"chat1"}' }, 0);
    meter.record(
      batch("im.dialog.writing?DIALOG_ID=chat1", "im.dialog.writing?DIALOG_ID=chat2"),
      1,
    );
    meter.record({ url: `${BASE}/imbot.v2.Event.get`, body: "{}" }, 2);
    meter.record(send("chat1"), 3);
    expect(meter.requests).toBe(4);
    expect(meter.batches).toBe(1);
    expect(meter.kinds).toEqual({ poll: 1, typing: 2, message: 1, other: 0 });
    expect(meter.typingEvents("chat1")).toBe(2);
    expect(meter.typingEvents("chat2")).toBe(1);
    expect(meter.requestsFor("chat1")).toBe(3);
    expect(meter.requestsFor("chat2")).toBe(1);
  });

  it("tells status changes from refreshes; a message ends the line", () => {
    const meter = new RequestMeter();
    meter.record(batch(notify("chat1", "THINKING"), notify("3", "THINKING")), 0);
    meter.record(batch(notify("chat1", "THINKING")), 1);
    meter.record(batch(notify("chat1", "SEARCHING"), notify("3", "COMPOSING")), 2);
    meter.record(batch(notify("chat1", "SEARCHING")), 3);
    meter.record(batch(notify("chat1", "SEARCHING")), 4);
    expect([meter.statusChanges("chat1"), meter.refreshes("chat1")]).toEqual([2, 3]);
    expect([meter.statusChanges("3"), meter.refreshes("3")]).toEqual([2, 0]);
    expect(meter.statusesSent("chat1")).toEqual([
      "IMBOT_AGENT_ACTION_THINKING",
      "IMBOT_AGENT_ACTION_SEARCHING",
    ]);
    meter.record(send("chat1"), 5);
    meter.record(batch(notify("chat1", "SEARCHING")), 6);
    expect([meter.statusChanges("chat1"), meter.refreshes("chat1")]).toEqual([3, 3]);
  });

  it("estimates the portal bucket: +1 a request, draining at 2/s", () => {
    const meter = new RequestMeter();
    for (let i = 0; i < 10; i++) meter.record({ url: `${BASE}/server.time` }, 0);
    expect(meter.bucketLevel(0)).toBe(10);
    expect(meter.bucketLevel(2000)).toBe(6);
    expect(meter.bucketLevel(60_000)).toBe(0);
    expect(meter.peakLevel).toBe(10);
  });
});

import { describe, expect, it } from "vitest";
import { RequestMeter, summarizeRequest } from "./request-meter.js";

const BASE = "https://x.bitrix24.ru/rest/1/[REDACTED]";

describe("summarizeRequest", () => {
  it("reads a typing call and its dialog", () => {
    expect(
      summarizeRequest({ url: `${BASE}/im.dialog.writing`, body: '{"DIALOG_ID":"Chat1"}' }),
    ).toEqual({
      method: "im.dialog.writing",
      typingIn: ["chat1"],
      dialogs: ["chat1"],
    });
  });

  it("counts a message as touching its dialog, not as typing", () => {
    const summary = summarizeRequest({
      url: `${BASE}/im.message.add.json`,
      body: '{"DIALOG_ID":"3","MESSAGE":"hi"}',
    });
    expect(summary).toEqual({ method: "im.message.add", typingIn: [], dialogs: ["3"] });
  });

  it("reads every typing command of a batch, bot methods included", () => {
    const cmd = {
      a: "im.dialog.writing?DIALOG_ID=chat1",
      b: "imbot.v2.Chat.InputAction.notify?dialogId=chat2&botId=100",
      c: "server.time",
    };
    const summary = summarizeRequest({
      url: `${BASE}/batch`,
      body: JSON.stringify({ halt: 0, cmd }),
    });
    expect(summary).toEqual({
      method: "batch",
      typingIn: ["chat1", "chat2"],
      dialogs: ["chat1", "chat2"],
    });
  });

  it("survives bodies it cannot read", () => {
    expect(summarizeRequest({ url: `${BASE}/profile`, body: "{cut" })).toEqual({
      method: "profile",
      typingIn: [],
      dialogs: [],
    });
  });
});

describe("RequestMeter", () => {
  it("counts requests, typing events per dialog and a shared batch once per dialog", () => {
    const meter = new RequestMeter();
    meter.record({ url: `${BASE}/im.dialog.writing`, body: '{"DIALOG_ID":"chat1"}' }, 0);
    const cmd = { a: "im.dialog.writing?DIALOG_ID=chat1", b: "im.dialog.writing?DIALOG_ID=chat2" };
    meter.record({ url: `${BASE}/batch`, body: JSON.stringify({ cmd }) }, 100);
    expect(meter.requests).toBe(2);
    expect(meter.batches).toBe(1);
    expect(meter.typingEvents("chat1")).toBe(2);
    expect(meter.typingEvents("chat2")).toBe(1);
    expect(meter.requestsFor("chat2")).toBe(1);
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

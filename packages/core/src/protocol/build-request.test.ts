import { describe, expect, it } from "vitest";
import { thrown } from "../testing/thrown.js";
import { buildRequest } from "./build-request.js";
import { ConfigError } from "./errors.js";
import { imDialogWriting, type MethodCall } from "./methods.js";
import { oauthTarget, type Target } from "./target.js";
import { parseWebhookUrl } from "./webhook-url.js";

const HEADERS = { "content-type": "application/json", accept: "application/json" };
const webhook = parseWebhookUrl("https://x.bitrix24.ru/rest/1/c0de12345/");
const oauth = oauthTarget("https://x.bitrix24.ru/rest/", "acc3ss-token");

describe("buildRequest", () => {
  it("puts a webhook's code in the path and the params in a JSON body", () => {
    expect(buildRequest(imDialogWriting("chat5"), webhook)).toEqual({
      method: "POST",
      url: "https://x.bitrix24.ru/rest/1/c0de12345/im.dialog.writing",
      headers: HEADERS,
      body: '{"DIALOG_ID":"chat5"}',
    });
  });

  it("URL-encodes the webhook code", () => {
    const target = parseWebhookUrl("https://x.bitrix24.ru/rest/3/a%2Fb%3Fc/");
    expect(buildRequest({ method: "profile", params: {} }, target).url).toBe(
      "https://x.bitrix24.ru/rest/3/a%2Fb%3Fc/profile",
    );
  });

  it("sends OAuth calls to the client endpoint with auth in the body, never in the URL", () => {
    const request = buildRequest(imDialogWriting(13), oauth);
    expect(request).toEqual({
      method: "POST",
      url: "https://x.bitrix24.ru/rest/im.dialog.writing",
      headers: HEADERS,
      body: '{"DIALOG_ID":"13","auth":"acc3ss-token"}',
    });
    expect(request.url).not.toContain("acc3ss-token");
  });

  it("lets the target's token win over an auth param", () => {
    const request = buildRequest({ method: "profile", params: { auth: "other" } }, oauth);
    expect(JSON.parse(request.body ?? "")).toEqual({ auth: "acc3ss-token" });
  });

  it("accepts plain target objects", () => {
    const plainWebhook = { origin: "http://127.0.0.1:5000", userId: 2, secret: "abcd1234" };
    expect(buildRequest({ method: "profile", params: {} }, plainWebhook).url).toBe(
      "http://127.0.0.1:5000/rest/2/abcd1234/profile",
    );
    const plainOauth = { clientEndpoint: "https://y.bitrix24.de/rest/", accessToken: "t0k3n" };
    expect(buildRequest({ method: "profile", params: {} }, plainOauth).url).toBe(
      "https://y.bitrix24.de/rest/profile",
    );
  });

  it("keeps nested params and unicode as JSON", () => {
    const call: MethodCall = {
      method: "im.message.add",
      params: { MESSAGE: "привет 😀", ATTACH: [{ A: 1 }] },
    };
    expect(JSON.parse(buildRequest(call, webhook).body ?? "")).toEqual(call.params);
  });

  it("sends exactly two headers and no user-agent", () => {
    expect(Object.keys(buildRequest(imDialogWriting(1), webhook).headers).sort()).toEqual([
      "accept",
      "content-type",
    ]);
  });

  it.each([
    "",
    "../oauth/token",
    "im.dialog.writing/../../x",
    "im.dialog.writing?auth=x",
    "im dialog",
    "..",
    ".",
    "im..dialog",
    ".im",
    "im.",
    "im#x",
    "im%2Fx",
    "im/x",
    "имя",
  ])("rejects the method name %j before anything is built", (method) => {
    expect(thrown(ConfigError, () => buildRequest({ method, params: {} }, webhook)).option).toBe(
      "method",
    );
  });

  it("accepts the real method names", () => {
    for (const method of [
      "im.dialog.writing",
      "imbot.v2.Chat.InputAction.notify",
      "batch",
      "server_time",
      "profile.json",
    ]) {
      expect(buildRequest({ method, params: {} }, webhook).url.endsWith(`/${method}`)).toBe(true);
    }
  });

  it.each([
    ["an array", []],
    ["a string", "DIALOG_ID=chat5"],
  ])("rejects params that are %s", (_label, params) => {
    expect(
      thrown(ConfigError, () =>
        buildRequest({ method: "m", params } as unknown as MethodCall, webhook),
      ).option,
    ).toBe("params");
  });

  it("rejects params JSON cannot carry, without quoting secrets", () => {
    const cyclic: Record<string, unknown> = { botToken: "bot-secret-1" };
    cyclic.self = cyclic;
    for (const params of [{ n: 1n }, cyclic]) {
      const error = thrown(ConfigError, () => buildRequest({ method: "m", params }, oauth));
      expect(error.option).toBe("params");
      expect(`${error.message}${error.stack}${String(error.cause)}`).not.toContain("acc3ss-token");
    }
  });

  it.each([
    ["null", null],
    ["a string", "https://x.bitrix24.ru/rest/1/abc/"],
    ["http on a portal", { origin: "http://x.bitrix24.ru", userId: 1, secret: "abcd1234" }],
    [
      "an origin with a path",
      { origin: "https://x.bitrix24.ru/rest", userId: 1, secret: "abcd1234" },
    ],
    ["user id 0", { origin: "https://x.bitrix24.ru", userId: 0, secret: "abcd1234" }],
    ["no secret", { origin: "https://x.bitrix24.ru", userId: 1 }],
    ["a spread webhook target", { ...webhook }],
    [
      "an OAuth endpoint without /rest/",
      { clientEndpoint: "https://x.bitrix24.ru/", accessToken: "t0k3n" },
    ],
    ["OAuth over http", { clientEndpoint: "http://x.bitrix24.ru/rest/", accessToken: "t0k3n" }],
    ["an empty token", { clientEndpoint: "https://x.bitrix24.ru/rest/", accessToken: "" }],
  ])("rejects a target with %s", (_label, target) => {
    const error = thrown(ConfigError, () =>
      buildRequest(imDialogWriting(1), target as unknown as Target),
    );
    expect(error.option).toBe("target");
    expect(error.message).not.toContain("abcd1234");
  });
});

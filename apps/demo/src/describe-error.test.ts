import {
  AccessError,
  AuthError,
  apiErrorFrom,
  PortalMovedError,
  TimeoutError,
  TransportError,
} from "@b24im/core";
import { describe, expect, it } from "vitest";
import { describeError } from "./describe-error.js";

const secret = "s3cretc0de99";

describe("describeError", () => {
  it.each([
    [
      apiErrorFrom({
        code: "NO_AUTH_FOUND",
        status: 401,
        method: "im.dialog.writing",
        description: "Wrong authorization data",
      }),
      AuthError,
      /refused the webhook: Wrong authorization data.*\(NO_AUTH_FOUND\)/,
    ],
    [
      apiErrorFrom({
        code: "ACCESS_ERROR",
        status: 403,
        method: "im.dialog.writing",
        description: "",
      }),
      AccessError,
      /may not write to this dialog.*\(ACCESS_ERROR\)/,
    ],
    [
      new TimeoutError(30_000),
      TimeoutError,
      /did not answer within 30 s; the next refresh tries again \(TIMEOUT\)/,
    ],
  ])("puts %s in plain words", (error, type, words) => {
    expect(error).toBeInstanceOf(type);
    expect(describeError(error)).toMatch(words);
  });

  it("names the scope a bot needs", () => {
    const missing = apiErrorFrom({
      code: "ERROR_METHOD_NOT_FOUND",
      status: 404,
      method: "imbot.v2.Bot.register",
      description: "Method not found!",
    });
    expect(describeError(missing, "imbot")).toMatch(/is the "imbot" scope enabled/);
    const denied = apiErrorFrom({
      code: "BOT_OWNERSHIP_ERROR",
      status: 403,
      method: "imbot.v2.Event.get",
      description: "",
    });
    expect(describeError(denied, "imbot")).toMatch(/refused the bot.*\(BOT_OWNERSHIP_ERROR\)/);
  });

  it("never repeats a secret, from b24im errors or others", () => {
    const url = `https://x.bitrix24.ru/rest/1/${secret}/im.dialog.writing`;
    const moved = new PortalMovedError(302, `https://y.bitrix24.ru/rest/1/${secret}/`, {
      secrets: [secret],
    });
    for (const error of [
      new TransportError(`connect ECONNREFUSED ${url}`, { secrets: [secret] }),
      moved,
      new Error(`fetch ${url} failed`),
      `${url}`,
    ]) {
      expect(describeError(error)).not.toContain(secret);
    }
  });
});

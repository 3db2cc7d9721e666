import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { thrown } from "../testing/thrown.js";
import {
  AccessError,
  ApiError,
  AuthError,
  B24Error,
  PortalMovedError,
  ProtocolError,
  RateLimitError,
  ServerError,
  ValidationError,
} from "./errors.js";
import type { HttpResponse } from "./http.js";
import { imDialogWriting, type MethodCall } from "./methods.js";
import { parseResponse } from "./parse-response.js";

const call = imDialogWriting("chat5");
const json = (
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): HttpResponse => ({
  status,
  headers: { "content-type": "application/json", ...headers },
  body: typeof body === "string" ? body : JSON.stringify(body),
});

const FULL_TIME = {
  start: 1700000000.1,
  finish: 1700000000.2,
  duration: 0.1,
  processing: 0.05,
  date_start: "2023-11-14T22:13:20+00:00",
  date_finish: "2023-11-14T22:13:20+00:00",
  operating: 1.5,
  operating_reset_at: 1700000600,
};

describe("parseResponse: success", () => {
  it("returns result and the full time block", () => {
    expect(parseResponse(call, json(200, { result: true, time: FULL_TIME }))).toEqual({
      result: true,
      time: FULL_TIME,
    });
  });

  it("accepts a time block with fields missing (on-premise has no operating*)", () => {
    const time = { start: 1, finish: 2, duration: 1 };
    expect(parseResponse(call, json(200, { result: true, time }))).toEqual({ result: true, time });
  });

  it("leaves out what is absent or mistyped, and ignores extra keys", () => {
    const answer = parseResponse(
      call,
      json(200, {
        result: [1, 2],
        time: { duration: "0.1", operating: null, start: 5, date_start: 7, extra: 1 },
        next: "50",
        total: -1,
        other: "x",
      }),
    );
    expect(answer).toEqual({ result: [1, 2], time: { start: 5 } });
    expect(parseResponse(call, json(200, { result: 0, time: "now" }))).toEqual({ result: 0 });
  });

  it("copies next and total of list methods", () => {
    expect(parseResponse(call, json(200, { result: [], next: 50, total: 120 }))).toEqual({
      result: [],
      next: 50,
      total: 120,
    });
  });

  it.each([null, false, 0, "", {}, [], { result: true }])(
    "keeps the result %j as it is",
    (result) => {
      expect(parseResponse(call, json(200, { result })).result).toEqual(result);
    },
  );

  it("returns a result envelope whatever the status", () => {
    expect(parseResponse(call, json(500, { result: true })).result).toBe(true);
  });
});

describe("parseResponse: error envelopes", () => {
  it.each([
    [403, { error: "ACCESS_ERROR", error_description: "no access" }, AccessError, "ACCESS_ERROR"],
    [400, { error: "dialog_id_empty", error_description: "" }, ValidationError, "dialog_id_empty"],
    [
      401,
      { error: "expired_token", error_description: "The access token provided has expired." },
      AuthError,
      "expired_token",
    ],
    [200, { error: "NO_AUTH_FOUND" }, AuthError, "NO_AUTH_FOUND"],
    [
      503,
      { error: "QUERY_LIMIT_EXCEEDED", error_description: "Too many requests" },
      RateLimitError,
      "QUERY_LIMIT_EXCEEDED",
    ],
    [400, { error: 0, error_description: "zero" }, ApiError, "0"],
    [400, { error: "100", error_description: "hundred" }, ApiError, "100"],
    [500, { error: 100 }, ServerError, "100"],
    [502, { error: "SOMETHING_NEW" }, ServerError, "SOMETHING_NEW"],
    [400, { error: "X", error_description: 42, extra: [1] }, ApiError, "X"],
    [200, { error: "ACCESS_DENIED", result: true }, AccessError, "ACCESS_DENIED"],
  ])("HTTP %s %j → %o", (status, body, errorClass, code) => {
    const error = thrown(Error, () => parseResponse(call, json(status, body))) as ApiError;
    expect(error).toBeInstanceOf(errorClass);
    expect(error.code).toBe(code);
    expect(error.status).toBe(status);
    expect(error.method).toBe("im.dialog.writing");
    const description = (body as { error_description?: unknown }).error_description;
    expect(error.description).toBe(description === undefined ? "" : String(description));
  });

  it("keeps a description that is no text as JSON, even one String() cannot convert", () => {
    const body = '{"error":"X","error_description":{"toString":{}}}';
    const error = thrown(ApiError, () => parseResponse(call, json(400, body)));
    expect(error.description).toBe('{"toString":{}}');
  });

  it("turns a description nested too deep to show into a typed error, not a RangeError", () => {
    const deep = `${"[".repeat(200_000)}${"]".repeat(200_000)}`;
    const body = `{"error":"ACCESS_ERROR","error_description":${deep}}`;
    const error = thrown(AccessError, () => parseResponse(call, json(403, body)));
    expect(error.description).toMatch(/nested too deep/);
  });

  it("exactly a plain ApiError for unknown codes below 500", () => {
    expect(
      (thrown(Error, () => parseResponse(call, json(418, { error: "TEAPOT" }))) as ApiError)
        .constructor,
    ).toBe(ApiError);
  });

  it("gives OPERATION_TIME_LIMIT the reset time as retryAt in epoch ms", () => {
    const body = {
      error: "OPERATION_TIME_LIMIT",
      error_description: "Method is blocked",
      time: { operating_reset_at: 1700000600 },
    };
    const error = thrown(Error, () => parseResponse(call, json(429, body))) as RateLimitError;
    expect(error).toBeInstanceOf(RateLimitError);
    expect(error.retryAt).toBe(1_700_000_600_000);
    const withoutTime = thrown(Error, () =>
      parseResponse(call, json(429, { error: "operation_time_limit" })),
    ) as RateLimitError;
    expect(withoutTime.retryAt).toBeUndefined();
  });

  it("does not turn operating_reset_at into retryAt for the request-rate limit", () => {
    const body = { error: "QUERY_LIMIT_EXCEEDED", time: { operating_reset_at: 1700000600 } };
    expect(
      (thrown(Error, () => parseResponse(call, json(503, body))) as RateLimitError).retryAt,
    ).toBeUndefined();
  });

  it("removes the call's secret params and the given secrets from the description", () => {
    const botCall: MethodCall = {
      method: "imbot.v2.Chat.InputAction.notify",
      params: { botToken: "bot-t0ken-77", botId: 1 },
    };
    const body = {
      error: "BOT_NOT_FOUND",
      error_description: "token bot-t0ken-77 for hook wh-c0de-99 is wrong",
    };
    const error = thrown(Error, () =>
      parseResponse(botCall, json(400, body), { secrets: ["wh-c0de-99"] }),
    ) as ApiError;
    expect(error.description).toBe("token [REDACTED] for hook [REDACTED] is wrong");
    expect(error.message).not.toMatch(/bot-t0ken-77|wh-c0de-99/);
  });
});

describe("parseResponse: redirects", () => {
  it.each([301, 302, 303, 307, 308])(
    "%s → PortalMovedError with the redacted location",
    (status) => {
      const error = thrown(Error, () =>
        parseResponse(
          call,
          json(status, "", {
            location: "https://new.bitrix24.ru/rest/1/c0de1234/im.dialog.writing",
          }),
        ),
      ) as PortalMovedError;
      expect(error).toBeInstanceOf(PortalMovedError);
      expect(error.status).toBe(status);
      expect(error.location).toBe("https://new.bitrix24.ru/rest/1/[REDACTED]/im.dialog.writing");
      expect(error.retryable).toBe(false);
    },
  );

  it("302 without a location", () => {
    const error = thrown(Error, () =>
      parseResponse(call, json(302, "<html>moved</html>")),
    ) as PortalMovedError;
    expect(error).toBeInstanceOf(PortalMovedError);
    expect(error.location).toBe("");
  });

  it("other 3xx are no envelope", () => {
    expect(thrown(Error, () => parseResponse(call, json(304, "")))).toBeInstanceOf(ProtocolError);
  });
});

describe("parseResponse: no envelope", () => {
  it.each([
    [
      "an HTML 502",
      502,
      "<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>",
      true,
      "not JSON",
    ],
    ["an HTML 504", 504, "<html>Gateway Time-out</html>", true, "not JSON"],
    ["an HTML 200", 200, "<!DOCTYPE html><html>maintenance</html>", false, "not JSON"],
    ["cut JSON", 200, '{"result":true,"time":{"start":17', false, "not JSON"],
    ["cut JSON on a 503", 503, '{"error":"QUERY_LIM', true, "not JSON"],
    ["an empty body", 200, "", false, "empty"],
    ["a blank body", 500, " \n", true, "empty"],
    ["JSON null", 200, "null", false, "no Bitrix24 envelope"],
    ["a JSON number", 200, "42", false, "no Bitrix24 envelope"],
    ["a JSON string", 200, '"ok"', false, "no Bitrix24 envelope"],
    ["a JSON array", 200, "[true]", false, "no Bitrix24 envelope"],
    ["an object with neither", 200, '{"ok":true}', false, "no Bitrix24 envelope"],
    ["an error that is an object", 400, '{"error":{"code":1}}', false, "no Bitrix24 envelope"],
  ])("%s → ProtocolError", (_label, status, body, retryable, hint) => {
    const error = thrown(Error, () =>
      parseResponse(call, { status, headers: {}, body }),
    ) as ProtocolError;
    expect(error).toBeInstanceOf(ProtocolError);
    expect(error.status).toBe(status);
    expect(error.retryable).toBe(retryable);
    expect(error.message).toContain(hint);
    expect(error.snippet).toBe(body.replace(/\s+/g, " ").trim().slice(0, 120));
  });

  it("redacts secrets in the snippet, even in cut JSON", () => {
    const body =
      '<html>POST https:\\/\\/x.bitrix24.ru\\/rest\\/1\\/c0de1234\\/x failed {"auth":"t0k3n-cut';
    const error = thrown(Error, () => parseResponse(call, json(502, body))) as ProtocolError;
    expect(error.snippet).not.toMatch(/c0de1234|t0k3n-cut/);
  });
});

describe("parseResponse: any answer at all", () => {
  const SECRET = "pl4nt3dS3cret";
  const secretCall: MethodCall = {
    method: "imbot.v2.Chat.InputAction.notify",
    params: { botId: 7, dialogId: "chat5", botToken: SECRET },
  };
  // Bodies that are JSON of any shape, envelopes with odd fields, and plain text, all of
  // which may echo the secret back (a proxy page, a description quoting the request).
  const echo = fc.constantFrom("", SECRET, `?auth=${SECRET}`, `/rest/1/${SECRET}/`);
  const field = fc.oneof(fc.jsonValue(), echo);
  const envelope = fc.record(
    {
      result: field,
      error: field,
      error_description: field,
      time: field,
      next: field,
      total: field,
    },
    { requiredKeys: [] },
  );
  const body = fc.oneof(
    fc.json(),
    envelope.map((value) => JSON.stringify(value)),
    fc.tuple(fc.string(), echo).map(([text, secret]) => `${text}${secret}`),
  );
  const answer = fc.record({
    status: fc.integer({ min: 100, max: 599 }),
    location: fc.option(
      echo.map((secret) => `https://y.bitrix24.ru${secret}`),
      { nil: undefined },
    ),
    body,
  });

  it("returns a result or throws a B24Error, never anything else, and never shows the secret", () => {
    fc.assert(
      fc.property(answer, ({ status, location, body }) => {
        const headers: Record<string, string> = location === undefined ? {} : { location };
        let outcome: unknown;
        try {
          outcome = parseResponse(secretCall, { status, headers, body }, { secrets: [SECRET] });
        } catch (error) {
          expect(error).toBeInstanceOf(B24Error);
          const shown = `${String(error)} ${(error as Error).stack} ${JSON.stringify(error)}`;
          expect(shown).not.toContain(SECRET);
          return;
        }
        expect(outcome).toHaveProperty("result");
      }),
      { numRuns: 1000 },
    );
  });
});

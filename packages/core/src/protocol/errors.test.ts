import { describe, expect, it } from "vitest";
import {
  AccessError,
  ApiError,
  AuthError,
  apiErrorFrom,
  B24Error,
  ConfigError,
  DialogIdError,
  MethodNotFoundError,
  PortalMovedError,
  ProtocolError,
  RateLimitError,
  ServerError,
  TimeoutError,
  TransportError,
  ValidationError,
} from "./errors.js";

// The table of DESIGN.md, copied by hand so that a change in errors.ts cannot pass silently.
const TABLE: ReadonlyArray<readonly [string, typeof ApiError, boolean]> = [
  ...[
    "expired_token",
    "invalid_token",
    "NO_AUTH_FOUND",
    "INVALID_CREDENTIALS",
    "insufficient_scope",
    "user_access_error",
    "WRONG_AUTH_TYPE",
    "METHOD_CONFIRM_WAITING",
    "METHOD_CONFIRM_DENIED",
    "ERROR_OAUTH",
    "authorization_error",
    "APPLICATION_NOT_FOUND",
    "invalid_grant",
    "invalid_client",
  ].map((code) => [code, AuthError, false] as const),
  ...[
    "ACCESS_ERROR",
    "ACCESS_DENIED",
    "allowed_only_intranet_user",
    "BOT_OWNERSHIP_ERROR",
    "APP_ID_ERROR",
  ].map((code) => [code, AccessError, false] as const),
  ...[
    "DIALOG_ID_EMPTY",
    "CHAT_ID_EMPTY",
    "INVALID_REQUEST",
    "ERROR_ARGUMENT",
    "BOT_ID_ERROR",
    "BOT_ID_REQUIRED",
    "BOT_NOT_FOUND",
    "BOT_TOKEN_NOT_SPECIFIED",
    "ERROR_BATCH_LENGTH_EXCEEDED",
    "ERROR_BATCH_METHOD_NOT_ALLOWED",
  ].map((code) => [code, ValidationError, false] as const),
  ...["QUERY_LIMIT_EXCEEDED", "OVERLOAD_LIMIT", "OPERATION_TIME_LIMIT"].map(
    (code) => [code, RateLimitError, true] as const,
  ),
  ["ERROR_METHOD_NOT_FOUND", MethodNotFoundError, false],
  ...["INTERNAL_SERVER_ERROR", "ERROR_UNEXPECTED_ANSWER", "ERROR_CORE", "WRONG_ENCODING"].map(
    (code) => [code, ServerError, true] as const,
  ),
  ["PORTAL_DELETED", ServerError, false],
];

const SUBCLASSES = [
  AuthError,
  AccessError,
  ValidationError,
  RateLimitError,
  MethodNotFoundError,
  ServerError,
];

const mixedCase = (code: string) =>
  [...code].map((c, i) => (i % 2 ? c.toLowerCase() : c.toUpperCase())).join("");

describe("apiErrorFrom", () => {
  const variants = TABLE.flatMap(([code, errorClass, retryable]) =>
    [code, code.toUpperCase(), code.toLowerCase(), mixedCase(code)].map(
      (variant) => [variant, errorClass, retryable] as const,
    ),
  );

  it.each(variants)(
    "maps %s to %o (retryable %s), at any HTTP status",
    (code, errorClass, retryable) => {
      for (const status of [200, 400, 401, 403, 404, 429, 500, 503]) {
        const error = apiErrorFrom({
          code,
          status,
          method: "im.dialog.writing",
          description: "why",
        });
        expect(error).toBeInstanceOf(errorClass);
        for (const other of SUBCLASSES) {
          if (other !== errorClass) expect(error).not.toBeInstanceOf(other);
        }
        expect(error).toBeInstanceOf(ApiError);
        expect(error).toBeInstanceOf(B24Error);
        expect(error).toBeInstanceOf(Error);
        expect(error.name).toBe(errorClass.name);
        expect(error.code).toBe(code);
        expect(error.retryable).toBe(retryable);
        expect(error.status).toBe(status);
        expect(error.method).toBe("im.dialog.writing");
        expect(error.description).toBe("why");
        expect(error.message).toBe(`${code}: why (im.dialog.writing, HTTP ${status})`);
      }
    },
  );

  it.each(["0", "100", "42", "SOME_NEW_CODE", "constructor", "__proto__", "toString", ""])(
    "keeps the unknown code %j as a plain ApiError below 500, a ServerError from 500",
    (code) => {
      const below = apiErrorFrom({ code, status: 400, method: "m", description: "" });
      expect(below.constructor).toBe(ApiError);
      expect(below.code).toBe(code);
      expect(below.retryable).toBe(false);
      const above = apiErrorFrom({ code, status: 502, method: "m", description: "" });
      expect(above).toBeInstanceOf(ServerError);
      expect(above.code).toBe(code);
      expect(above.retryable).toBe(true);
    },
  );

  it("gives RateLimitError the retryAt it was told, and none otherwise", () => {
    const told = apiErrorFrom({
      code: "OPERATION_TIME_LIMIT",
      status: 429,
      method: "m",
      description: "",
      retryAt: 1_700_000_000_000,
    });
    expect(told).toBeInstanceOf(RateLimitError);
    expect((told as RateLimitError).retryAt).toBe(1_700_000_000_000);
    const untold = apiErrorFrom({
      code: "QUERY_LIMIT_EXCEEDED",
      status: 503,
      method: "m",
      description: "",
    });
    expect((untold as RateLimitError).retryAt).toBeUndefined();
    expect(Object.keys(untold)).not.toContain("retryAt");
  });

  it("omits the description part of the message when there is none", () => {
    const error = apiErrorFrom({
      code: "ACCESS_ERROR",
      status: 403,
      method: "im.dialog.writing",
      description: "",
    });
    expect(error.message).toBe("ACCESS_ERROR (im.dialog.writing, HTTP 403)");
  });
});

describe("the other classes", () => {
  it.each([
    [new DialogIdError("bad", '"x"'), DialogIdError, "DIALOG_ID_INVALID", false],
    [new ConfigError("webhook", "bad"), ConfigError, "CONFIG_INVALID", false],
    [new TransportError("reset"), TransportError, "TRANSPORT", true],
    [new TimeoutError(1500), TimeoutError, "TIMEOUT", true],
    [new ProtocolError("not JSON", 502, "<html>"), ProtocolError, "PROTOCOL", true],
    [new ProtocolError("not JSON", 200, "<html>"), ProtocolError, "PROTOCOL", false],
    [new ProtocolError("not JSON", 499, "<html>"), ProtocolError, "PROTOCOL", false],
    [new ProtocolError("not JSON", 500, "<html>"), ProtocolError, "PROTOCOL", true],
    [
      new PortalMovedError(302, "https://new.bitrix24.ru/"),
      PortalMovedError,
      "PORTAL_MOVED",
      false,
    ],
  ] as const)("%s has its code and retryable flag", (error, errorClass, code, retryable) => {
    expect(error).toBeInstanceOf(errorClass);
    expect(error).toBeInstanceOf(B24Error);
    expect(error.name).toBe(errorClass.name);
    expect(error.code).toBe(code);
    expect(error.retryable).toBe(retryable);
    expect(error).not.toBeInstanceOf(ApiError);
    expect(String(error)).toBe(`${errorClass.name}: ${error.message}`);
  });

  it("TimeoutError is a TransportError and carries its limit", () => {
    const error = new TimeoutError(1500);
    expect(error).toBeInstanceOf(TransportError);
    expect(error.timeoutMs).toBe(1500);
    expect(error.message).toBe("No answer within 1500 ms");
  });

  it("ProtocolError keeps a short one-line snippet", () => {
    const body = `<html>\n  <body>${"x".repeat(500)}</body>\n</html>`;
    const error = new ProtocolError("not JSON", 502, body);
    expect(error.snippet).toHaveLength(120);
    expect(error.snippet.startsWith("<html> <body>x")).toBe(true);
    expect(error.status).toBe(502);
  });

  it("ConfigError names its option; PortalMovedError its location", () => {
    expect(new ConfigError("typing.refreshMs", "too small").option).toBe("typing.refreshMs");
    const moved = new PortalMovedError(301, "https://new.bitrix24.ru/rest/");
    expect(moved.location).toBe("https://new.bitrix24.ru/rest/");
    expect(moved.message).toContain("https://new.bitrix24.ru/rest/");
    expect(new PortalMovedError(302, "").message).toContain("an unknown address");
  });

  it("toJSON is a plain view with name, code, message and the fields", () => {
    const error = apiErrorFrom({
      code: "ACCESS_ERROR",
      status: 403,
      method: "im.dialog.writing",
      description: "d",
    });
    expect(JSON.parse(JSON.stringify(error))).toEqual({
      name: "AccessError",
      code: "ACCESS_ERROR",
      message: "ACCESS_ERROR: d (im.dialog.writing, HTTP 403)",
      retryable: false,
      status: 403,
      method: "im.dialog.writing",
      description: "d",
    });
  });

  it("keeps a cause as a copy with its name, message and string code", () => {
    const inner = Object.assign(new Error("connect ECONNREFUSED"), {
      code: "ECONNREFUSED",
      socket: {},
    });
    const error = new TransportError("refused", { cause: inner });
    const cause = error.cause as Error & { code?: string; socket?: unknown };
    expect(cause).not.toBe(inner);
    expect(cause.message).toBe("connect ECONNREFUSED");
    expect(cause.code).toBe("ECONNREFUSED");
    expect(cause.socket).toBeUndefined();
    expect(Object.keys(error)).not.toContain("cause");
  });
});

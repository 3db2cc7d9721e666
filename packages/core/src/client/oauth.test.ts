import { describe, expect, it } from "vitest";
import { AuthError, ConfigError, ProtocolError } from "../protocol/errors.js";
import { errorResponse, jsonResponse } from "../testing/fake-transport.js";
import { thrown } from "../testing/thrown.js";
import { createOAuthSession, parseTokenAnswer, refreshRequest } from "./oauth.js";

const tokenAnswer = {
  access_token: "newAccess123",
  refresh_token: "newRefresh123",
  expires_in: 3600,
  client_endpoint: "https://y.bitrix24.ru/rest/",
  server_endpoint: "https://oauth.bitrix.info/rest/",
  member_id: "m1",
};

describe("refreshRequest", () => {
  it("builds the documented GET on the oauth server without /rest/", () => {
    const request = refreshRequest({
      serverEndpoint: "https://oauth.bitrix24.tech/rest/",
      clientId: "app.1",
      clientSecret: "s3cret!",
      refreshToken: "r3fresh",
    });
    expect(request.method).toBe("GET");
    expect(request.url).toBe(
      "https://oauth.bitrix24.tech/oauth/token/?grant_type=refresh_token&client_id=app.1&client_secret=s3cret%21&refresh_token=r3fresh",
    );
    expect(refreshRequest({ clientId: "a", clientSecret: "b", refreshToken: "c" }).url).toMatch(
      /^https:\/\/oauth\.bitrix\.info\/oauth\/token\/\?/,
    );
  });
});

describe("parseTokenAnswer", () => {
  it("reads the pair, expiry and endpoints", () => {
    expect(parseTokenAnswer(jsonResponse(tokenAnswer), 1000, [])).toEqual({
      accessToken: "newAccess123",
      refreshToken: "newRefresh123",
      expiresAt: 1000 + 3_600_000,
      clientEndpoint: "https://y.bitrix24.ru/rest/",
      serverEndpoint: "https://oauth.bitrix.info/rest/",
      memberId: "m1",
    });
  });

  it("drops an endpoint it would refuse as an option, keeping the token pair", () => {
    const tokens = parseTokenAnswer(
      jsonResponse({
        ...tokenAnswer,
        client_endpoint: "http://y.bitrix24.ru/rest/",
        server_endpoint: "https://user:pw@oauth.example/rest/",
      }),
      0,
      [],
    );
    expect(tokens).toMatchObject({ accessToken: "newAccess123", refreshToken: "newRefresh123" });
    expect(tokens).not.toHaveProperty("clientEndpoint");
    expect(tokens).not.toHaveProperty("serverEndpoint");
    const local = parseTokenAnswer(
      jsonResponse({ ...tokenAnswer, client_endpoint: "http://127.0.0.1:8080/rest" }),
      0,
      [],
    );
    expect(local.clientEndpoint).toBe("http://127.0.0.1:8080/rest/");
    const noRest = parseTokenAnswer(
      jsonResponse({ ...tokenAnswer, client_endpoint: "https://y.bitrix24.ru/" }),
      0,
      [],
    );
    expect(noRest).not.toHaveProperty("clientEndpoint");
  });

  it("turns any error envelope into AuthError and other answers into ProtocolError", () => {
    const refused = () =>
      parseTokenAnswer(errorResponse("invalid_grant", 400, "bad r3freshOld"), 0, ["r3freshOld"]);
    expect(refused).toThrow(AuthError);
    expect(refused).not.toThrow(/r3freshOld/);
    expect(() => parseTokenAnswer(errorResponse("PAYMENT_REQUIRED", 402), 0, [])).toThrow(
      AuthError,
    );
    const odd = { status: 400, headers: {}, body: '{"error":{"toString":{}}}' };
    expect(thrown(AuthError, () => parseTokenAnswer(odd, 0, [])).code).toBe('{"toString":{}}');
    expect(() => parseTokenAnswer({ status: 502, headers: {}, body: "<html>" }, 0, [])).toThrow(
      ProtocolError,
    );
    expect(() => parseTokenAnswer(jsonResponse({ access_token: "x" }), 0, [])).toThrow(
      ProtocolError,
    );
  });
});

describe("createOAuthSession", () => {
  const options = {
    clientEndpoint: "https://x.bitrix24.ru/rest/",
    accessToken: "oldAccess123",
    refreshToken: "oldRefresh123",
    clientId: "app.1",
    clientSecret: "secret123",
  };

  it("refreshes once for callers of the same stale target and rotates the refresh token", async () => {
    const urls: string[] = [];
    const session = createOAuthSession(
      options,
      async (request) => {
        urls.push(request.url);
        return jsonResponse({ ...tokenAnswer, refresh_token: `newRefresh${urls.length}` });
      },
      () => 0,
      () => {},
    );
    const stale = session.target;
    await Promise.all([session.refresh(stale), session.refresh(stale), session.refresh(stale)]);
    expect(urls).toHaveLength(1);
    expect(session.target.accessToken).toBe("newAccess123");
    expect(session.target.clientEndpoint).toBe("https://y.bitrix24.ru/rest/");
    await session.refresh(stale);
    expect(urls).toHaveLength(1);
    await session.refresh(session.target);
    expect(urls[1]).toContain("refresh_token=newRefresh1");
    expect(session.secrets()).toEqual(
      expect.arrayContaining(["newAccess123", "secret123", "newRefresh2", "newRefresh1"]),
    );
  });

  it("after a refused refresh, rejects everyone with that AuthError and never refreshes again", async () => {
    let calls = 0;
    const session = createOAuthSession(
      options,
      async () => {
        calls++;
        return errorResponse("invalid_grant", 400);
      },
      () => 0,
      () => {},
    );
    const stale = session.target;
    const results = await Promise.allSettled([session.refresh(stale), session.refresh(stale)]);
    await expect(session.refresh(stale)).rejects.toBeInstanceOf(AuthError);
    expect(results.map((r) => r.status)).toEqual(["rejected", "rejected"]);
    expect(calls).toBe(1);
  });

  it.each([
    [{ serverEndpoint: "http://oauth.example/" }, "oauth.serverEndpoint", /https:\/\//],
    [{ serverEndpoint: "oauth.bitrix.info" }, "oauth.serverEndpoint", /absolute URL/],
    [{ refreshToken: 42 }, "oauth.refreshToken", /non-empty string; got 42/],
    [{ clientId: "" }, "oauth.clientId", /non-empty string; got an empty string/],
    [{ clientSecret: {} }, "oauth.clientSecret", /non-empty string; got object/],
    [{ onTokens: "save" }, "oauth.onTokens", /a function/],
  ])("refuses %o as %s before anything is sent", (bad, option, message) => {
    let sent = 0;
    const make = () =>
      createOAuthSession(
        { ...options, ...(bad as object) } as typeof options,
        async () => {
          sent++;
          return jsonResponse(tokenAnswer);
        },
        () => 0,
        () => {},
      );
    const error = thrown(ConfigError, make);
    expect(error.option).toBe(option);
    expect(error.message).toMatch(message);
    expect(sent).toBe(0);
  });

  it("accepts an OAuth server on a loopback host over http (the emulator, tests)", () => {
    const session = createOAuthSession(
      { ...options, serverEndpoint: "http://127.0.0.1:9000/" },
      async () => jsonResponse(tokenAnswer),
      () => 0,
      () => {},
    );
    expect(session.canRefresh).toBe(true);
  });

  it("keeps sending refreshes to a safe server when an answer names an unsafe one", async () => {
    const urls: string[] = [];
    const stored: unknown[] = [];
    const session = createOAuthSession(
      { ...options, onTokens: (tokens) => void stored.push(tokens) },
      async (request) => {
        urls.push(request.url);
        return jsonResponse({
          ...tokenAnswer,
          refresh_token: `newRefresh${urls.length}`,
          server_endpoint: "http://oauth.example/rest/",
        });
      },
      () => 0,
      () => {},
    );
    await session.refresh(session.target);
    await session.refresh(session.target);
    expect(urls.map((url) => new URL(url).origin)).toEqual([
      "https://oauth.bitrix.info",
      "https://oauth.bitrix.info",
    ]);
    expect(stored[0]).not.toHaveProperty("serverEndpoint");
  });

  it("never moves an https client or OAuth server to plain http, not even on a loopback host", async () => {
    const urls: string[] = [];
    const session = createOAuthSession(
      options,
      async (request) => {
        urls.push(request.url);
        return jsonResponse({
          ...tokenAnswer,
          refresh_token: `newRefresh${urls.length}`,
          client_endpoint: "http://127.0.0.1:8080/rest/",
          server_endpoint: "http://127.0.0.1:8080/rest/",
        });
      },
      () => 0,
      () => {},
    );
    await session.refresh(session.target);
    await session.refresh(session.target);
    expect(session.target.clientEndpoint).toBe("https://x.bitrix24.ru/rest/");
    expect(urls.map((url) => new URL(url).origin)).toEqual([
      "https://oauth.bitrix.info",
      "https://oauth.bitrix.info",
    ]);
  });

  it("reports an onTokens failure without failing the refresh", async () => {
    const reported: unknown[] = [];
    const session = createOAuthSession(
      {
        ...options,
        onTokens: () => {
          throw new Error("db down");
        },
      },
      async () => jsonResponse(tokenAnswer),
      () => 0,
      (error) => reported.push(error),
    );
    await session.refresh(session.target);
    expect(reported).toHaveLength(1);
    expect(session.target.accessToken).toBe("newAccess123");
  });
});

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Emulator } from "./emulator-types.js";
import type { OAuthTokenAnswer } from "./oauth.js";
import { startEmulator } from "./server.js";
import { postJson } from "./test-http.js";

describe("OAuth and webhook auth", () => {
  let emulator: Emulator;
  let clock = Date.now();
  beforeAll(async () => {
    emulator = await startEmulator({ accessTokenTtlMs: 60_000, now: () => clock });
  });
  afterAll(() => emulator.close());

  const refreshUrl = (refreshToken: string, secret = "demo-secret-6Ft9Qx2Lw8") =>
    `${emulator.url}/oauth/token/?grant_type=refresh_token&client_id=local.demo` +
    `&client_secret=${secret}&refresh_token=${refreshToken}`;

  it("accepts a seeded webhook and refuses a wrong code with 401 NO_AUTH_FOUND", async () => {
    expect((await postJson(`${emulator.webhookUrl()}profile`)).body.result.ID).toBe("1");
    expect((await postJson(`${emulator.webhookUrl(2)}profile`)).body.result.ID).toBe("2");
    const wrong = await postJson(`${emulator.url}/rest/1/not-the-code/profile`);
    expect(wrong.status).toBe(401);
    expect(wrong.body.error).toBe("NO_AUTH_FOUND");
    const otherUser = emulator.webhookUrl(2).replace("/rest/2/", "/rest/1/");
    expect((await postJson(`${otherUser}profile`)).status).toBe(401);
  });

  it("issues token answers with every documented field", () => {
    const tokens = emulator.oauth.issueTokens({ userId: 2 });
    expect(tokens).toEqual({
      access_token: expect.any(String),
      refresh_token: expect.any(String),
      expires: Math.floor((clock + 60_000) / 1000),
      expires_in: 60,
      client_endpoint: `${emulator.url}/rest/`,
      server_endpoint: `${emulator.url}/rest/`,
      member_id: "b24im-emulator",
      domain: new URL(emulator.url).host,
      scope: "im,imbot",
      status: "L",
      user_id: 2,
    });
  });

  it("answers 401 NO_AUTH_FOUND, invalid_token and expired_token", async () => {
    const { access_token } = emulator.oauth.issueTokens();
    const profileUrl = `${emulator.url}/rest/profile.json`;
    expect((await postJson(profileUrl, { auth: access_token })).body.result.ID).toBe("1");
    const missing = await postJson(profileUrl, {});
    expect([missing.status, missing.body.error]).toEqual([401, "NO_AUTH_FOUND"]);
    const unknown = await postJson(profileUrl, { auth: "nope" });
    expect([unknown.status, unknown.body.error]).toEqual([401, "invalid_token"]);
    clock += 60_000;
    const expired = await postJson(profileUrl, { auth: access_token });
    expect([expired.status, expired.body.error]).toEqual([401, "expired_token"]);
  });

  it("rotates tokens on refresh; a spent refresh token gets invalid_grant", async () => {
    const first = emulator.oauth.issueTokens();
    emulator.oauth.expireAccessTokens();
    const profileUrl = `${emulator.url}/rest/profile`;
    expect((await postJson(profileUrl, { auth: first.access_token })).body.error).toBe(
      "expired_token",
    );
    const refreshed = await fetch(refreshUrl(first.refresh_token));
    expect(refreshed.status).toBe(200);
    const second = (await refreshed.json()) as OAuthTokenAnswer;
    expect(second.refresh_token).not.toBe(first.refresh_token);
    expect((await postJson(profileUrl, { auth: second.access_token })).status).toBe(200);
    const spent = await fetch(refreshUrl(first.refresh_token));
    expect(spent.status).toBe(400);
    expect(await spent.json()).toEqual({
      error: "invalid_grant",
      error_description: expect.any(String),
    });
    expect(emulator.log.at(-1)).toMatchObject({ method: "oauth.token", error: "invalid_grant" });
  });

  it("refuses a wrong client secret with invalid_client", async () => {
    const { refresh_token } = emulator.oauth.issueTokens();
    const answer = await fetch(refreshUrl(refresh_token, "wrong"));
    expect(((await answer.json()) as { error: string }).error).toBe("invalid_client");
  });
});

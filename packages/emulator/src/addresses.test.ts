import { request } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Emulator } from "./emulator-types.js";
import { startEmulator } from "./server.js";

/** Sends a request with exactly this path (fetch would normalise it) and decodes the JSON. */
function raw(
  emulator: Emulator,
  path: string,
  options: { body?: string; headers?: Record<string, string> } = {},
): Promise<{ status: number; body: Record<string, unknown> }> {
  const { hostname, port } = new URL(emulator.url);
  return new Promise((resolve, reject) => {
    const req = request(
      { host: hostname, port, path, method: "POST", headers: options.headers },
      (res) => {
        let text = "";
        res.on("data", (chunk) => {
          text += chunk;
        });
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) }));
      },
    );
    req.on("error", reject);
    req.end(options.body);
  });
}

const json = { "content-type": "application/json" };

// BITRIX24.md, "Addresses and tokens, as a portal reads them".
describe("addresses and tokens as a portal reads them", () => {
  let emulator: Emulator;
  let token: string;
  beforeAll(async () => {
    emulator = await startEmulator();
    token = emulator.oauth.issueTokens({ userId: 2 }).access_token;
  });
  afterAll(() => emulator.close());

  it("collapses repeated slashes, as the official JS SDK's /rest//METHOD needs", async () => {
    const sdk = await raw(emulator, "/rest//profile", {
      headers: json,
      body: JSON.stringify({ auth: token }),
    });
    expect([sdk.status, (sdk.body.result as { ID: string }).ID]).toEqual([200, "2"]);
    const webhook = await raw(emulator, "//rest//1///h7x2k9q4w1m8v3zt//server.time");
    expect(webhook.status).toBe(200);
    expect(emulator.log.at(-1)?.path).toBe("/rest/1/[REDACTED]/server.time");
  });

  it("serves a trailing slash after the method", async () => {
    expect((await raw(emulator, "/rest/1/h7x2k9q4w1m8v3zt/profile/")).status).toBe(200);
    expect((await raw(emulator, "/rest/1/h7x2k9q4w1m8v3zt/profile.json/")).status).toBe(200);
    const oauth = await raw(emulator, `/rest/profile/?auth=${token}`);
    expect(oauth.status).toBe(200);
  });

  it("reads the token from Authorization: Bearer, then auth, then access_token", async () => {
    const bearer = await raw(emulator, "/rest/profile", {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(bearer.status).toBe(200);
    const query = await raw(emulator, `/rest/profile?access_token=${token}`);
    expect(query.status).toBe(200);
    const body = await raw(emulator, "/rest/profile", {
      headers: json,
      body: JSON.stringify({ access_token: token }),
    });
    expect(body.status).toBe(200);
    // The header comes first: a wrong auth parameter does not matter then…
    const first = await raw(emulator, "/rest/profile?auth=wrong", {
      headers: { authorization: `bearer ${token}` },
    });
    expect(first.status).toBe(200);
    // …and a wrong header is not rescued by a right parameter.
    const wrongHeader = await raw(emulator, `/rest/profile?auth=${token}`, {
      headers: { authorization: "Bearer wrong" },
    });
    expect([wrongHeader.status, wrongHeader.body.error]).toEqual([401, "invalid_token"]);
    const authBeforeAccessToken = await raw(
      emulator,
      `/rest/profile?auth=wrong&access_token=${token}`,
    );
    expect(authBeforeAccessToken.status).toBe(401);
  });

  it("still refuses a missing token and a path of no known form", async () => {
    const none = await raw(emulator, "/rest/profile");
    expect([none.status, none.body.error]).toEqual([401, "NO_AUTH_FOUND"]);
    const odd = await raw(emulator, "/rest/1/h7x2k9q4w1m8v3zt/a/profile");
    expect([odd.status, odd.body.error]).toEqual([404, "ERROR_METHOD_NOT_FOUND"]);
  });
});

import { inspect } from "node:util";
import { describe, expect, it } from "vitest";
import { ConfigError } from "./errors.js";
import { oauthTarget } from "./target.js";

const TOKEN = "acc3ss-t0ken-value";

describe("oauthTarget", () => {
  it.each([
    ["https://x.bitrix24.ru/rest/", "https://x.bitrix24.ru/rest/"],
    ["https://x.bitrix24.ru/rest", "https://x.bitrix24.ru/rest/"],
    ["https://X.BITRIX24.RU:443/rest/", "https://x.bitrix24.ru/rest/"],
    ["https://intranet.example.com/bitrix/rest/", "https://intranet.example.com/bitrix/rest/"],
    ["http://127.0.0.1:9000/rest", "http://127.0.0.1:9000/rest/"],
    ["http://localhost/rest/", "http://localhost/rest/"],
  ])("accepts %s as %s", (endpoint, normalised) => {
    const target = oauthTarget(endpoint, TOKEN);
    expect(target.clientEndpoint).toBe(normalised);
    expect(target.accessToken).toBe(TOKEN);
    expect(JSON.stringify(target)).toBe(JSON.stringify({ clientEndpoint: normalised }));
    expect(inspect(target)).not.toContain(TOKEN);
  });

  it.each([
    ["http://x.bitrix24.ru/rest/", "https://"],
    ["ftp://x.bitrix24.ru/rest/", "https://"],
    ["https://x.bitrix24.ru/", "ends with /rest/"],
    ["https://x.bitrix24.ru/rest/im.dialog.writing", "ends with /rest/"],
    ["https://x.bitrix24.ru/rest/?auth=x", "?query"],
    ["x.bitrix24.ru/rest/", "not an absolute URL"],
    ["", "not an absolute URL"],
  ])("rejects the endpoint %s", (endpoint, hint) => {
    const run = () => oauthTarget(endpoint, TOKEN);
    expect(run).toThrow(ConfigError);
    expect(run).toThrow(hint);
    try {
      run();
    } catch (error) {
      expect((error as ConfigError).option).toBe("oauth.clientEndpoint");
    }
  });

  it("rejects an empty or missing token without quoting it", () => {
    for (const token of ["", undefined, 5]) {
      try {
        oauthTarget("https://x.bitrix24.ru/rest/", token as string);
        expect.unreachable();
      } catch (error) {
        expect(error).toBeInstanceOf(ConfigError);
        expect((error as ConfigError).option).toBe("oauth.accessToken");
      }
    }
  });
});

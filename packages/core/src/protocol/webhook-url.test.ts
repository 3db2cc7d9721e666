import { inspect } from "node:util";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { thrown } from "../testing/thrown.js";
import { ConfigError } from "./errors.js";
import { REDACTED } from "./redact.js";
import { parseWebhookUrl } from "./webhook-url.js";

const CODE = "k3y9secretcode01";

describe("parseWebhookUrl", () => {
  it.each([
    [`https://x.bitrix24.ru/rest/1/${CODE}/`, "https://x.bitrix24.ru", 1],
    [`https://x.bitrix24.ru/rest/1/${CODE}`, "https://x.bitrix24.ru", 1],
    [`https://x.bitrix24.ru/rest/1/${CODE}/im.dialog.writing`, "https://x.bitrix24.ru", 1],
    [`https://x.bitrix24.ru/rest/1/${CODE}/im.dialog.writing.json`, "https://x.bitrix24.ru", 1],
    [`https://x.bitrix24.ru/rest/1/${CODE}/profile.json/`, "https://x.bitrix24.ru", 1],
    [`https://X.Bitrix24.RU:443/rest/42/${CODE}/`, "https://x.bitrix24.ru", 42],
    [`https://portal.example.com:8443/rest/7/${CODE}/`, "https://portal.example.com:8443", 7],
    [`  https://x.bitrix24.ru/rest/1/${CODE}/\n`, "https://x.bitrix24.ru", 1],
    [`http://127.0.0.1:8080/rest/1/${CODE}/`, "http://127.0.0.1:8080", 1],
    [`http://127.255.0.9/rest/1/${CODE}/`, "http://127.255.0.9", 1],
    [`http://localhost:3000/rest/1/${CODE}/`, "http://localhost:3000", 1],
    [`http://[::1]:3000/rest/1/${CODE}/`, "http://[::1]:3000", 1],
    [`https://127.0.0.1/rest/1/${CODE}/`, "https://127.0.0.1", 1],
  ])("accepts %s", (url, origin, userId) => {
    const target = parseWebhookUrl(url);
    expect(target).toEqual({ origin, userId });
    expect(target.secret).toBe(CODE);
  });

  it("decodes a percent-encoded code", () => {
    expect(parseWebhookUrl("https://x.bitrix24.ru/rest/1/ab%2Bcd%20ef/").secret).toBe("ab+cd ef");
  });

  it("hides the code from JSON, util.inspect, spreading and Object.keys", () => {
    const target = parseWebhookUrl(`https://x.bitrix24.ru/rest/1/${CODE}/`);
    expect(JSON.stringify(target)).toBe('{"origin":"https://x.bitrix24.ru","userId":1}');
    expect(inspect(target, { depth: 10 })).not.toContain(CODE);
    expect(String(Object.keys(target))).toBe("origin,userId");
    expect({ ...target }).not.toHaveProperty("secret");
    expect(Object.isFrozen(target)).toBe(true);
  });

  it.each([
    ["http on a portal", `http://x.bitrix24.ru/rest/1/${CODE}/`, "https://"],
    ["http on a private address", `http://10.0.0.1/rest/1/${CODE}/`, "https://"],
    [
      "http on a name that merely starts like loopback",
      `http://127.0.0.1.nip.io/rest/1/${CODE}/`,
      "https://",
    ],
    ["http on localhost.example", `http://localhost.example.com/rest/1/${CODE}/`, "https://"],
    ["ftp", `ftp://x.bitrix24.ru/rest/1/${CODE}/`, "https://"],
    ["ws", `wss://x.bitrix24.ru/rest/1/${CODE}/`, "https://"],
    ["no scheme", `x.bitrix24.ru/rest/1/${CODE}/`, "not an absolute URL"],
    ["garbage", CODE, "not an absolute URL"],
    ["empty", "", "not an absolute URL"],
    ["the missing code", "https://x.bitrix24.ru/rest/1/", "lacks the webhook code"],
    ["the missing code, no slash", "https://x.bitrix24.ru/rest/1", "lacks the webhook code"],
    ["an undecodable code", "https://x.bitrix24.ru/rest/1/%E0%A4%A/", "lacks the webhook code"],
    ["a non-numeric user id", `https://x.bitrix24.ru/rest/admin/${CODE}/`, "numeric user id"],
    ["user id 0", `https://x.bitrix24.ru/rest/0/${CODE}/`, "numeric user id"],
    ["a user id with leading zero", `https://x.bitrix24.ru/rest/01/${CODE}/`, "numeric user id"],
    ["a huge user id", `https://x.bitrix24.ru/rest/99999999999999999/${CODE}/`, "numeric user id"],
    ["no /rest/", `https://x.bitrix24.ru/1/${CODE}/`, "of the form"],
    ["the OAuth endpoint", "https://x.bitrix24.ru/rest/", "numeric user id"],
    ["a prefix path", `https://x.bitrix24.ru/app/rest/1/${CODE}/`, "of the form"],
    ["extra segments", `https://x.bitrix24.ru/rest/1/${CODE}/im.dialog.writing/x/`, "of the form"],
    ["a bad method segment", `https://x.bitrix24.ru/rest/1/${CODE}/im..writing`, "of the form"],
    ["a query", `https://x.bitrix24.ru/rest/1/${CODE}/?auth=${CODE}`, "?query"],
    ["a fragment", `https://x.bitrix24.ru/rest/1/${CODE}/#${CODE}`, "#fragment"],
    ["credentials", `https://admin:${CODE}@x.bitrix24.ru/rest/1/${CODE}/`, "user:password@"],
  ])(
    "rejects %s with a ConfigError that redacts the URL and says how to fix it",
    (_label, url, hint) => {
      let error: unknown;
      try {
        parseWebhookUrl(url);
      } catch (caught) {
        error = caught;
      }
      expect(error).toBeInstanceOf(ConfigError);
      const configError = error as ConfigError;
      expect(configError.option).toBe("webhook");
      expect(configError.message).toContain(hint);
      for (const text of [
        configError.message,
        String(configError.stack),
        JSON.stringify(configError),
        inspect(configError),
      ]) {
        expect(text).not.toContain(CODE);
        expect(text).not.toContain("k3y9");
      }
    },
  );

  it("quotes what can be shown and redacts the rest", () => {
    expect(() => parseWebhookUrl(`http://x.bitrix24.ru/rest/1/${CODE}/`)).toThrow(
      '"http://x.bitrix24.ru/rest/1/[REDACTED]" must start with https://',
    );
    expect(() => parseWebhookUrl(`https://x.bitrix24.ru/rest/admin/${CODE}/`)).toThrow(
      'The webhook URL "https://x.bitrix24.ru/rest/[REDACTED]" needs the numeric user id after /rest/: expected the whole URL',
    );
    expect(() => parseWebhookUrl(CODE)).toThrow('The webhook URL "[REDACTED]"');
  });

  it("shows the example it asks for, unredacted: a placeholder, not a code", () => {
    const error = thrown(ConfigError, () => parseWebhookUrl("http://x.bitrix24.ru/rest/1/abc/"));
    expect(error.message).toContain("e.g. https://your.bitrix24.ru/rest/1/<code>/");
    expect(error.message).not.toContain("abc");
  });

  it("rejects a value that is not a string", () => {
    expect(() => parseWebhookUrl(undefined as unknown as string)).toThrow(ConfigError);
    expect(() => parseWebhookUrl(42 as unknown as string)).toThrow(ConfigError);
  });
});

describe("parseWebhookUrl: a code where the user id belongs", () => {
  it("shows only a well-formed user id; anything else after /rest/ counts as the code", () => {
    for (const text of [
      "https://x.bitrix24.ru/rest/0123456789/",
      "https://x.bitrix24.ru/rest/h7x2k9q4w1m8v3zt/",
    ]) {
      const error = thrown(ConfigError, () => parseWebhookUrl(text));
      expect(error.message).toContain(`https://x.bitrix24.ru/rest/${REDACTED}`);
      expect(error.message).not.toMatch(/0123456789|h7x2k9q4w1m8v3zt/);
    }
  });
});

describe("parseWebhookUrl: any text", () => {
  // A webhook code as Bitrix24 makes them: random letters and digits. An all-digit one in the
  // user id's place would read as a user id, and be shown as one.
  const code = fc
    .stringMatching(/^[a-z0-9]{0,11}[a-z][a-z0-9]{0,12}$/)
    .filter((c) => c.length >= 8);
  const noise = fc.string({ maxLength: 12 });
  // Mostly near-misses of a webhook URL: wrong scheme, host, segments, extras; some noise.
  const url = fc.oneof(
    fc
      .tuple(
        fc.constantFrom("https://", "http://", "ftp://", "", "https:/", "HTTPS://"),
        fc.constantFrom(
          "x.bitrix24.ru",
          "127.0.0.1:8080",
          "localhost",
          "user:pw@x.bitrix24.ru",
          "",
        ),
        fc.constantFrom("/rest/", "/rest/1/", "/rest/01/", "/rest/x/", "/api/1/", "/rest/1/"),
        code,
        fc.constantFrom("", "/", "/im.dialog.writing.json", "/a/b/", "?x=1", "#f", "/../"),
        noise,
      )
      .map(([scheme, host, path, secret, tail, extra]) => ({
        text: `${scheme}${host}${path}${secret}${tail}${extra}`,
        secret,
      })),
    fc.tuple(fc.string(), code).map(([text, secret]) => ({ text: `${text}${secret}`, secret })),
  );

  it("gives a webhook target or a ConfigError that never shows the code", () => {
    fc.assert(
      fc.property(url, ({ text, secret }) => {
        let target: ReturnType<typeof parseWebhookUrl>;
        try {
          target = parseWebhookUrl(text);
        } catch (error) {
          expect(error).toBeInstanceOf(ConfigError);
          expect(`${String(error)} ${JSON.stringify(error)} ${inspect(error)}`).not.toContain(
            secret,
          );
          return;
        }
        expect(target.origin).toMatch(/^https?:\/\//);
        expect(Number.isSafeInteger(target.userId) && target.userId >= 1).toBe(true);
        expect(JSON.stringify(target)).not.toContain(secret);
      }),
      { numRuns: 3000 },
    );
  });
});

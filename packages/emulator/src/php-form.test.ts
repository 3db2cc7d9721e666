import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { buildPhpQuery } from "./php-form.js";
import { parsePhpQuery } from "./php-query.js";

// What a PHP handler (or the bot client) reads back: every scalar as text, empty maps gone.
function asPhpSees(value: unknown): unknown {
  if (value === true) return "1";
  if (value === false) return "0";
  if (value === null) return "";
  if (typeof value === "number" || typeof value === "string") return String(value);
  const out: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value as object)) {
    const seen = asPhpSees(inner);
    if (typeof seen === "object" && seen !== null && Object.keys(seen).length === 0) continue;
    out[key] = seen;
  }
  return out;
}

describe("buildPhpQuery", () => {
  it("writes the platform's webhook form", () => {
    const body = buildPhpQuery({
      event: "ONIMBOTV2MESSAGEADD",
      data: {
        bot: { id: 100, code: "demo bot" },
        message: { id: 789, isSystem: false, forward: null, params: {}, text: "a&b=c [x] ~é" },
        user: { departments: [1, 5], phones: false },
      },
      ts: 1772093963,
    });
    expect(body).toBe(
      [
        "event=ONIMBOTV2MESSAGEADD",
        "data%5Bbot%5D%5Bid%5D=100",
        "data%5Bbot%5D%5Bcode%5D=demo+bot",
        "data%5Bmessage%5D%5Bid%5D=789",
        "data%5Bmessage%5D%5BisSystem%5D=0",
        "data%5Bmessage%5D%5Bforward%5D=",
        "data%5Bmessage%5D%5Btext%5D=a%26b%3Dc+%5Bx%5D+%7E%C3%A9",
        "data%5Buser%5D%5Bdepartments%5D%5B0%5D=1",
        "data%5Buser%5D%5Bdepartments%5D%5B1%5D=5",
        "data%5Buser%5D%5Bphones%5D=0",
        "ts=1772093963",
      ].join("&"),
    );
  });

  it("round-trips through a PHP-style parser, every scalar a string", () => {
    const key = fc.stringMatching(/^[A-Za-z][A-Za-z0-9_]{0,8}$/);
    const leaf = fc.oneof(fc.string(), fc.integer(), fc.boolean(), fc.constant(null));
    const tree = fc.letrec((tie) => ({
      node: fc.oneof({ depthSize: "small" }, leaf, fc.dictionary(key, tie("node"), { maxKeys: 4 })),
    })).node;
    fc.assert(
      fc.property(fc.dictionary(key, tree, { maxKeys: 5 }), (value) => {
        expect(parsePhpQuery(buildPhpQuery(value))).toEqual(asPhpSees(value));
      }),
      { numRuns: 300 },
    );
  });

  it("encodes a deep value without recursion", () => {
    let deep: Record<string, unknown> = { leaf: 1 };
    for (let i = 0; i < 50_000; i++) deep = { a: deep };
    expect(buildPhpQuery(deep).endsWith("%5Bleaf%5D=1")).toBe(true);
  });
});

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { decodePhpForm } from "./php-form.js";

describe("decodePhpForm", () => {
  it("nests PHP-style keys, makes 0…n-1 maps lists, appends [] and keeps the last value", () => {
    expect(
      decodePhpForm(
        "event=ONIMBOTV2MESSAGEADD&data%5Bmessage%5D%5Btext%5D=Hi+there%21&data[user][departments][0]=1&data[user][departments][1]=5&tags[]=a&tags[]=b&x=1&x=2",
      ),
    ).toEqual({
      event: "ONIMBOTV2MESSAGEADD",
      data: { message: { text: "Hi there!" }, user: { departments: ["1", "5"] } },
      tags: ["a", "b"],
      x: "2",
    });
  });

  it("reads an unclosed bracket key whole, drops __proto__ and keys too deep", () => {
    const decoded = decodePhpForm(
      `a[b=1&__proto__[polluted]=1&c[__proto__][x]=1&${"d".concat("[k]".repeat(13))}=deep&e${"[k]".repeat(12)}=ok`,
    );
    expect(decoded["a[b"]).toBe("1");
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.getPrototypeOf(decoded.c)).toBe(Object.prototype);
    expect(decoded.d).toBeUndefined();
    expect(JSON.stringify(decoded.e)).toContain("ok");
  });

  it("never throws, and always gives plain records, for any body", () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ unit: "binary", maxLength: 200 }),
          fc
            .array(
              fc.tuple(
                fc.stringMatching(/^[a-z_[\]%0-9]{0,12}$/),
                fc.string({ unit: "grapheme", maxLength: 6 }),
              ),
              { maxLength: 30 },
            )
            .map((pairs) => pairs.map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join("&")),
        ),
        (body) => {
          const decoded = decodePhpForm(body);
          expect(typeof decoded).toBe("object");
          expect(Array.isArray(decoded)).toBe(false);
        },
      ),
      { numRuns: 1000 },
    );
  });

  it("decodes 200 000 appended values in linear time (a quadratic decoder would not finish)", () => {
    const body = "FIELDS[ID][]=1&".repeat(200_000);
    const decoded = decodePhpForm(body, { maxPairs: 1_000_000, maxDepth: 12 });
    expect((decoded.FIELDS as { ID: string[] }).ID).toHaveLength(200_000);
  });

  it("stops reading at maxPairs", () => {
    const decoded = decodePhpForm("a=1&b=2&c=3", { maxPairs: 2, maxDepth: 12 });
    expect(decoded).toEqual({ a: "1", b: "2" });
  });
});

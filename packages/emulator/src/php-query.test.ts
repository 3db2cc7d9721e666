import { describe, expect, it } from "vitest";
import { parsePhpQuery } from "./php-query.js";

describe("parsePhpQuery", () => {
  it("reads flat pairs, decoding percent escapes and plus signs", () => {
    expect(parsePhpQuery("a=1&b=hello+world&c=%D0%BF%D1%80%D0%B8")).toEqual({
      a: "1",
      b: "hello world",
      c: "при",
    });
  });

  it("nests bracketed keys the PHP way, [] appending", () => {
    expect(
      parsePhpQuery("FIELDS[PHONE][0][VALUE]=555&FIELDS[PHONE][0][TYPE]=WORK&cmd[]=a&cmd[]=b"),
    ).toEqual({
      FIELDS: { PHONE: { "0": { VALUE: "555", TYPE: "WORK" } } },
      cmd: { "0": "a", "1": "b" },
    });
  });

  it("ignores prototype-polluting keys and empty pairs", () => {
    const parsed = parsePhpQuery("__proto__[x]=1&&a[constructor]=2&=3&ok");
    expect(parsed).toEqual({ a: {}, ok: "" });
    expect(({} as Record<string, unknown>).x).toBeUndefined();
  });

  it("keeps malformed escapes as written", () => {
    expect(parsePhpQuery("a=%E0%A4%A")).toEqual({ a: "%E0%A4%A" });
  });
});

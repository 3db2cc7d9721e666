import { describe, expect, it } from "vitest";
import { ConfigError } from "./errors.js";
import { encodePhpQuery } from "./php-query.js";

describe("encodePhpQuery", () => {
  it.each([
    [{}, ""],
    [{ DIALOG_ID: "chat5" }, "DIALOG_ID=chat5"],
    [{ A: 1, B: "x" }, "A=1&B=x"],
    [
      { FIELDS: { PHONE: [{ VALUE: "+7 900", VALUE_TYPE: "WORK" }] } },
      "FIELDS[PHONE][0][VALUE]=%2B7%20900&FIELDS[PHONE][0][VALUE_TYPE]=WORK",
    ],
    [{ ID: [1, 2, 3] }, "ID[0]=1&ID[1]=2&ID[2]=3"],
    [{ ON: true, OFF: false }, "ON=1&OFF=0"],
    [{ A: null, B: undefined, C: 1 }, "C=1"],
    [{ A: [], B: {}, C: "" }, "C="],
    [{ A: [null, 2] }, "A[1]=2"],
    [{ AT: new Date(Date.UTC(2024, 0, 2, 3, 4, 5)) }, "AT=2024-01-02T03%3A04%3A05.000Z"],
    [
      { N: 1.5, M: -2, Z: 0, BIG: 12345678901234567890n },
      "N=1.5&M=-2&Z=0&BIG=12345678901234567890",
    ],
    [{ "key with&=[]": "v&=?#%" }, "key%20with%26%3D%5B%5D=v%26%3D%3F%23%25"],
    [{ F: { "a]b": 1 } }, "F[a%5Db]=1"],
    [{ MESSAGE: "привет 😀" }, "MESSAGE=%D0%BF%D1%80%D0%B8%D0%B2%D0%B5%D1%82%20%F0%9F%98%80"],
    [{ REF: "$result[a][ID]" }, "REF=%24result%5Ba%5D%5BID%5D"],
    [{ DEEP: { a: { b: { c: [{ d: "e" }] } } } }, "DEEP[a][b][c][0][d]=e"],
  ])("case %# → %s", (params, query) => {
    expect(encodePhpQuery(params as Record<string, unknown>)).toBe(query);
  });

  it("round-trips through a form decoder that reads PHP keys", () => {
    const query = encodePhpQuery({ FIELDS: { TITLE: "a&b=c", LIST: ["x y", "z"] } });
    expect([...new URLSearchParams(query)]).toEqual([
      ["FIELDS[TITLE]", "a&b=c"],
      ["FIELDS[LIST][0]", "x y"],
      ["FIELDS[LIST][1]", "z"],
    ]);
  });

  it.each([
    ["a function", { F: () => 1 }],
    ["a symbol", { S: Symbol("s") }],
    ["a lone surrogate", { S: "\ud800" }],
  ])("throws ConfigError for %s", (_label, params) => {
    let error: unknown;
    try {
      encodePhpQuery(params);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).option).toBe("params");
  });
});

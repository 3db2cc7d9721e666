import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { thrown } from "../testing/thrown.js";
import {
  type DialogId,
  formatDialogId,
  isDialogId,
  parseDialogId,
  toDialogId,
} from "./dialog-id.js";
import { DialogIdError } from "./errors.js";

const CANONICAL = /^([1-9]\d*|chat[1-9]\d*|sg[1-9]\d*)$/;
const MAX = Number.MAX_SAFE_INTEGER;

const accepted: ReadonlyArray<readonly [string | number, DialogId]> = [
  ["13", { kind: "user", id: 13 }],
  ["1", { kind: "user", id: 1 }],
  ["chat5", { kind: "chat", id: 5 }],
  ["CHAT5", { kind: "chat", id: 5 }],
  ["Chat5", { kind: "chat", id: 5 }],
  ["cHaT5", { kind: "chat", id: 5 }],
  ["sg7", { kind: "group", id: 7 }],
  ["SG7", { kind: "group", id: 7 }],
  ["Sg7", { kind: "group", id: 7 }],
  ["chat1234567890", { kind: "chat", id: 1234567890 }],
  [String(MAX), { kind: "user", id: MAX }],
  [`chat${MAX}`, { kind: "chat", id: MAX }],
  [`sg${MAX}`, { kind: "group", id: MAX }],
  [13, { kind: "user", id: 13 }],
  [1, { kind: "user", id: 1 }],
  [MAX, { kind: "user", id: MAX }],
];

const rejectedStrings: readonly string[] = [
  "",
  " ",
  "0",
  "chat0",
  "sg0",
  "00",
  "013",
  "chat05",
  "sg007",
  "-1",
  "+1",
  "chat-5",
  "chat+5",
  "-chat5",
  "1.5",
  "1.0",
  "13.",
  "chat5.0",
  "1e3",
  "1E3",
  "chat1e3",
  "0x1f",
  "0b1",
  "0o7",
  " 13",
  "13 ",
  "\t13",
  "13\n",
  "chat 5",
  "chat5 ",
  " chat5",
  "1 3",
  "\u00a013",
  "13\u200b",
  "chat",
  "sg",
  "CHAT",
  "chats5",
  "chat_5",
  "chat:5",
  "group7",
  "user13",
  "crm5",
  "CRM5",
  "imol|telegram|1|2|3",
  "notify",
  "imol|5",
  "lines5",
  String(MAX + 1),
  "9007199254740993",
  "99999999999999999999",
  `chat${MAX + 1}`,
  `sg${"9".repeat(40)}`,
  "١٣",
  "１３",
  "chat５",
  "13chat",
  "5chat",
  "Infinity",
  "NaN",
  "null",
  "undefined",
  "true",
  "[13]",
];

const rejectedNumbers: readonly number[] = [
  0,
  -0,
  -1,
  -13,
  1.5,
  0.1,
  13.000001,
  MAX + 1,
  MAX + 2,
  2 ** 64,
  1e21,
  Number.NaN,
  Number.POSITIVE_INFINITY,
  Number.NEGATIVE_INFINITY,
  Number.MIN_VALUE,
  -MAX,
];

const rejectedValues: ReadonlyArray<readonly [string, unknown]> = [
  ["null", null],
  ["undefined", undefined],
  ["{}", {}],
  ["[]", []],
  ["[13]", [13]],
  ["true", true],
  ["false", false],
  ["bigint", 13n],
  ["symbol", Symbol("13")],
  ["function", () => 13],
  ["Date", new Date(13)],
  ["String object", new String("13")],
  ["Number object", new Number(13)],
  ["DialogId object", { kind: "user", id: 13 }],
];

describe("parseDialogId", () => {
  it.each(accepted)("accepts %j", (input, expected) => {
    expect(parseDialogId(input)).toEqual(expected);
    expect(isDialogId(input)).toBe(true);
  });

  it.each(rejectedStrings)(
    "rejects the string %j, quoting it and naming the accepted forms",
    (input) => {
      const error = thrown(DialogIdError, () => parseDialogId(input));
      expect(error.code).toBe("DIALOG_ID_INVALID");
      expect(error.retryable).toBe(false);
      expect(error.message).toContain(JSON.stringify(input));
      expect(error.message).toContain('"chat5"');
      expect(error.message).toContain('"sg7"');
      expect(error.message).toContain('"13"');
      expect(error.input).toBe(input);
      expect(isDialogId(input)).toBe(false);
    },
  );

  it.each(rejectedNumbers)("rejects the number %s", (input) => {
    const error = thrown(DialogIdError, () => parseDialogId(input));
    expect(error.message).toContain(String(input));
    expect(isDialogId(input)).toBe(false);
  });

  it.each(rejectedValues)("rejects a non-string non-number value: %s", (_label, input) => {
    const error = thrown(DialogIdError, () => parseDialogId(input as string));
    expect(error.message).toMatch(/^Invalid dialog id .+: expected/);
  });

  it("cuts a long input to 64 characters in the message", () => {
    const long = `chat${"x".repeat(500)}`;
    const error = thrown(DialogIdError, () => parseDialogId(long));
    expect(error.input).toBe(`${long.slice(0, 64)}…`);
    expect(error.message).not.toContain("x".repeat(61));
    expect(error.message.length).toBeLessThan(300);
  });

  it("cuts by code points, never splitting a surrogate pair", () => {
    const error = thrown(DialogIdError, () => parseDialogId("😀".repeat(100)));
    expect(error.input).toBe(`${"😀".repeat(64)}…`);
  });

  it("does not quote a webhook code pasted as a dialog id", () => {
    const error = thrown(DialogIdError, () =>
      parseDialogId("https://x.bitrix24.ru/rest/1/s3cretcode42/"),
    );
    expect(error.message).not.toContain("s3cretcode42");
    expect(error.input).not.toContain("s3cretcode42");
    expect(JSON.stringify(error)).not.toContain("s3cretcode42");
  });
});

describe("formatDialogId", () => {
  it.each([
    [{ kind: "user", id: 13 }, "13"],
    [{ kind: "chat", id: 5 }, "chat5"],
    [{ kind: "group", id: 7 }, "sg7"],
    [{ kind: "user", id: MAX }, String(MAX)],
  ] as const)("writes %j as %s", (id, text) => {
    expect(formatDialogId(id)).toBe(text);
  });

  it.each([
    { kind: "user", id: 0 },
    { kind: "chat", id: -5 },
    { kind: "chat", id: 1.5 },
    { kind: "group", id: MAX + 1 },
    { kind: "group", id: "7" },
    { kind: "crm", id: 5 },
    { kind: "toString", id: 5 },
    { kind: "CHAT", id: 5 },
    { id: 5 },
    {},
    null,
  ])("throws DialogIdError for the invalid object %j", (id) => {
    const error = thrown(DialogIdError, () => formatDialogId(id as DialogId));
    expect(error.message).toContain("kind");
  });
});

describe("toDialogId and isDialogId", () => {
  it("accept the three forms, validating objects", () => {
    expect(toDialogId("sg7")).toEqual({ kind: "group", id: 7 });
    expect(toDialogId(13)).toEqual({ kind: "user", id: 13 });
    expect(toDialogId({ kind: "chat", id: 5 })).toEqual({ kind: "chat", id: 5 });
    expect(() => toDialogId({ kind: "chat", id: 0 })).toThrow(DialogIdError);
    expect(isDialogId({ kind: "chat", id: 5 })).toBe(true);
    expect(isDialogId({ kind: "chat", id: 0 })).toBe(false);
  });

  it("returns a copy without extra properties", () => {
    const input = { kind: "chat", id: 5, extra: "x" } as DialogId;
    const id = toDialogId(input);
    expect(id).toEqual({ kind: "chat", id: 5 });
    expect(id).not.toBe(input);
  });

  it("isDialogId never throws, even on hostile objects", () => {
    const hostile = new Proxy(
      {},
      {
        get() {
          throw new Error("boom");
        },
      },
    );
    expect(isDialogId(hostile)).toBe(false);
    expect(isDialogId(Object.create(null))).toBe(false);
  });
});

describe("properties", () => {
  const validString = fc
    .tuple(
      fc.constantFrom("", "chat", "CHAT", "Chat", "sg", "SG", "sG"),
      fc.integer({ min: 1, max: MAX }),
    )
    .map(([prefix, id]) => `${prefix}${id}`);

  it("format(parse(x)) is canonical and parse∘format∘parse = parse", () => {
    fc.assert(
      fc.property(fc.oneof(validString, fc.integer({ min: 1, max: MAX })), (input) => {
        const parsed = parseDialogId(input);
        const text = formatDialogId(parsed);
        expect(text).toMatch(CANONICAL);
        expect(parseDialogId(text)).toEqual(parsed);
        expect(formatDialogId(parseDialogId(text))).toBe(text);
      }),
      { numRuns: 2000 },
    );
  });

  const anyInput = fc.oneof(
    fc.anything(),
    fc.string(),
    fc.string({ unit: "grapheme" }),
    fc.string({ unit: "binary" }), // full unicode, the v4 form of fullUnicodeString
    fc.stringMatching(/^(chat|sg|crm|CHAT)?[-+ 0]?\d{0,25}(\.\d*)?(e\d+)?\s?$/),
    fc.double(),
    fc.integer(),
    fc.bigInt(),
    fc.constantFrom(MAX, MAX + 1, 2 ** 60, -MAX, Number.NaN, Number.POSITIVE_INFINITY),
    fc.object(),
    fc.array(fc.anything()),
  );

  it("for any input, parseDialogId returns a valid id or throws DialogIdError — nothing else", () => {
    fc.assert(
      fc.property(anyInput, (input) => {
        let parsed: DialogId;
        try {
          parsed = parseDialogId(input as string);
        } catch (error) {
          expect(error).toBeInstanceOf(DialogIdError);
          expect(isDialogId(input)).toBe(false);
          return;
        }
        expect(["user", "chat", "group"]).toContain(parsed.kind);
        expect(Number.isSafeInteger(parsed.id) && parsed.id >= 1).toBe(true);
        expect(formatDialogId(parsed)).toMatch(CANONICAL);
        expect(isDialogId(input)).toBe(true);
      }),
      { numRuns: 5000 },
    );
  });
});

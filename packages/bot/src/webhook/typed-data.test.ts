import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { decodePhpForm } from "./php-form.js";
import { platformForm } from "./platform-form.test-helpers.js";
import { typedEventData } from "./typed-data.js";

const text = fc.string({ unit: "grapheme", maxLength: 12 });
const someText = text.filter((value) => value !== "");
const int = fc.integer({ min: -1_000_000, max: 2_000_000_000 });
const key = fc.stringMatching(/^[a-z][a-zA-Z]{0,8}$/);
const record = (minKeys = 0) => fc.dictionary(key, text, { minKeys, maxKeys: 3 });
const orNull = <T>(arbitrary: fc.Arbitrary<T>) => fc.option(arbitrary, { nil: null });
const dateOrFalse = fc.oneof(
  fc.constant(false as const),
  someText.filter((value) => value !== "0"),
);

// Objects as FETCH mode sends them. `requiredKeys` are the fields FETCH mode always sends
// even when empty; every other field may be absent.
const bot = fc.record(
  {
    id: int,
    code: text,
    type: text,
    isHidden: fc.boolean(),
    isSupportOpenline: fc.boolean(),
    isReactionsEnabled: fc.boolean(),
    backgroundId: orNull(someText),
    language: text,
    moduleId: text,
    eventMode: text,
    countMessage: int,
    countChat: int,
  },
  { requiredKeys: ["id", "code"] },
);
const message = fc.record(
  {
    id: int,
    chatId: int,
    authorId: int,
    date: orNull(someText),
    text,
    isSystem: fc.boolean(),
    uuid: text,
    forward: orNull(
      fc.record(
        { id: int, userId: int, chatId: int, date: orNull(someText) },
        { requiredKeys: [] },
      ),
    ).filter((forward) => forward === null || Object.keys(forward).length > 0),
    params: record(),
    viewedByOthers: fc.boolean(),
  },
  { requiredKeys: ["id", "forward", "params"] },
);
const chat = fc.record(
  {
    id: int,
    dialogId: text,
    type: text,
    name: text,
    owner: int,
    color: orNull(someText),
    avatar: text,
    entityType: text,
    diskFolderId: orNull(int),
    extranet: fc.boolean(),
    entityLink: record(1),
  },
  { requiredKeys: ["id"] },
);
const user = fc.record(
  {
    id: int,
    active: fc.boolean(),
    name: text,
    firstName: text,
    bot: fc.boolean(),
    extranet: fc.boolean(),
    idle: dateOrFalse,
    lastActivityDate: dateOrFalse,
    absent: dateOrFalse,
    departments: fc.array(int, { maxLength: 3 }),
    phones: fc.oneof(fc.constant(false as const), record(1)),
    type: text,
  },
  { requiredKeys: ["id", "departments"] },
);
const data = fc.record(
  {
    bot,
    message,
    chat,
    user,
    command: fc.record({ id: int, command: text, params: text, context: text }),
    messageId: int,
    dialogId: text,
    context: record(1),
    reaction: text,
    action: text,
    language: text,
    somethingNew: text,
  },
  { requiredKeys: [] },
);

describe("typedEventData", () => {
  it("gives back for any event exactly the data FETCH mode delivers (after the platform's form encoding)", () => {
    fc.assert(
      fc.property(data, (fetchMode) => {
        const form = decodePhpForm(platformForm({ event: "ONIMBOTV2MESSAGEADD", data: fetchMode }));
        const decoded = typedEventData((form.data ?? {}) as Record<string, never>);
        expect(decoded).toEqual(fetchMode);
      }),
      { numRuns: 500 },
    );
  });

  it("turns the documented string forms back into numbers, booleans, null and false", () => {
    const form = decodePhpForm(
      "data[message][id]=789&data[message][isSystem]=0&data[message][date]=&data[user][id]=1&data[user][idle]=0&data[user][bot]=1&data[user][departments][0]=7&data[chat][diskFolderId]=",
    );
    expect(typedEventData(form.data as never)).toEqual({
      message: { id: 789, isSystem: false, date: null, params: {}, forward: null },
      user: { id: 1, idle: false, bot: true, departments: [7] },
      chat: { diskFolderId: null },
    });
  });

  it("keeps a documented field as text when its text does not fit the type: nothing is lost", () => {
    const form = decodePhpForm("data[message][id]=abc&data[user][bot]=maybe&data[messageId]=1e3");
    expect(typedEventData(form.data as never)).toMatchObject({
      message: { id: "abc" },
      user: { bot: "maybe" },
      messageId: "1e3",
    });
  });

  it("keeps the bot's OAuth tokens out of JSON and enumeration, readable as bot.auth", () => {
    const form = decodePhpForm(
      "data[bot][id]=456&data[bot][code]=helper&data[bot][auth][access_token]=s3cretAccess&data[bot][auth][refresh_token]=s3cretRefresh",
    );
    const typed = typedEventData(form.data as never);
    expect(JSON.stringify(typed)).not.toMatch(/s3cret/);
    expect(Object.keys(typed.bot ?? {})).toEqual(["id", "code"]);
    expect(typed.bot?.auth).toEqual({
      access_token: "s3cretAccess",
      refresh_token: "s3cretRefresh",
    });
  });
});

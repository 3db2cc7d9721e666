import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { thrown } from "../testing/thrown.js";
import { BATCH_LIMIT, batchCall, parseBatchResult } from "./batch.js";
import {
  AccessError,
  ApiError,
  ConfigError,
  ProtocolError,
  RateLimitError,
  ValidationError,
} from "./errors.js";
import { imbotV2InputActionNotify, imDialogWriting, type MethodCall } from "./methods.js";

type Calls = ReadonlyArray<readonly [string, MethodCall]>;
const calls: Calls = [
  ["a", imDialogWriting("chat5")],
  ["b", imDialogWriting(13)],
  ["c", { method: "crm.lead.list", params: { FILTER: { ">ID": 5 }, SELECT: ["ID", "TITLE"] } }],
];

describe("batchCall", () => {
  it("encodes each command as method?PHP-query, keyed, with halt as 0/1", () => {
    expect(batchCall(calls, false)).toEqual({
      method: "batch",
      params: {
        halt: 0,
        cmd: {
          a: "im.dialog.writing?DIALOG_ID=chat5",
          b: "im.dialog.writing?DIALOG_ID=13",
          c: "crm.lead.list?FILTER[%3EID]=5&SELECT[0]=ID&SELECT[1]=TITLE",
        },
      },
    });
    expect(batchCall(calls, true).params.halt).toBe(1);
  });

  it("writes a command without params as the bare method name", () => {
    expect(batchCall([["t", { method: "server.time", params: {} }]], false).params.cmd).toEqual({
      t: "server.time",
    });
  });

  it("keeps the order of the calls", () => {
    const many: Calls = Array.from({ length: BATCH_LIMIT }, (_, i) => [
      `k${BATCH_LIMIT - i}`,
      imDialogWriting(i + 1),
    ]);
    expect(Object.keys(batchCall(many, false).params.cmd as object)).toEqual(
      many.map(([key]) => key),
    );
  });

  it(`accepts ${BATCH_LIMIT} commands and rejects ${BATCH_LIMIT + 1}`, () => {
    const make = (n: number): Calls =>
      Array.from({ length: n }, (_, i) => [`c${i}`, imDialogWriting(i + 1)]);
    expect(Object.keys(batchCall(make(BATCH_LIMIT), false).params.cmd as object)).toHaveLength(
      BATCH_LIMIT,
    );
    const error = thrown(ConfigError, () => batchCall(make(BATCH_LIMIT + 1), false));
    expect(error.option).toBe("calls");
    expect(error.message).toContain("at most 50");
  });

  it.each([
    ["no calls", []],
    ["a nested batch", [["x", { method: "batch", params: { cmd: {} } }]]],
    ["a nested BATCH", [["x", { method: "BATCH", params: {} }]]],
    ["an invalid method", [["x", { method: "im.dialog.writing?x=1", params: {} }]]],
    ["a missing call", [["x", undefined]]],
    ["an empty key", [["", imDialogWriting(1)]]],
    ["a key with a bracket", [["a[b]", imDialogWriting(1)]]],
    ["a key with a space", [["a b", imDialogWriting(1)]]],
    ["a key with $", [["$a", imDialogWriting(1)]]],
    ["a key of 65 characters", [["k".repeat(65), imDialogWriting(1)]]],
    [
      "a repeated key",
      [
        ["a", imDialogWriting(1)],
        ["a", imDialogWriting(2)],
      ],
    ],
    [
      "a __proto__ key repeated",
      [
        ["__proto__", imDialogWriting(1)],
        ["__proto__", imDialogWriting(2)],
      ],
    ],
    ["not an array", { a: imDialogWriting(1) }],
  ])("rejects %s with ConfigError(calls) before anything is sent", (_label, bad) => {
    expect(thrown(ConfigError, () => batchCall(bad as unknown as Calls, false)).option).toBe(
      "calls",
    );
  });

  it("passes ConfigError from params encoding through", () => {
    expect(() => batchCall([["a", { method: "m", params: { f: () => 1 } }]], false)).toThrow(
      ConfigError,
    );
  });
});

describe("parseBatchResult", () => {
  it("maps results, errors, times, next and total per command, in input order", () => {
    const time = { start: 1, finish: 2, duration: 1, operating: 0.5 };
    const outcomes = parseBatchResult(calls, {
      result: { c: [{ ID: "6" }], a: true },
      result_error: { b: { error: "ACCESS_ERROR", error_description: "not a member" } },
      result_total: { c: 120 },
      result_next: { c: 50 },
      result_time: { a: time, c: time },
    });
    expect(outcomes[0]).toEqual({ status: "fulfilled", value: true, time });
    expect(outcomes[2]).toEqual({
      status: "fulfilled",
      value: [{ ID: "6" }],
      time,
      next: 50,
      total: 120,
    });
    const rejected = outcomes[1];
    expect(rejected?.status).toBe("rejected");
    const reason = (rejected as { reason: ApiError }).reason;
    expect(reason).toBeInstanceOf(AccessError);
    expect(reason.method).toBe("im.dialog.writing");
    expect(reason.description).toBe("not a member");
    expect(reason.status).toBe(200);
  });

  it("reads empty maps sent as []", () => {
    expect(
      parseBatchResult(calls, {
        result: { a: true, b: true, c: [] },
        result_error: [],
        result_total: [],
        result_next: [],
        result_time: [],
      }),
    ).toEqual([
      { status: "fulfilled", value: true },
      { status: "fulfilled", value: true },
      { status: "fulfilled", value: [] },
    ]);
  });

  it("reads result maps sent as lists (keys 0, 1, …)", () => {
    const numbered: Calls = [
      ["0", imDialogWriting(1)],
      ["1", imDialogWriting(2)],
    ];
    expect(
      parseBatchResult(numbered, {
        result: [true, false],
        result_error: [],
        result_time: [{ duration: 1 }, { duration: 2 }],
      }),
    ).toEqual([
      { status: "fulfilled", value: true, time: { duration: 1 } },
      { status: "fulfilled", value: false, time: { duration: 2 } },
    ]);
    expect(
      parseBatchResult(numbered, {
        result: { "1": true },
        result_error: [{ error: "ACCESS_ERROR" }],
      }).map((o) => o.status),
    ).toEqual(["rejected", "fulfilled"]);
  });

  it("marks commands that halt stopped as skipped", () => {
    const outcomes = parseBatchResult(calls, {
      result: { a: true },
      result_error: { b: { error: "DIALOG_ID_EMPTY", error_description: "" } },
      result_total: [],
      result_next: [],
      result_time: [],
    });
    expect(outcomes.map((o) => o.status)).toEqual(["fulfilled", "rejected", "skipped"]);
    expect((outcomes[1] as { reason: ApiError }).reason).toBeInstanceOf(ValidationError);
  });

  it("keeps null and false results as fulfilled", () => {
    expect(parseBatchResult(calls.slice(0, 2), { result: { a: null, b: false } })).toEqual([
      { status: "fulfilled", value: null },
      { status: "fulfilled", value: false },
    ]);
  });

  it("types each command's error, numeric codes as text, OPERATION_TIME_LIMIT with retryAt", () => {
    const outcomes = parseBatchResult(calls, {
      result: [],
      result_error: {
        a: {
          error: "OPERATION_TIME_LIMIT",
          error_description: "",
          time: { operating_reset_at: 1700000600 },
        },
        b: { error: 100, error_description: "odd" },
        c: { error: "ERROR_BATCH_LENGTH_EXCEEDED" },
      },
    });
    const reasons = outcomes.map((o) => (o as { reason: ApiError }).reason);
    expect(reasons[0]).toBeInstanceOf(RateLimitError);
    expect((reasons[0] as RateLimitError).retryAt).toBe(1_700_000_600_000);
    expect(reasons[1]?.constructor).toBe(ApiError);
    expect(reasons[1]?.code).toBe("100");
    expect(reasons[2]).toBeInstanceOf(ValidationError);
    expect(reasons[2]?.method).toBe("crm.lead.list");
  });

  it("redacts each command's secret params in its error", () => {
    const botCall = imbotV2InputActionNotify({
      dialogId: "chat5",
      botId: 7,
      botToken: "bot-t0ken-42",
    });
    const [outcome] = parseBatchResult(
      [["x", botCall]],
      {
        result_error: {
          x: {
            error: "BOT_NOT_FOUND",
            error_description: "bad token bot-t0ken-42, hook h00k-c0de",
          },
        },
      },
      { secrets: ["h00k-c0de"] },
    );
    const reason = (outcome as { reason: ApiError }).reason;
    expect(reason.description).toBe("bad token [REDACTED], hook [REDACTED]");
  });

  it.each([
    ["null", null],
    ["an array", [true]],
    ["a string", "ok"],
    ["result as a string", { result: "x" }],
    ["result_error as a number", { result: {}, result_error: 5 }],
    ["an error without a code", { result: {}, result_error: { a: { error_description: "x" } } }],
    ["an error that is a string", { result: {}, result_error: { a: "ACCESS_ERROR" } }],
  ])("throws ProtocolError for a malformed answer: %s", (_label, result) => {
    expect(() => parseBatchResult(calls, result)).toThrow(ProtocolError);
  });
});

describe("answers nested too deep to show", () => {
  it("a malformed batch answer is a ProtocolError, not a RangeError", () => {
    const deep = JSON.parse(`${"[".repeat(200_000)}${"]".repeat(200_000)}`);
    const calls = [["a", { method: "profile", params: {} }]] as const;
    expect(() => parseBatchResult(calls, deep)).toThrow(ProtocolError);
    expect(() => parseBatchResult(calls, { result_error: { a: { error: deep } } })).toThrow(
      ProtocolError,
    );
  });
});

describe("keys that name Object.prototype members", () => {
  it("are sent and read back like any other key", () => {
    const odd: Calls = [
      ["__proto__", imDialogWriting(1)],
      ["constructor", imDialogWriting(2)],
      ["toString", imDialogWriting(3)],
    ];
    const { cmd } = batchCall(odd, false).params as { cmd: Record<string, string> };
    expect(JSON.parse(JSON.stringify(cmd))).toEqual(
      JSON.parse(
        '{"__proto__":"im.dialog.writing?DIALOG_ID=1","constructor":"im.dialog.writing?DIALOG_ID=2","toString":"im.dialog.writing?DIALOG_ID=3"}',
      ),
    );
    expect(Object.keys(cmd)).toEqual(["__proto__", "constructor", "toString"]);
    const answer = JSON.parse(
      '{"result":{"__proto__":true},"result_error":{"toString":{"error":"ACCESS_ERROR"}}}',
    );
    expect(parseBatchResult(odd, answer).map((o) => o.status)).toEqual([
      "fulfilled",
      "skipped",
      "rejected",
    ]);
  });
});

describe("parseBatchResult: any answer at all", () => {
  const SECRET = "pl4nt3dB0tT0ken";
  const secretCalls: Calls = [
    ["a", imbotV2InputActionNotify({ botId: 7, dialogId: "chat5", botToken: SECRET })],
    ["b", imDialogWriting(13)],
    ["constructor", imDialogWriting("chat1")],
  ];
  const echo = fc.constantFrom(SECRET, `auth=${SECRET}`, "ACCESS_ERROR", "");
  const anything = fc.oneof(fc.jsonValue(), echo);
  // Maps keyed by the calls' keys (and others), as lists or objects, holding anything.
  const map = fc.oneof(
    fc.dictionary(fc.constantFrom("a", "b", "constructor", "x", "0"), anything, { maxKeys: 4 }),
    fc.array(anything, { maxLength: 3 }),
    anything,
  );
  const failure = fc.record(
    { error: anything, error_description: anything, time: anything },
    { requiredKeys: [] },
  );
  const answer = fc.oneof(
    fc.jsonValue(),
    fc.record(
      {
        result: map,
        result_error: fc.oneof(
          map,
          fc.dictionary(fc.constantFrom("a", "b", "constructor"), failure),
        ),
        result_time: map,
        result_next: map,
        result_total: map,
      },
      { requiredKeys: [] },
    ),
  );

  it("gives one outcome per call or throws ProtocolError, and never shows the secret", () => {
    fc.assert(
      fc.property(answer, (result) => {
        let outcomes: ReturnType<typeof parseBatchResult>;
        try {
          outcomes = parseBatchResult(secretCalls, result);
        } catch (error) {
          expect(error).toBeInstanceOf(ProtocolError);
          expect(`${String(error)} ${JSON.stringify(error)}`).not.toContain(SECRET);
          return;
        }
        expect(outcomes).toHaveLength(secretCalls.length);
        for (const outcome of outcomes) {
          expect(["fulfilled", "rejected", "skipped"]).toContain(outcome.status);
          if (outcome.status === "rejected") {
            expect(outcome.reason).toBeInstanceOf(ApiError);
            expect(`${String(outcome.reason)} ${JSON.stringify(outcome.reason)}`).not.toContain(
              SECRET,
            );
          }
        }
      }),
      { numRuns: 1000 },
    );
  });
});

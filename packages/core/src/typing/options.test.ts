import { describe, expect, it } from "vitest";
import { ConfigError } from "../protocol/errors.js";
import { thrown } from "../testing/thrown.js";
import { DEFAULT_TYPING_OPTIONS, resolveTypingOptions, type TypingOptions } from "./options.js";

function configErrorOf(options: unknown): ConfigError {
  return thrown(ConfigError, () =>
    resolveTypingOptions(DEFAULT_TYPING_OPTIONS, options as TypingOptions),
  );
}

describe("resolveTypingOptions", () => {
  it("defaults encode Bitrix24's timings", () => {
    expect(resolveTypingOptions(DEFAULT_TYPING_OPTIONS, {})).toEqual({
      refreshMs: 20_000,
      initialDelayMs: 0,
      maxDurationMs: 300_000,
      as: "user",
      onError: undefined,
      signal: undefined,
    });
  });

  it("returns the base itself when a lease brings no options, so leases share it", () => {
    const base = resolveTypingOptions(DEFAULT_TYPING_OPTIONS, { refreshMs: 500 });
    expect(resolveTypingOptions(base, undefined)).toBe(base);
  });

  it("honours values as given and replaces the base key by key", () => {
    const onError = () => {};
    const signal = new AbortController().signal;
    const base = resolveTypingOptions(DEFAULT_TYPING_OPTIONS, { refreshMs: 300, onError });
    const resolved = resolveTypingOptions(base, {
      initialDelayMs: 0.5,
      maxDurationMs: Infinity,
      signal,
    });
    expect(resolved).toEqual({
      refreshMs: 300,
      initialDelayMs: 0.5,
      maxDurationMs: Infinity,
      as: "user",
      onError,
      signal,
    });
  });

  it.each([
    ["refreshMs", 0],
    ["refreshMs", -1],
    ["refreshMs", Number.NaN],
    ["refreshMs", Number.POSITIVE_INFINITY],
    ["refreshMs", "500"],
    ["initialDelayMs", -1],
    ["initialDelayMs", Number.NaN],
    ["initialDelayMs", Number.POSITIVE_INFINITY],
    ["refreshMs", 3e9],
    ["initialDelayMs", 3e9],
    ["maxDurationMs", 3e9],
    ["sendTimeoutMs", 0],
    ["sendTimeoutMs", 3e9],
    ["sendTimeoutMs", Number.POSITIVE_INFINITY],
    ["maxDurationMs", 0],
    ["maxDurationMs", Number.NaN],
    ["maxDurationMs", null],
    ["onError", "log"],
    ["signal", {}],
    ["as", "bot"],
    ["as", null],
  ])("rejects %s = %s with a ConfigError naming typing.%s", (key, value) => {
    const error = configErrorOf({ [key]: value });
    expect(error.option).toBe(`typing.${key}`);
    expect(error.code).toBe("CONFIG_INVALID");
    expect(error.message).toContain(`typing.${key}`);
  });

  it("rejects an unknown option, naming it and the known ones", () => {
    const error = configErrorOf({ refresh: 500 });
    expect(error.option).toBe("typing.refresh");
    expect(error.message).toContain("refreshMs");
    expect(configErrorOf({ toString: () => "" }).option).toBe("typing.toString");
    expect(configErrorOf(JSON.parse('{"__proto__": 1}')).option).toBe("typing.__proto__");
  });

  it("rejects options that are no object", () => {
    expect(configErrorOf(500).option).toBe("typing");
    expect(configErrorOf([]).option).toBe("typing");
  });

  it.each([
    [{ botId: 0 }, "typing.as.botId"],
    [{ botId: 1.5 }, "typing.as.botId"],
    [{ botId: "7" }, "typing.as.botId"],
    [{ clientId: "app" }, "typing.as.botId"],
    [{ botId: 7, clientId: "" }, "typing.as.clientId"],
    [{ botId: 7, v2: "yes" }, "typing.as.v2"],
    [{ botId: 7, v2: true, clientId: "app" }, "typing.as.clientId"],
    [{ botId: 7, v2: true, statusMessageCode: 5 }, "typing.as.statusMessageCode"],
    [{ botId: 7, botToken: "tok" }, "typing.as.botToken"],
    [{ botId: 7, statusMessageCode: "X" }, "typing.as.statusMessageCode"],
    [{ botId: 7, token: "x" }, "typing.as.token"],
  ])("rejects the identity %j naming %s", (as, option) => {
    expect(configErrorOf({ as }).option).toBe(option);
  });

  it("copies a valid identity so later changes to the caller's object do not apply", () => {
    const as = {
      botId: 7,
      v2: true as const,
      botToken: "t0ken-value",
      statusMessageCode: "IMBOT_AGENT_ACTION_THINKING",
    };
    const resolved = resolveTypingOptions(DEFAULT_TYPING_OPTIONS, { as });
    as.botId = 8;
    expect(resolved.as).toEqual({
      botId: 7,
      v2: true,
      botToken: "t0ken-value",
      statusMessageCode: "IMBOT_AGENT_ACTION_THINKING",
    });
    expect(
      resolveTypingOptions(DEFAULT_TYPING_OPTIONS, { as: { botId: 7, v2: false } as never }).as,
    ).toEqual({ botId: 7 });
  });

  it("never quotes a bad string value, which may be a secret", () => {
    const secret = "sup3r-secret-bot-token";
    const errors = [
      configErrorOf({ as: { botId: 7, botToken: secret } }),
      configErrorOf({ as: { botId: secret, v2: true, botToken: secret } }),
      configErrorOf({ refreshMs: secret }),
    ];
    for (const error of errors) {
      expect(`${error.message} ${error.stack} ${JSON.stringify(error)}`).not.toContain(secret);
    }
  });
});

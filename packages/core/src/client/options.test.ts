import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ConfigError } from "../protocol/errors.js";
import { createFakeClock } from "../testing/fake-clock.js";
import { createFakeTransport } from "../testing/fake-transport.js";
import { createClient } from "./client.js";
import type { ClientOptions } from "./options.js";

const webhook = "https://x.bitrix24.ru/rest/1/code1234/";
const transport = createFakeTransport();

function optionOf(options: unknown): string | undefined {
  try {
    createClient(options as ClientOptions);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).not.toContain("code1234");
    return (error as ConfigError).option;
  }
  return undefined;
}

describe("createClient options", () => {
  it.each([
    [undefined, "options"],
    [{ transport }, "webhook"],
    [
      { webhook, oauth: { clientEndpoint: "https://x/rest/", accessToken: "t" }, transport },
      "webhook",
    ],
    [{ webhook: "http://x.bitrix24.ru/rest/1/code1234/", transport }, "webhook"],
    [{ webhook }, "transport"],
    [{ webhook, transport: {} }, "transport"],
    [{ oauth: "token", transport }, "oauth"],
    [
      { oauth: { clientEndpoint: "https://x.bitrix24.ru/", accessToken: "t" }, transport },
      "oauth.clientEndpoint",
    ],
    [{ webhook, transport, timeoutMs: 0 }, "timeoutMs"],
    [{ webhook, transport, timeoutMs: Number.POSITIVE_INFINITY }, "timeoutMs"],
    // Timers clamp delays above 2^31 - 1 ms to 1 ms: 3e9 would time out after 1 ms, not 35 days.
    [{ webhook, transport, timeoutMs: 3e9 }, "timeoutMs"],
    [{ webhook, transport, followPortalMoves: "yes" }, "followPortalMoves"],
    [{ webhook, transport, retry: true }, "retry"],
    [{ webhook, transport, retry: { attempts: 0 } }, "retry.attempts"],
    [{ webhook, transport, retry: { attempts: 2.5 } }, "retry.attempts"],
    [{ webhook, transport, retry: { baseDelayMs: -1 } }, "retry.baseDelayMs"],
    [{ webhook, transport, retry: { maxDelayMs: Number.NaN } }, "retry.maxDelayMs"],
    [{ webhook, transport, retry: { maxDelayMs: 3e9 } }, "retry.maxDelayMs"],
    [{ webhook, transport, retry: { baseDelayMs: 3e9 } }, "retry.baseDelayMs"],
    [{ webhook, transport, retry: { random: 0.5 } }, "retry.random"],
    [{ webhook, transport, rateLimit: "premium" }, "rateLimit"],
    [{ webhook, transport, rateLimit: { drainPerSecond: 0, bucketSize: 50 } }, "rateLimit"],
    [{ webhook, transport, rateLimit: { drainPerSecond: 2, bucketSize: 0.5 } }, "rateLimit"],
    [{ webhook, transport, clock: {} }, "clock"],
    [{ webhook, transport, hooks: { onRequest: "log" } }, "hooks"],
    [{ webhook, transport, typing: { refreshMs: -5 } }, "typing.refreshMs"],
    [{ webhook, transport, typing: { refreshMs: 3e9 } }, "typing.refreshMs"],
  ])("rejects %j naming %s", (options, option) => {
    expect(optionOf(options)).toBe(option);
  });

  it("a webhook read from an unset variable fails with what to set (the type accepts undefined)", () => {
    const fromEnvironment: ClientOptions = { webhook: undefined, transport };
    expect(() => createClient(fromEnvironment)).toThrow(
      expect.objectContaining({
        option: "webhook",
        message: expect.stringMatching(/undefined.*set that variable/),
      }),
    );
    expect(() => createClient(fromEnvironment)).toThrow(/process\.env\.B24_WEBHOOK_URL/);
  });

  it("names the longest delay timers honour in the message of a too-long ms option", () => {
    expect(() => createClient({ webhook, transport, timeoutMs: 3e9 })).toThrow(
      /timeoutMs must be a number > 0 and ≤ 2147483647 \(about 24\.8 days\); got 3000000000/,
    );
    expect(optionOf({ webhook, transport, timeoutMs: 2_147_483_647 })).toBeUndefined();
  });

  it("accepts every documented form", () => {
    const clock = createFakeClock();
    for (const rateLimit of [
      "standard",
      "enterprise",
      false,
      { drainPerSecond: 1, bucketSize: 10 },
    ] as const) {
      expect(
        optionOf({ webhook, transport, clock, rateLimit, retry: false, timeoutMs: 5 }),
      ).toBeUndefined();
    }
    expect(
      optionOf({
        oauth: { clientEndpoint: "https://x.bitrix24.ru/rest/", accessToken: "t0k3n" },
        transport,
        retry: { attempts: 1, baseDelayMs: 0, maxDelayMs: 0 },
        hooks: { onRequest: () => {} },
      }),
    ).toBeUndefined();
  });
});

describe("createClient options: anything at all", () => {
  // Each option either left out, given a valid value, or given anything fast-check can make
  // (objects with getters, prototypes, odd keys, numbers, strings with the secret in them).
  const anything = fc.anything({
    withObjectString: true,
    withNullPrototype: true,
    withBigInt: true,
  });
  const maybe = <T>(valid: T) =>
    fc.option(fc.oneof(fc.constant(valid), anything), { nil: undefined });
  const options = fc.record(
    {
      webhook: maybe(webhook),
      oauth: maybe({ clientEndpoint: "https://x.bitrix24.ru/rest/", accessToken: "t0k3n" }),
      transport: maybe(transport),
      rateLimit: maybe("standard"),
      retry: maybe({ attempts: 2 }),
      timeoutMs: maybe(1000),
      followPortalMoves: maybe(true),
      typing: maybe({ refreshMs: 1000 }),
      clock: maybe(createFakeClock()),
      hooks: maybe({}),
    },
    { requiredKeys: [] },
  );

  const TOP_LEVEL = [
    "options",
    "webhook",
    "oauth",
    "transport",
    "rateLimit",
    "retry",
    "timeoutMs",
    "followPortalMoves",
    "typing",
    "clock",
    "hooks",
  ];

  it("makes a client or throws ConfigError that names an option and shows no secret", () => {
    fc.assert(
      fc.property(options, (given) => {
        const option = optionOf(given);
        if (option !== undefined) expect(option.split(".")[0]).toBeOneOf([...TOP_LEVEL]);
      }),
      { numRuns: 2000 },
    );
  });
});

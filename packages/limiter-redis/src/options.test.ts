import { ConfigError } from "@b24im/core";
import { describe, expect, it } from "vitest";
import { createRedisRateLimiter } from "./create-limiter.js";
import { checkLimiterOptions } from "./options.js";

// Stand-ins of the two clients' shapes: the option checks look at nothing else.
const nodeRedis = { evalSha: async () => [], eval: async () => [], isOpen: true };
const ioredis = { evalsha: async () => [], eval: async () => [], status: "ready" };
const KEY = "b24im:example.bitrix24.ru:203.0.113.7";

const configError = (options: unknown): ConfigError => {
  try {
    checkLimiterOptions(options);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error("no ConfigError");
};

describe("createRedisRateLimiter's options", () => {
  it("defaults to the standard tariff with one request's drain as the margin", () => {
    const settings = checkLimiterOptions({ redis: nodeRedis, key: KEY });
    expect(settings.shape).toEqual({
      intervalUs: 500_000,
      fullUs: 25_000_000,
      windowUs: 24_500_000,
    });
    expect(settings.maxWaitMs).toBeUndefined();
  });

  it("knows enterprise, a custom bucket, and keeps at least 100 ms of margin", () => {
    expect(
      checkLimiterOptions({ redis: ioredis, key: KEY, rateLimit: "enterprise" }).shape,
    ).toEqual({ intervalUs: 200_000, fullUs: 50_000_000, windowUs: 49_800_000 });
    const fast = { drainPerSecond: 20, bucketSize: 10 };
    expect(checkLimiterOptions({ redis: ioredis, key: KEY, rateLimit: fast }).shape).toEqual({
      intervalUs: 50_000,
      fullUs: 500_000,
      windowUs: 400_000,
    });
  });

  it("rounds a drain that is no whole number of µs towards the safe side", () => {
    const { shape } = checkLimiterOptions({
      redis: ioredis,
      key: KEY,
      rateLimit: { drainPerSecond: 3, bucketSize: 3 },
      safetyMarginMs: 1000 / 3,
    });
    expect(shape).toEqual({ intervalUs: 333_334, fullUs: 1_000_002, windowUs: 666_668 });
  });

  it("a bucket of one has no room for a margin: the default is 0, a larger one is refused", () => {
    const one = { drainPerSecond: 1, bucketSize: 1 };
    const { shape } = checkLimiterOptions({ redis: ioredis, key: KEY, rateLimit: one });
    expect(shape.windowUs).toBe(shape.fullUs);
    const error = configError({ redis: ioredis, key: KEY, rateLimit: one, safetyMarginMs: 1 });
    expect(error.option).toBe("safetyMarginMs");
    expect(error.message).toBe("safetyMarginMs must be a number from 0 to 0; got 1");
  });

  it.each([
    [undefined, "options", /an object such as \{ redis, key \}/],
    [{ key: KEY }, "redis", /a connected @redis\/client .* or ioredis client/],
    [{ redis: "redis://:pw@host", key: KEY }, "redis", /; got a string$/],
    [{ redis: { ...nodeRedis, isOpen: false }, key: KEY }, "redis", /await client.connect\(\)/],
    [{ redis: { ...ioredis, status: "end" }, key: KEY }, "redis", /after quit\(\)/],
    [{ redis: ioredis, key: "" }, "key", /a non-empty string; got an empty string/],
    [{ redis: ioredis, key: KEY, rateLimit: "premium" }, "rateLimit", /"standard", "enterprise"/],
    [
      { redis: ioredis, key: KEY, rateLimit: { drainPerSecond: 0, bucketSize: 5 } },
      "rateLimit.drainPerSecond",
      /from 0.01 to 1000000; got 0$/,
    ],
    [
      { redis: ioredis, key: KEY, rateLimit: { drainPerSecond: 2, bucketSize: 2.5 } },
      "rateLimit.bucketSize",
      /an integer from 1/,
    ],
    [{ redis: ioredis, key: KEY, safetyMarginMs: -1 }, "safetyMarginMs", /from 0 to 24500; got -1/],
    [
      { redis: ioredis, key: KEY, maxWaitMs: Number.NaN },
      "maxWaitMs",
      /from 0 to 2147483647; got NaN/,
    ],
  ])("refuses %j with a ConfigError naming %s", (options, option, message) => {
    const error = configError(options);
    expect(error.option).toBe(option);
    expect(error.message).toMatch(message);
  });

  it("never quotes a value: a URL with a password passed as the client stays out", () => {
    const error = configError({ redis: "redis://bot:hunter22@cache:6379", key: KEY });
    expect(`${error.message} ${error.stack}`).not.toContain("hunter22");
  });
});

describe("acquire's arguments", () => {
  it("rejects a signal that is no AbortSignal and an unknown priority, asking Redis nothing", async () => {
    let asked = 0;
    const redis = {
      ...ioredis,
      evalsha: async () => {
        asked++;
        return ["1", "0", "0", "g"];
      },
    };
    const limiter = createRedisRateLimiter({ redis, key: KEY });
    const notSignal = { aborted: false } as unknown as AbortSignal;
    await expect(limiter.acquire(notSignal)).rejects.toMatchObject({ option: "signal" });
    const urgent = "urgent" as unknown as "high";
    await expect(limiter.acquire(undefined, urgent)).rejects.toMatchObject({
      option: "priority",
      message: 'priority must be "high" or "normal"; got a string',
    });
    expect(asked).toBe(0);
    await expect(limiter.acquire(undefined, "high")).resolves.toBeUndefined();
    expect(asked).toBe(1);
  });
});

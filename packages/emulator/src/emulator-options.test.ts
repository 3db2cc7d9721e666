import { describe, expect, it } from "vitest";
import { checkEmulatorOptions } from "./emulator-options.js";
import { defaultSeed } from "./seed.js";
import { startEmulator } from "./server.js";

describe("startEmulator options", () => {
  it.each([
    [null, "options", TypeError],
    ["standard", "options", TypeError],
    [{ port: "8080" }, "port", TypeError],
    [{ port: 70_000 }, "port", RangeError],
    [{ host: 42 }, "host", TypeError],
    [{ rateLimit: "Standard" }, "rateLimit", TypeError],
    [{ rateLimit: { drainPerSecond: 2, bucketSize: 0 } }, "rateLimit", TypeError],
    [{ typingTtlMs: -5 }, "typingTtlMs", RangeError],
    [{ accessTokenTtlMs: Number.NaN }, "accessTokenTtlMs", RangeError],
    [{ seed: 5 }, "seed", TypeError],
    [{ seed: { users: [], chats: {} } }, "seed", TypeError],
    [{ https: { key: "k" } }, "https", TypeError],
    [{ processingMs: { profile: -1 } }, "processingMs", TypeError],
    [{ movedTo: "new.bitrix24.ru" }, "movedTo", TypeError],
    [{ logLimit: 1.5 }, "logLimit", RangeError],
    [{ maxBodyBytes: 0 }, "maxBodyBytes", RangeError],
    [{ webhookTimeoutMs: "5s" }, "webhookTimeoutMs", TypeError],
    [{ now: 5 }, "now", TypeError],
    [{ seed: { users: [], bots: [{ id: 9, type: "robot" }] } }, "seed.bots\\[0\\].type", TypeError],
    [
      { seed: { users: [], bots: [{ id: 9, eventMode: "push" }] } },
      "seed.bots\\[0\\].eventMode",
      TypeError,
    ],
    [
      { seed: { users: [], bots: [{ id: 9, eventMode: "webhook" }] } },
      "seed.bots\\[0\\].webhookUrl",
      TypeError,
    ],
  ])("rejects %j, naming options.%s", async (options, option, errorClass) => {
    const error = await startEmulator(options as never).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(errorClass);
    expect((error as Error).message).toMatch(
      new RegExp(`^startEmulator: options\\.${option} must be `),
    );
  });

  it("never prints a key or certificate it refuses", () => {
    const secretKey = "-----BEGIN PRIVATE KEY----- s3cretKeyMaterial";
    expect(() => checkEmulatorOptions({ https: { key: secretKey } })).toThrow(/got an object/);
    expect(() => checkEmulatorOptions({ https: { key: secretKey } })).not.toThrow(
      /s3cretKeyMaterial/,
    );
  });

  it("accepts every documented form", () => {
    const options = {
      host: "127.0.0.1",
      port: 0,
      seed: defaultSeed(),
      rateLimit: { drainPerSecond: 2, bucketSize: 50 },
      operatingBudgetSeconds: 480,
      processingMs: { profile: 5 },
      typingTtlMs: 35_000,
      accessTokenTtlMs: 3_600_000,
      movedTo: "https://new.bitrix24.ru",
      logLimit: 0,
      now: () => 0,
    };
    expect(checkEmulatorOptions(options)).toBe(options);
    for (const rateLimit of [false, "standard", "enterprise"] as const) {
      expect(checkEmulatorOptions({ rateLimit })).toEqual({ rateLimit });
    }
    expect(checkEmulatorOptions(undefined)).toEqual({});
  });
});

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Emulator } from "../emulator-types.js";
import { startEmulator } from "../server.js";
import { postJson } from "../test-http.js";

describe("server.time, profile, im.revision.get", () => {
  let emulator: Emulator;
  beforeAll(async () => {
    emulator = await startEmulator({ now: () => Date.UTC(2026, 0, 2, 3, 4, 5) });
  });
  afterAll(() => emulator.close());

  it("answers the portal time", async () => {
    const { body } = await postJson(`${emulator.webhookUrl()}server.time`);
    expect(body.result).toBe("2026-01-02T03:04:05+00:00");
    expect(body.time.date_start).toBe("2026-01-02T03:04:05+00:00");
  });

  it("answers the caller's profile", async () => {
    const { body } = await postJson(`${emulator.webhookUrl(2)}profile`);
    expect(body.result).toMatchObject({
      ID: "2",
      ADMIN: false,
      NAME: "Boris",
      LAST_NAME: "Petrov",
    });
  });

  it("answers the im revisions", async () => {
    const { body } = await postJson(`${emulator.webhookUrl()}im.revision.get`);
    expect(body.result).toEqual({ rest: 27, web: 163, mobile: 24 });
  });
});

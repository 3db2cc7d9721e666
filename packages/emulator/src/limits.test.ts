import { afterEach, describe, expect, it } from "vitest";
import type { Emulator, EmulatorOptions } from "./emulator-types.js";
import { startEmulator } from "./server.js";
import { postJson } from "./test-http.js";

describe("limits", () => {
  let emulator: Emulator;
  let clock = 1_800_000_000_000;
  const start = async (options: EmulatorOptions) => {
    emulator = await startEmulator({ now: () => clock, ...options });
    return emulator;
  };
  afterEach(() => emulator.close());

  const writing = (dialogId = "chat1") =>
    postJson(`${emulator.webhookUrl()}im.dialog.writing`, { DIALOG_ID: dialogId });

  it("at standard: 60 at once give 50 × 200 and 10 × 503; 5 s later 10 more pass", async () => {
    await start({ rateLimit: "standard" });
    const burst = await Promise.all(Array.from({ length: 60 }, () => writing()));
    const statuses = burst.map((answer) => answer.status);
    expect(statuses.filter((status) => status === 200)).toHaveLength(50);
    const refused = burst.filter((answer) => answer.status === 503);
    expect(refused).toHaveLength(10);
    expect(refused[0]?.body.error).toBe("QUERY_LIMIT_EXCEEDED");
    expect(refused[0]?.headers.get("retry-after")).toBeNull();
    clock += 5_000;
    const later = await Promise.all(Array.from({ length: 11 }, () => writing()));
    expect(later.filter((answer) => answer.status === 200)).toHaveLength(10);
    expect(emulator.counters).toMatchObject({ requests: 71, ok: 60, rejected503: 11 });
  });

  it("counts a batch once in the bucket", async () => {
    await start({ rateLimit: { drainPerSecond: 1, bucketSize: 2 } });
    const cmd = Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`t${i}`, "server.time"]));
    const batchUrl = `${emulator.webhookUrl()}batch`;
    expect((await postJson(batchUrl, { cmd })).status).toBe(200);
    expect((await postJson(batchUrl, { cmd })).status).toBe(200);
    expect((await postJson(batchUrl, { cmd })).status).toBe(503);
  });

  it("refuses a method past its operating budget with 429 while others keep working", async () => {
    await start({ operatingBudgetSeconds: 1, processingMs: { "IM.Dialog.Writing": 400 } });
    const first = await writing();
    expect(first.body.time.processing).toBeGreaterThanOrEqual(0.4);
    expect(first.body.time.operating).toBeGreaterThanOrEqual(0.4);
    await writing();
    await writing();
    const refused = await writing();
    expect([refused.status, refused.body.error]).toEqual([429, "OPERATION_TIME_LIMIT"]);
    expect(refused.body.time.operating_reset_at).toBe(Math.floor(clock / 60_000) * 60 + 600);
    expect((await postJson(`${emulator.webhookUrl()}server.time`)).status).toBe(200);
    expect((await postJson(`${emulator.webhookUrl(2)}im.dialog.writing`, {})).status).toBe(200);
    expect(emulator.counters.rejected429).toBe(1);
    clock += 10 * 60_000;
    expect((await writing()).status).toBe(200);
  });

  it("actually waits the simulated processing time", async () => {
    await start({ processingMs: { "server.time": 150 } });
    const started = performance.now();
    await postJson(`${emulator.webhookUrl()}server.time`);
    expect(performance.now() - started).toBeGreaterThanOrEqual(140);
  });

  it("charges each batch command to its own method", async () => {
    await start({ operatingBudgetSeconds: 0.2, processingMs: { "server.time": 250 } });
    const { body } = await postJson(`${emulator.webhookUrl()}batch`, {
      cmd: { a: "server.time", b: "server.time", c: "im.dialog.writing?DIALOG_ID=chat1" },
    });
    expect(Object.keys(body.result.result)).toEqual(["a", "c"]);
    expect(body.result.result_error.b.error).toBe("OPERATION_TIME_LIMIT");
  });
});

import { type Emulator, startEmulator } from "@b24im/emulator";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runDemo, startDemo } from "./run-demo.js";

let emulator: Emulator;
let webhook: string;
let code: string;

beforeAll(async () => {
  emulator = await startEmulator({ typingTtlMs: 4000 });
  webhook = emulator.webhookUrl(1);
  code = webhook.split("/").at(-2) ?? "";
  expect(code.length).toBeGreaterThan(8);
});
afterAll(() => emulator.close());

describe("pnpm demo -- --webhook URL --dialog ID (a real portal; here a separate emulator)", () => {
  it.each(["node", "fetch"])(
    "keeps typing with the %s transport, reports each refresh, never prints the webhook code",
    async (transport) => {
      emulator.reset();
      const run = await runDemo([
        "--",
        "--webhook",
        webhook,
        "--dialog",
        "chat1",
        "--seconds",
        "2",
        "--refresh-ms",
        "1000",
        "--transport",
        transport,
      ]);
      expect(run.code).toBe(0);
      expect(run.stdout).toContain("[REDACTED]");
      expect(run.stdout).toMatch(
        /first typing event sent to chat1: the portal accepted it \(HTTP 200/,
      );
      expect(run.stdout).toMatch(/refresh 1 sent to chat1: the portal accepted it/);
      expect(run.stdout).toMatch(/done: "typing…" was kept alive in chat1/);
      expect(`${run.stdout}${run.stderr}`).not.toContain(code);
      const typing = emulator.typingStats().find((s) => s.dialogId === "chat1" && s.senderId === 1);
      expect(typing?.events).toBeGreaterThanOrEqual(2);
      expect(typing?.lapses).toBe(0);
    },
  );

  it("says in plain words when the portal refuses the webhook, exits 1, still without the code", async () => {
    const wrong = webhook.replace(code, "wr0ngc0de123");
    const run = await runDemo(["--webhook", wrong, "--dialog", "chat1", "--seconds", "2"]);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/typing error: the portal refused the webhook/);
    expect(`${run.stdout}${run.stderr}`).not.toContain("wr0ngc0de123");
    expect(run.stderr).not.toMatch(/^\s+at /m);
  });

  it("says so when the webhook's user may not write to the dialog (its own private dialog)", async () => {
    const run = await runDemo(["--dialog", "1", "--seconds", "2"], { B24_WEBHOOK_URL: webhook });
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/typing error: the webhook's user may not write to this dialog/);
    expect(`${run.stdout}${run.stderr}`).not.toContain(code);
  });

  it("stops typing on Ctrl-C and exits 130", async () => {
    const demo = startDemo(["--webhook", webhook, "--dialog", "chat2", "--seconds", "60"]);
    await demo.waitFor(/first typing event sent/);
    demo.child.kill("SIGINT");
    const run = await demo.done;
    expect(run.code).toBe(130);
    expect(run.stdout).toMatch(/stopped by Ctrl-C after \d+\.\d s: typing released/);
    expect(run.stdout).not.toContain(code);
  });
});

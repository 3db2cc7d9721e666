import { type Browser, chromium } from "playwright";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chromiumLaunchOptions, hasChromium } from "../../../test/chromium.js";
import type { Emulator } from "./emulator-types.js";
import { startEmulator } from "./server.js";

if (!hasChromium) {
  console.warn(
    `Skipping the web page test: ${chromiumLaunchOptions.executablePath} is not installed.`,
  );
}

describe.skipIf(!hasChromium)("recipient web page in headless Chromium", () => {
  let emulator: Emulator;
  let browser: Browser;
  beforeAll(async () => {
    emulator = await startEmulator({ typingTtlMs: 1_500 });
    browser = await chromium.launch(chromiumLaunchOptions);
  }, 30_000);
  afterAll(async () => {
    await browser?.close();
    await emulator?.close();
  });

  it("shows the typing line within 1 s of im.dialog.writing and drops it on expiry", async () => {
    const page = await browser.newPage();
    await page.goto(`${emulator.url}/`);
    const chat1 = page.locator('[data-dialog-id="chat1"]');
    await chat1.waitFor();
    await page.locator("#status", { hasText: "connected" }).waitFor();
    const typing = chat1.locator("[data-typing]");
    expect(await typing.count()).toBe(0);

    const calledAt = Date.now();
    const answer = await fetch(`${emulator.webhookUrl()}im.dialog.writing`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ DIALOG_ID: "chat1" }),
    });
    expect(((await answer.json()) as { result: unknown }).result).toBe(true);
    await typing.first().waitFor({ timeout: 1_000 });
    expect(Date.now() - calledAt).toBeLessThan(1_000);
    expect(await typing.first().textContent()).toContain("Anna Admin is typing");
    expect(await page.locator('[data-dialog-id="chat2"] [data-typing]').count()).toBe(0);

    await typing.first().waitFor({ state: "detached", timeout: 3_000 });
    expect(Date.now() - calledAt).toBeGreaterThanOrEqual(1_400);
    await page.close();
  }, 20_000);

  it("lets a person write to a bot and shows the bot's status and answer", async () => {
    const page = await browser.newPage();
    await page.goto(`${emulator.url}/`);
    await page.locator("#status", { hasText: "connected" }).waitFor();
    await page.selectOption("#say-from", "1");
    await page.selectOption("#say-to", "100");
    await page.fill("#say-text", "Hello from the page");
    await page.click('#say button[type="submit"]');
    const dialog = page.locator('[data-dialog-id="1-100"]');
    await dialog.locator("[data-message-id]", { hasText: "Hello from the page" }).waitFor();

    const call = (method: string, params: object) =>
      fetch(`${emulator.webhookUrl()}imbot.v2.${method}`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ botId: 100, botToken: "demo-bot-token", ...params }),
      }).then((answer) => answer.json() as Promise<{ result: Record<string, unknown> }>);
    const polled = await call("Event.get", {});
    const events = polled.result.events as { data: { chat: { dialogId: string } } }[];
    const dialogId = events[0]?.data.chat.dialogId;
    expect(dialogId).toBe("1");
    await call("Chat.InputAction.notify", {
      dialogId,
      statusMessageCode: "IMBOT_AGENT_ACTION_THINKING",
      duration: 60,
    });
    const line = dialog.locator("[data-typing]");
    await line.waitFor({ timeout: 2_000 });
    expect(await line.textContent()).toBe("Demo Bot — Agent is thinking…");
    await call("Chat.Message.send", { dialogId, fields: { message: "Hi, Anna" } });
    await dialog.locator("[data-message-id]", { hasText: "Hi, Anna" }).waitFor();
    await line.waitFor({ state: "detached", timeout: 2_000 });
    await page.screenshot({ path: "/tmp/b24im-emulator-page.png", fullPage: true });
    await page.close();
  }, 20_000);

  it("times each message, says live only once something happened, and says when the emulator stopped", async () => {
    const own = await startEmulator();
    const page = await browser.newPage();
    try {
      await page.goto(`${own.url}/`);
      const status = page.locator("#status");
      await status.filter({ hasText: "connected · waiting for activity" }).waitFor();
      own.say({ from: 2, dialogId: "chat1", text: "Anyone here?" });
      await status.filter({ hasText: /^live · last change \d\d:\d\d:\d\d$/ }).waitFor();
      const message = page.locator('[data-dialog-id="chat1"] [data-message-id]', {
        hasText: "Anyone here?",
      });
      expect(await message.locator("time").textContent()).toMatch(/^\d\d:\d\d:\d\d$/);
      await own.close();
      await status.filter({ hasText: /the emulator stopped at .* no longer updates/ }).waitFor();
      // It stays that way: no "reconnecting…" once the emulator said it ended.
      await page.waitForTimeout(1_500);
      expect(await status.textContent()).toMatch(/^the emulator stopped/);
    } finally {
      await page.close();
      await own.close();
    }
  }, 20_000);
});

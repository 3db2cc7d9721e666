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
    await page.locator("#status", { hasText: "live" }).waitFor();
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
});

import { mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright";
import { describe, expect, it } from "vitest";
import { chromiumLaunchOptions, hasChromium } from "../../../test/chromium.js";
import { startDemo } from "./run-demo.js";

const ROOT = fileURLToPath(new URL("../../../", import.meta.url));
const ARTIFACT = join(ROOT, "test-artifacts", "demo-live-page.png");
const README_SHOT = fileURLToPath(new URL("../docs/live-page.png", import.meta.url));

if (!hasChromium) {
  console.warn(
    `skipping the live page test: no Chromium at ${chromiumLaunchOptions.executablePath}`,
  );
}

describe.skipIf(!hasChromium)("the demo's live page in Chromium", () => {
  it("shows the bot typing in a dialog, then its message", async () => {
    const demo = startDemo(["--", "--keep-open"]);
    const browser = await chromium.launch(chromiumLaunchOptions);
    try {
      const [, url] = await demo.waitFor(/Live page: (http:\/\/127\.0\.0\.1:\d+\/)/);
      const page = await browser.newPage({ viewport: { width: 1100, height: 340 } });
      await page.goto(url as string);

      const general = page.locator('[data-dialog-id="chat1"]');
      await expect
        .poll(() => general.locator("[data-typing]").allTextContents(), { timeout: 15_000 })
        .toContainEqual(expect.stringMatching(/Helper Bot is typing/));

      // The moment worth a picture: chat1 still typing, Project Alpha already answered.
      const alpha = page.locator('[data-dialog-id="chat2"]');
      await expect
        .poll(() => alpha.textContent(), { timeout: 15_000 })
        .toContain("four of five tasks are done");
      expect(await general.locator("[data-typing]").count()).toBeGreaterThan(0);
      mkdirSync(dirname(ARTIFACT), { recursive: true });
      await page.screenshot({ path: ARTIFACT, fullPage: true });
      if (process.env.UPDATE_SCREENSHOT === "1") {
        mkdirSync(dirname(README_SHOT), { recursive: true });
        await page.screenshot({ path: README_SHOT, fullPage: true });
      }

      await expect
        .poll(() => general.textContent(), { timeout: 15_000 })
        .toContain("Summary: two features merged");
      await expect.poll(() => general.locator("[data-typing]").count(), { timeout: 5000 }).toBe(0);
      await demo.waitFor(/The live page stays up/);
    } finally {
      await browser.close();
      demo.child.kill("SIGINT");
    }
    const run = await demo.done;
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("Scene complete");
  }, 60_000);
});

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
  it("shows the agent's statuses and answers, then answers a person typing in the message box", async () => {
    const demo = startDemo(["--", "--keep-open"]);
    const browser = await chromium.launch(chromiumLaunchOptions);
    try {
      const [, url] = await demo.waitFor(/Live page: (http:\/\/127\.0\.0\.1:\d+\/)/);
      const page = await browser.newPage({ viewport: { width: 1200, height: 400 } });
      await page.goto(url as string);

      const general = page.locator('[data-dialog-id="chat1"]');
      const statusLine = () => general.locator("[data-typing]").allTextContents();
      await expect
        .poll(statusLine, { timeout: 15_000 })
        .toContainEqual(expect.stringMatching(/^Helper — Agent is thinking…$/));
      await expect
        .poll(statusLine, { timeout: 15_000 })
        .toContainEqual(expect.stringMatching(/^Helper — Agent is studying documents…$/));

      // The moment worth a picture: General still working, the other two already answered.
      const alpha = page.locator('[data-dialog-id="chat2"]');
      const clara = page.locator('[data-dialog-id="3-5"]');
      await expect
        .poll(() => alpha.textContent(), { timeout: 15_000 })
        .toContain("four of five tasks are done");
      await expect.poll(() => clara.textContent()).toContain("10:00, as usual");
      expect(await statusLine()).toEqual([expect.stringMatching(/^Helper — Agent is/)]);
      mkdirSync(dirname(ARTIFACT), { recursive: true });
      await page.screenshot({ path: ARTIFACT, fullPage: true });
      if (process.env.UPDATE_SCREENSHOT === "1") {
        mkdirSync(dirname(README_SHOT), { recursive: true });
        await page.screenshot({ path: README_SHOT, fullPage: true });
      }

      await expect
        .poll(() => general.textContent(), { timeout: 15_000 })
        .toContain("two features merged");
      await expect.poll(() => general.locator("[data-typing]").count(), { timeout: 5000 }).toBe(0);
      await expect.poll(() => general.textContent()).toContain("The scene is over");
      await demo.waitFor(/Helper keeps answering/);

      // A person writes to the bot privately in the page's message box.
      await page.selectOption("#say-from", "2");
      await page.selectOption("#say-to", "5");
      await page.fill("#say-text", "Hello from the page");
      await page.click('#say button[type="submit"]');
      const boris = page.locator('[data-dialog-id="2-5"]');
      await expect
        .poll(() => boris.locator("[data-typing]").allTextContents(), { timeout: 15_000 })
        .toContainEqual(expect.stringMatching(/^Helper — Agent is/));
      await expect
        .poll(() => boris.textContent(), { timeout: 15_000 })
        .toContain("You wrote “Hello from the page”");
      await demo.waitFor(/Boris Petrov & Helper \(2-5\) · Helper answered after/);
    } finally {
      await browser.close();
      demo.child.kill("SIGINT");
    }
    const run = await demo.done;
    expect(run.code).toBe(130);
    expect(run.stdout).toContain("Scene complete");
    expect(run.stdout).toContain("Helper answered 1 message on the page");
  }, 60_000);
});

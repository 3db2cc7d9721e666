import { playwright } from "@vitest/browser-playwright";
import { defineConfig } from "vitest/config";
import { chromiumLaunchOptions } from "./test/chromium.js";

// Debian's Chromium: Playwright's own browser download is not available here.
const chromium = playwright({ launchOptions: chromiumLaunchOptions });

export default defineConfig({
  test: {
    testTimeout: 20_000,
    hookTimeout: 20_000,
    projects: [
      {
        test: {
          name: "browser",
          include: ["packages/transport-fetch/src/**/*.browser.test.ts"],
          globalSetup: "test/browser-global-setup.ts",
          browser: {
            enabled: true,
            headless: true,
            // A blank test page shows nothing worth a screenshot.
            screenshotFailures: false,
            provider: chromium,
            instances: [{ browser: "chromium" }],
          },
        },
      },
      {
        test: {
          name: "e2e",
          include: [
            "packages/emulator/src/**/*.browser.test.ts",
            "apps/*/src/**/*.browser.test.ts",
            "apps/*/test/**/*.browser.test.ts",
          ],
          environment: "node",
        },
      },
    ],
  },
});

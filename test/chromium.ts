import { existsSync } from "node:fs";

/**
 * How these machines run a browser: Debian's Chromium, headless, with the flags that keep it
 * off the (closed) network. Playwright's own browser download is not available here.
 */
export const chromiumLaunchOptions = {
  executablePath: "/usr/bin/chromium",
  args: [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
  ],
};

/** Whether that Chromium is installed (`.ci/run` installs it; a bare machine may lack it). */
export const hasChromium = existsSync(chromiumLaunchOptions.executablePath);

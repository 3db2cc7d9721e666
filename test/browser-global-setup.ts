/// <reference path="./browser-context.d.ts" />
import { startEmulator } from "@b24im/emulator";
import type { TestProject } from "vitest/node";

/**
 * Starts the emulators the browser tests talk to (a browser cannot start servers) and hands
 * their addresses to the tests through `inject()`.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const portal = await startEmulator({ rateLimit: false });
  const moved = await startEmulator({ rateLimit: false, movedTo: portal.url });
  project.provide("webhookUrl", portal.webhookUrl());
  project.provide("movedWebhookUrl", moved.webhookUrl());
  return async () => {
    await Promise.all([portal.close(), moved.close()]);
  };
}

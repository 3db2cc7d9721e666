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
  // An app in a Bitrix24 frame: the frame's token has expired, and the frame's refresh
  // (BX24.refreshAuth, faked in the test) hands over a fresh one the portal issued.
  const stale = portal.oauth.issueTokens({ userId: 1 });
  portal.oauth.expireAccessTokens();
  const fresh = portal.oauth.issueTokens({ userId: 1 });
  project.provide("frame", {
    clientEndpoint: stale.client_endpoint,
    domain: stale.domain,
    staleAccessToken: stale.access_token,
    freshAccessToken: fresh.access_token,
  });
  return async () => {
    await Promise.all([portal.close(), moved.close()]);
  };
}

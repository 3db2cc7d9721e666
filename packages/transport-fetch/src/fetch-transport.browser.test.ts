import { AccessError, createClient, PortalMovedError } from "@b24im/core";
import { afterEach, describe, expect, inject, it } from "vitest";
import { createFetchTransport } from "./fetch-transport.js";

// Runs in real headless Chromium (vitest.browser.config.ts); the emulators run in Node and
// are started by test/browser-global-setup.ts.
const clients: Array<{ close(): Promise<void> }> = [];
afterEach(async () => {
  for (const client of clients.splice(0)) await client.close();
});

function clientFor(webhook: string) {
  const client = createClient({ webhook, transport: createFetchTransport(), rateLimit: false });
  clients.push(client);
  return client;
}

describe("createFetchTransport in a browser", () => {
  it("runs in a real browser, where fetch is the window's", () => {
    expect(typeof window).toBe("object");
    expect(navigator.userAgent).toMatch(/Chrome/);
  });

  it("sends im.dialog.writing through createClient", async () => {
    await expect(clientFor(inject("webhookUrl")).writing("chat1")).resolves.toBe(true);
  });

  it("maps an error envelope: a chat the user is not in → AccessError", async () => {
    const error = await clientFor(inject("webhookUrl"))
      .writing("chat999")
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AccessError);
    expect(error).toMatchObject({ code: "ACCESS_ERROR", status: 403 });
  });

  it("maps a redirect (hidden from scripts as an opaque redirect) → PortalMovedError", async () => {
    const error = await clientFor(inject("movedWebhookUrl"))
      .writing("chat1")
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PortalMovedError);
    expect(error).toMatchObject({ code: "PORTAL_MOVED", status: 302, location: "" });
  });
});

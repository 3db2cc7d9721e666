// An ESM app using every package from its packed tarball, as a user installs them.
import assert from "node:assert/strict";
import { createBot } from "@b24im/bot";
import { nodeListener } from "@b24im/bot/node";
import { AccessError, createClient } from "@b24im/core";
import { createFakeTransport } from "@b24im/core/testing";
import { startEmulator } from "@b24im/emulator";
import { createFetchTransport } from "@b24im/transport-fetch";
import { createNodeTransport } from "@b24im/transport-node";

const emulator = await startEmulator();
try {
  for (const transport of [createFetchTransport(), createNodeTransport()]) {
    const client = createClient({ webhook: emulator.webhookUrl(), transport });
    assert.equal(await client.writing("chat1"), true);
    await assert.rejects(client.writing("chat999"), AccessError);
    const bot = createBot({ client, botId: 100, botToken: "demo-bot-token" });
    assert.equal(typeof nodeListener(bot), "function");
    await client.close();
  }
  assert.equal(typeof createFakeTransport().send, "function");
  console.log("ESM: every entry point loads and works");
} finally {
  await emulator.close();
}

// A CommonJS app using the packed tarballs through require().
const assert = require("node:assert/strict");
const { AccessError, createClient } = require("@b24im/core");
const { createFakeClock } = require("@b24im/core/testing");
const { createBot } = require("@b24im/bot");
const { nodeListener } = require("@b24im/bot/node");
const { startEmulator } = require("@b24im/emulator");
const { createFetchTransport } = require("@b24im/transport-fetch");
const { createNodeTransport } = require("@b24im/transport-node");

(async () => {
  const emulator = await startEmulator();
  try {
    for (const transport of [createFetchTransport(), createNodeTransport()]) {
      const client = createClient({ webhook: emulator.webhookUrl(), transport });
      assert.equal(await client.writing("chat1"), true);
      await assert.rejects(client.writing("chat999"), AccessError);
      assert.equal(
        typeof nodeListener(createBot({ client, botId: 100, botToken: "demo-bot-token" })),
        "function",
      );
      await client.close();
    }
    assert.equal(typeof createFakeClock().now(), "number");
    console.log("CommonJS: every entry point loads and works");
  } finally {
    await emulator.close();
  }
})().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});

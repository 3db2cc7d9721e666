/**
 * Measures how many `im.dialog.writing` calls per second the emulator serves to one
 * keep-alive client with limits off. The emulator runs in a child process so the load
 * generator does not share its event loop.
 *
 * Run: `pnpm exec tsx packages/emulator/scripts/throughput.ts [seconds] [concurrency]`
 */
import { fork } from "node:child_process";
import { once } from "node:events";
import { Pool } from "undici";
import { startEmulator } from "../src/index.js";

if (process.argv[2] === "--serve") {
  const emulator = await startEmulator();
  process.send?.(emulator.webhookUrl());
  process.once("disconnect", () => emulator.close());
} else {
  const seconds = Number(process.argv[2] ?? 5);
  const concurrency = Number(process.argv[3] ?? 32);
  // fork() keeps tsx's loader flags (process.execArgv), so the child runs this same file.
  const server = fork(process.argv[1] as string, ["--serve"]);
  const [webhookUrl] = (await once(server, "message")) as [string];
  const webhook = new URL(webhookUrl);
  const pool = new Pool(webhook.origin, { connections: concurrency, pipelining: 1 });
  const path = `${webhook.pathname}im.dialog.writing`;
  const body = JSON.stringify({ DIALOG_ID: "chat1" });
  const headers = { "content-type": "application/json" };

  let done = 0;
  let failed = 0;
  const deadline = performance.now() + seconds * 1000;
  const worker = async (): Promise<void> => {
    while (performance.now() < deadline) {
      const answer = await pool.request({ method: "POST", path, body, headers });
      await answer.body.text();
      if (answer.statusCode === 200) done++;
      else failed++;
    }
  };

  const started = performance.now();
  await Promise.all(Array.from({ length: concurrency }, worker));
  const elapsed = (performance.now() - started) / 1000;
  console.log(
    `${done} calls in ${elapsed.toFixed(2)} s = ${Math.round(done / elapsed)} calls/s ` +
      `(concurrency ${concurrency}, ${failed} failed)`,
  );
  await pool.close();
  server.disconnect();
}

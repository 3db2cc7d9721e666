import { connect, type Socket } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Emulator } from "./emulator-types.js";
import { startEmulator } from "./server.js";

describe("event stream backpressure", () => {
  let emulator: Emulator;
  beforeAll(async () => {
    emulator = await startEmulator();
  });
  afterAll(() => emulator.close());

  it("disconnects a reader that stops reading instead of buffering for it", async () => {
    const { port, hostname } = new URL(emulator.url);
    const socket: Socket = connect(Number(port), hostname);
    await new Promise((resolve) => socket.once("connect", resolve));
    socket.write(`GET /_emulator/events HTTP/1.1\r\nHost: ${hostname}\r\n\r\n`);
    await new Promise((resolve) => socket.once("data", resolve));
    socket.pause(); // A reader that stops reading.
    const text = "x".repeat(19_000);
    // About 40 MB of events: far past what the kernel buffers on loopback.
    for (let sent = 0; sent < 2_000; sent++) {
      emulator.say({ from: 1, dialogId: "chat1", text });
      if (sent % 50 === 0) await new Promise((resolve) => setImmediate(resolve));
    }
    // Reading again, the reader finds its stream cut short: it was dropped, not buffered for.
    let received = 0;
    const ended = new Promise<string>((resolve) => {
      socket.on("data", (chunk: Buffer) => {
        received += chunk.length;
      });
      socket.once("close", () => resolve("closed"));
      socket.once("error", () => resolve("closed"));
      setTimeout(() => resolve("still open"), 5_000).unref();
    });
    socket.resume();
    expect(await ended).toBe("closed");
    expect(received).toBeLessThan(20 << 20);
    socket.destroy();
  });

  it("keeps a reader that reads", async () => {
    const answer = await fetch(`${emulator.url}/_emulator/events`);
    const reader = (answer.body as ReadableStream<Uint8Array>).getReader();
    let received = 0;
    const reading = (async () => {
      while (received < 200 * 19_000) {
        const { value, done } = await reader.read();
        if (done) return "ended";
        received += value.length;
      }
      return "read";
    })();
    for (let i = 0; i < 200; i++) {
      emulator.say({ from: 1, dialogId: "chat1", text: "y".repeat(19_000) });
      if (i % 10 === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    }
    expect(await reading).toBe("read");
    await reader.cancel();
  });
});

import { request } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Emulator } from "./emulator-types.js";
import { startEmulator } from "./server.js";
import { postJson, postRaw } from "./test-http.js";

const LIMIT = 64 * 1024;

/** Streams up to `maxBytes` (chunked, no length) and reports how much went out before the answer. */
function streamUntilAnswered(url: string, maxBytes: number) {
  return new Promise<{ status: number | undefined; body: string; writtenBeforeAnswer: number }>(
    (resolve) => {
      let written = 0;
      let writtenBeforeAnswer = -1;
      let status: number | undefined;
      let body = "";
      const req = request(url, { method: "POST" }, (res) => {
        status = res.statusCode;
        writtenBeforeAnswer = written;
        res.on("data", (chunk) => {
          body += chunk;
        });
        res.on("end", () => resolve({ status, body, writtenBeforeAnswer }));
      });
      // After the answer the emulator closes the connection: a write error is expected then.
      req.on("error", () => {
        if (status === undefined) resolve({ status, body, writtenBeforeAnswer: written });
      });
      const chunk = Buffer.alloc(256 * 1024, 120);
      const pump = (): void => {
        while (status === undefined && written < maxBytes) {
          written += chunk.length;
          if (!req.write(chunk)) {
            req.once("drain", pump);
            return;
          }
        }
        req.end();
      };
      pump();
    },
  );
}

describe("request body limit", () => {
  let emulator: Emulator;
  beforeAll(async () => {
    emulator = await startEmulator({ maxBodyBytes: LIMIT });
  });
  afterAll(() => emulator.close());

  it("answers a declared body over the limit 413 with an error envelope, closing the connection", async () => {
    const answer = await postRaw(
      `${emulator.webhookUrl()}im.message.add`,
      "application/x-www-form-urlencoded",
      `DIALOG_ID=chat1&MESSAGE=${"x".repeat(LIMIT)}`,
    );
    expect(answer.status).toBe(413);
    expect(answer.headers.get("connection")).toBe("close");
    expect(answer.body).toEqual({
      error: "REQUEST_ENTITY_TOO_LARGE",
      error_description: `The request body is larger than ${LIMIT} bytes`,
      time: expect.any(Object),
    });
    expect(emulator.log.at(-1)).toMatchObject({ status: 413, error: "REQUEST_ENTITY_TOO_LARGE" });
    // Nothing was posted.
    expect(emulator.state().dialogs.find((d) => d.id === "chat1")?.messages).toEqual([]);
  });

  it("stops reading a streamed body at the limit instead of buffering it", async () => {
    const outcome = await streamUntilAnswered(`${emulator.webhookUrl()}server.time`, 512 << 20);
    expect(outcome.status).toBe(413);
    expect(JSON.parse(outcome.body).error).toBe("REQUEST_ENTITY_TOO_LARGE");
    // The answer came long before the 512 MiB were sent (what is in flight is kernel buffers).
    expect(outcome.writtenBeforeAnswer).toBeLessThan(64 << 20);
    expect((await postJson(`${emulator.webhookUrl()}server.time`)).status).toBe(200);
  });

  it("limits the token endpoint and the page's message box too", async () => {
    const token = await postRaw(
      `${emulator.url}/oauth/token/`,
      "text/plain",
      "x".repeat(LIMIT + 1),
    );
    expect([token.status, token.body.error]).toEqual([413, "REQUEST_ENTITY_TOO_LARGE"]);
    const say = await postRaw(
      `${emulator.url}/_emulator/say`,
      "application/json",
      "x".repeat(300_000),
    );
    expect(say.status).toBe(413);
  });

  it("reads a body right at the limit", async () => {
    const text = "y".repeat(LIMIT - 40);
    const answer = await postRaw(
      `${emulator.webhookUrl()}im.message.add`,
      "application/x-www-form-urlencoded",
      `DIALOG_ID=chat2&MESSAGE=${text}`.slice(0, LIMIT),
    );
    expect(answer.status).toBe(200);
  });

  it("has a default of 8 MiB", async () => {
    const defaults = await startEmulator();
    const url = `${defaults.webhookUrl()}server.time`;
    const small = await postRaw(url, "text/plain", "z".repeat(1 << 20));
    expect(small.status).toBe(200);
    const outcome = await streamUntilAnswered(url, 64 << 20);
    expect(outcome.status).toBe(413);
    await defaults.close();
  });
});

describe("a client gone mid-body", () => {
  it("is logged as aborted and the emulator keeps serving", async () => {
    const emulator = await startEmulator();
    const { hostname, port } = new URL(emulator.url);
    await new Promise<void>((resolve) => {
      const req = request({
        host: hostname,
        port,
        method: "POST",
        path: "/rest/1/h7x2k9q4w1m8v3zt/server.time",
        headers: { "content-length": "1000" },
      });
      req.on("error", () => resolve());
      req.write("x".repeat(10), () => setTimeout(() => req.destroy(), 50));
    });
    for (let i = 0; i < 100 && emulator.log.length === 0; i++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(emulator.log[0]).toMatchObject({ status: 0, error: "aborted" });
    expect((await postJson(`${emulator.webhookUrl()}server.time`)).status).toBe(200);
    await emulator.close();
  });
});

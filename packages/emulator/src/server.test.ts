import { once } from "node:events";
import { Agent, request } from "node:http";
import { request as httpsRequest } from "node:https";
import type { Socket } from "node:net";
import { generate } from "selfsigned";
import { describe, expect, it } from "vitest";
import { startEmulator } from "./server.js";
import { postJson } from "./test-http.js";

describe("server", () => {
  it("binds 127.0.0.1 on a free port and answers 404 for other pages", async () => {
    const emulator = await startEmulator();
    expect(emulator.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(emulator.webhookUrl()).toBe(`${emulator.url}/rest/1/h7x2k9q4w1m8v3zt/`);
    expect(() => emulator.webhookUrl(5)).toThrow(/No webhook/);
    expect((await fetch(`${emulator.url}/nothing`)).status).toBe(404);
    await emulator.close();
  });

  it("logs requests with the webhook code redacted, in a bounded ring", async () => {
    const emulator = await startEmulator({ logLimit: 2 });
    for (const method of ["server.time", "profile", "im.revision.get"]) {
      await postJson(`${emulator.webhookUrl()}${method}?x=1`);
    }
    expect(emulator.log.map((entry) => entry.method)).toEqual(["profile", "im.revision.get"]);
    expect(emulator.log[1]).toEqual({
      at: expect.any(Number),
      httpMethod: "POST",
      path: "/rest/1/[REDACTED]/im.revision.get",
      method: "im.revision.get",
      status: 200,
    });
    expect(JSON.stringify(emulator.log)).not.toContain("h7x2k9q4w1m8v3zt");
    emulator.reset();
    expect([emulator.log.length, emulator.counters.requests]).toEqual([0, 0]);
    await emulator.close();
  });

  it("answers every request of a moved portal 302 to the same path on the new host", async () => {
    const emulator = await startEmulator({ movedTo: "https://new.example.com/" });
    const answer = await fetch(`${emulator.webhookUrl()}im.dialog.writing?DIALOG_ID=chat1`, {
      method: "POST",
      redirect: "manual",
    });
    expect(answer.status).toBe(302);
    expect(answer.headers.get("location")).toBe(
      "https://new.example.com/rest/1/h7x2k9q4w1m8v3zt/im.dialog.writing?DIALOG_ID=chat1",
    );
    expect(emulator.log[0]?.path).toBe("/rest/1/[REDACTED]/im.dialog.writing");
    await emulator.close();
  });

  it("close() ends keep-alive, hung and event-stream sockets", async () => {
    const emulator = await startEmulator();
    const agent = new Agent({ keepAlive: true });
    await postJson(`${emulator.webhookUrl()}server.time`);
    const idle = await new Promise<Socket>((resolve) => {
      const req = request(`${emulator.webhookUrl()}server.time`, { agent }, (res) => res.resume());
      req.on("socket", (socket) => req.on("close", () => resolve(socket)));
      req.end();
    });
    const idleClosed = once(idle, "close");
    emulator.faults.add({ kind: "hang" });
    const hung = new Promise<string>((resolve) => {
      const req = request(`${emulator.webhookUrl()}server.time`, { method: "POST" });
      req.on("error", (error) => resolve(error.message));
      req.end();
    });
    const stream = await fetch(`${emulator.url}/_emulator/events`);
    const streamEnded = stream.text().then(
      () => "ended",
      () => "ended",
    );
    const closedIn = performance.now();
    await emulator.close();
    // Far below the 65 s keep-alive timeout: close() must not wait for idle sockets.
    expect(performance.now() - closedIn).toBeLessThan(3_000);
    expect(await hung).toMatch(/socket hang up|ECONNRESET/);
    expect(await streamEnded).toBe("ended");
    await idleClosed;
    expect(idle.destroyed).toBe(true);
    await emulator.close();
    agent.destroy();
  });

  it("serves https with a given key and certificate", async () => {
    const pems = await generate([{ name: "commonName", value: "localhost" }]);
    const emulator = await startEmulator({ https: { key: pems.private, cert: pems.cert } });
    expect(emulator.url).toMatch(/^https:\/\//);
    const body = await new Promise<string>((resolve, reject) => {
      const req = httpsRequest(
        `${emulator.webhookUrl()}server.time`,
        { rejectUnauthorized: false },
        (res) => {
          let text = "";
          res.on("data", (chunk) => {
            text += chunk;
          });
          res.on("end", () => resolve(text));
        },
      );
      req.on("error", reject);
      req.end();
    });
    expect(JSON.parse(body).result).toEqual(expect.any(String));
    await emulator.close();
  });

  it("loads a custom seed", async () => {
    const emulator = await startEmulator({
      seed: {
        users: [{ id: 7, name: "Solo" }],
        chats: [{ id: 1, title: "Mine", members: [7] }],
        webhooks: [{ userId: 7, code: "seven" }],
      },
    });
    expect(emulator.webhookUrl()).toBe(`${emulator.url}/rest/7/seven/`);
    expect(emulator.state().dialogs.map((dialog) => dialog.id)).toEqual(["chat1"]);
    await emulator.close();
  });
});

import { request } from "node:http";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Emulator } from "./emulator-types.js";
import { startEmulator } from "./server.js";
import { postJson } from "./test-http.js";

describe("faults", () => {
  let emulator: Emulator;
  let url: string;
  beforeAll(async () => {
    emulator = await startEmulator();
    url = `${emulator.webhookUrl()}im.dialog.writing`;
  });
  beforeEach(() => emulator.reset());
  afterAll(() => emulator.close());

  const post = (body = '{"DIALOG_ID":"chat1"}') =>
    fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body });

  it("reset destroys the socket without an answer", async () => {
    emulator.faults.add({ kind: "reset" });
    await expect(post()).rejects.toThrow();
    expect((await post()).status).toBe(200);
    expect(emulator.log[0]).toMatchObject({ status: 0, error: "fault:reset" });
  });

  it("hang never answers", async () => {
    emulator.faults.add({ kind: "hang" });
    const hung = post(undefined);
    const outcome = await Promise.race([
      hung.then(() => "answered"),
      new Promise((resolve) => setTimeout(() => resolve("still waiting"), 300)),
    ]);
    expect(outcome).toBe("still waiting");
    hung.catch(() => undefined);
  });

  it("delay answers normally after ms", async () => {
    emulator.faults.add({ kind: "delay", ms: 200 });
    const started = performance.now();
    const answer = await post();
    expect(answer.status).toBe(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(190);
  });

  it.each([502, 504] as const)("html answers an nginx %i page", async (status) => {
    emulator.faults.add({ kind: "html", status });
    const answer = await post();
    expect(answer.status).toBe(status);
    expect(answer.headers.get("content-type")).toBe("text/html");
    expect(await answer.text()).toContain("nginx");
  });

  it("html defaults to 502", async () => {
    emulator.faults.add({ kind: "html" });
    expect((await post()).status).toBe(502);
  });

  it("cutJson answers 200 with half a JSON body", async () => {
    emulator.faults.add({ kind: "cutJson" });
    const answer = await post();
    expect(answer.status).toBe(200);
    const text = await answer.text();
    expect(text.startsWith('{"result":true')).toBe(true);
    expect(() => JSON.parse(text)).toThrow();
  });

  it("status answers an arbitrary envelope", async () => {
    emulator.faults.add({ kind: "status", status: 503, error: "QUERY_LIMIT_EXCEEDED" });
    const answer = await post();
    expect(answer.status).toBe(503);
    expect(await answer.json()).toEqual({ error: "QUERY_LIMIT_EXCEEDED", error_description: "" });
    expect(emulator.counters.rejected503).toBe(1);
  });

  it("expireToken answers expired_token and expires the OAuth token for good", async () => {
    const tokens = emulator.oauth.issueTokens();
    const oauthUrl = `${emulator.url}/rest/server.time`;
    emulator.faults.add({ kind: "expireToken" });
    const first = await postJson(oauthUrl, { auth: tokens.access_token });
    expect([first.status, first.body.error]).toEqual([401, "expired_token"]);
    expect((await postJson(oauthUrl, { auth: tokens.access_token })).body.error).toBe(
      "expired_token",
    );
  });

  it("honours times and narrows to a method case-insensitively", async () => {
    emulator.faults.add({
      kind: "status",
      status: 500,
      error: 0,
      method: "IM.DIALOG.WRITING",
      times: 2,
    });
    expect((await postJson(`${emulator.webhookUrl()}server.time`)).status).toBe(200);
    expect((await post()).status).toBe(500);
    expect((await post()).status).toBe(500);
    expect((await post()).status).toBe(200);
  });

  it("can target the token endpoint, and clear() drops everything", async () => {
    emulator.faults.add({ kind: "html", method: "oauth.token" });
    expect((await post()).status).toBe(200);
    expect((await fetch(`${emulator.url}/oauth/token/`)).status).toBe(502);
    emulator.faults.add({ kind: "reset", times: 5 });
    emulator.faults.clear();
    expect((await post()).status).toBe(200);
  });

  it("a reset leaves no half-written answer on a raw socket", async () => {
    emulator.faults.add({ kind: "reset" });
    const error = await new Promise<Error>((resolve) => {
      const req = request(url, { method: "POST" }, () => resolve(new Error("answered")));
      req.on("error", resolve);
      req.end("DIALOG_ID=chat1");
    });
    expect(error.message).toMatch(/socket hang up|ECONNRESET/);
  });
});

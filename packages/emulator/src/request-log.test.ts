import { request } from "node:http";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Emulator } from "./emulator-types.js";
import { redactPath } from "./request-log.js";
import { startEmulator } from "./server.js";

const CODE = "h7x2k9q4w1m8v3zt";

/** Sends a request with exactly this path (fetch would normalise it). */
function rawRequest(url: string, path: string): Promise<number> {
  return new Promise((resolve) => {
    const target = new URL(url);
    const req = request(
      { host: target.hostname, port: target.port, path, method: "POST" },
      (res) => {
        res.resume();
        res.on("end", () => resolve(res.statusCode ?? 0));
      },
    );
    req.on("error", () => resolve(0));
    req.end();
  });
}

function percentEncoded(text: string, every: number): string {
  return [...text]
    .map((c, i) => (i % every === 0 ? `%${c.charCodeAt(0).toString(16).padStart(2, "0")}` : c))
    .join("");
}

const leaks = (text: string) => text.includes(CODE) || decodeURIComponent(text).includes(CODE);

describe("the request log never holds a webhook code", () => {
  let emulator: Emulator;
  beforeAll(async () => {
    emulator = await startEmulator();
  });
  afterAll(() => emulator.close());

  it.each([
    "/rest/1/CODE/im.dialog.writing",
    "/rest/1/CODE",
    "/rest/1/CODE/",
    "/rest//CODE/profile",
    "/rest/x/CODE/profile",
    "/rest/1/CODE.json",
    "/rest/1/CODE/profile.json",
    "/rest/CODE/profile",
    "/rest/CODE",
    "/rest/1/CODE/a/b/profile",
    "/rest/1/profile/CODE",
    "/rest/1/ENCODED/profile",
    "//rest/1/CODE/profile",
    "/rest///1//CODE//profile/",
  ])("for %s", async (form) => {
    emulator.reset();
    const path = form.replace("ENCODED", percentEncoded(CODE, 3)).replace("CODE", CODE);
    await rawRequest(emulator.url, path);
    expect(emulator.log).toHaveLength(1);
    expect(leaks(JSON.stringify(emulator.log))).toBe(false);
  });

  it("for a reset fault and a moved portal", async () => {
    emulator.reset();
    emulator.faults.add({ kind: "reset" });
    await rawRequest(emulator.url, `/rest/x/${CODE}/profile`);
    expect(emulator.log[0]?.error).toBe("fault:reset");
    const moved = await startEmulator({ movedTo: "https://new.example.com" });
    await rawRequest(moved.url, `/rest//${CODE}/profile.json`);
    expect(leaks(JSON.stringify([...emulator.log, ...moved.log]))).toBe(false);
    await moved.close();
  });

  it("for any path that holds the code somewhere", async () => {
    const segment = fc.oneof(
      fc.constantFrom("", "1", "2", "x", "profile", "server.time", "im.dialog.writing.json"),
      fc.constantFrom(CODE, `${CODE}.json`, `x${CODE}`, percentEncoded(CODE, 2)),
      fc.stringMatching(/^[a-z0-9._-]{0,6}$/),
    );
    const path = fc
      .tuple(fc.array(segment, { minLength: 1, maxLength: 5 }), fc.nat(4), fc.boolean())
      .map(([segments, at, trailing]) => {
        const withCode = [...segments];
        withCode.splice(at % (segments.length + 1), 0, CODE);
        return `/rest/${withCode.join("/")}${trailing ? "/" : ""}`;
      });
    await fc.assert(
      fc.asyncProperty(path, async (p) => {
        emulator.reset();
        await rawRequest(emulator.url, p);
        expect(leaks(JSON.stringify(emulator.log))).toBe(false);
      }),
      { numRuns: 150 },
    );
    fc.assert(
      fc.property(path, (p) => {
        expect(leaks(redactPath(p.replace(/\/{2,}/g, "/"), [CODE]))).toBe(false);
      }),
      { numRuns: 2_000 },
    );
  });

  it("keeps what is no secret", () => {
    expect(redactPath("/rest/1/abc/im.dialog.writing")).toBe(
      "/rest/1/[REDACTED]/im.dialog.writing",
    );
    expect(redactPath("/rest/profile")).toBe("/rest/profile");
    expect(redactPath("/rest/profile/")).toBe("/rest/profile/");
    expect(redactPath("/oauth/token/")).toBe("/oauth/token/");
  });
});

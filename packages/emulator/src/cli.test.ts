import { execFileSync, spawn } from "node:child_process";
import { once } from "node:events";
import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { request as httpsRequest } from "node:https";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";

const packageDir = fileURLToPath(new URL("..", import.meta.url));

function startCli(args: string[], ready = "Webhook:") {
  const child = spawn(process.execPath, ["dist/cli.js", ...args], { cwd: packageDir });
  let output = "";
  child.stdout.on("data", (chunk) => {
    output += chunk;
  });
  const printed = new Promise<string>((resolve, reject) => {
    child.stdout.on("data", () => {
      if (output.includes(ready)) resolve(output);
    });
    child.on("exit", () => reject(new Error(`exited early: ${output}`)));
  });
  return { child, printed };
}

describe("b24im-emulator CLI", () => {
  // `pnpm test` builds every package before the tests run; rebuilding here would empty
  // dist/ under other test files that import the emulator at the same moment.
  beforeAll(() => {
    if (!existsSync(join(packageDir, "dist/cli.js"))) {
      throw new Error(
        "packages/emulator/dist/cli.js is missing: run `pnpm build` (or `pnpm test`) first",
      );
    }
  });

  it.each(["SIGTERM", "SIGINT"] as const)(
    "prints its address and a webhook URL, serves it, and exits 0 on %s",
    async (signal) => {
      const { child, printed } = startCli(["--port", "0", "--typing-ttl", "5000"]);
      const output = await printed;
      const url = /listening on (http:\/\/\S+)/.exec(output)?.[1];
      const webhook = /Webhook: (\S+)/.exec(output)?.[1];
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(webhook).toBe(`${url}/rest/1/h7x2k9q4w1m8v3zt/`);
      const answer = await fetch(`${webhook}im.dialog.writing`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: '{"DIALOG_ID":"chat1"}',
      });
      expect(((await answer.json()) as { result: unknown }).result).toBe(true);
      child.kill(signal);
      const [code] = await once(child, "exit");
      expect(code).toBe(0);
    },
  );

  it("serves the portal of --seed FILE", async () => {
    const seedFile = join(mkdtempSync(join(tmpdir(), "b24im-seed-")), "seed.json");
    const seed = { users: [{ id: 9, name: "Nina" }], webhooks: [{ userId: 9, code: "nine" }] };
    writeFileSync(seedFile, JSON.stringify(seed));
    const { child, printed } = startCli(["--port", "0", "--seed", seedFile]);
    const webhook = /Webhook: (\S+)/.exec(await printed)?.[1] ?? "";
    expect(webhook).toMatch(/\/rest\/9\/nine\/$/);
    const profile = (await (await fetch(`${webhook}profile`)).json()) as {
      result: { NAME: string };
    };
    expect(profile.result.NAME).toBe("Nina");
    child.kill("SIGTERM");
    expect((await once(child, "exit"))[0]).toBe(0);
  });

  it("prints every webhook, OAuth app (with a first token pair) and bot, saying they are test secrets", async () => {
    const seedFile = join(mkdtempSync(join(tmpdir(), "b24im-seed-")), "seed.json");
    const seed = {
      users: [{ id: 1, name: "Ann" }],
      webhooks: [
        { userId: 1, code: "code-one" },
        { userId: 1, code: "code-two" },
      ],
      oauthApps: [{ clientId: "app.one", clientSecret: "secret-one" }],
      bots: [
        { id: 50, name: "Fetcher", clientId: "app.one", botToken: "token-50", code: "fetcher" },
        {
          id: 51,
          name: "Poster",
          clientId: "app.one",
          botToken: "token-51",
          type: "supervisor",
          eventMode: "webhook",
          webhookUrl: "http://127.0.0.1:9/hook",
        },
      ],
    };
    writeFileSync(seedFile, JSON.stringify(seed));
    const { child, printed } = startCli(["--seed", seedFile], "Bot 51");
    const output = await printed;
    const url = /listening on (\S+)/.exec(output)?.[1];
    expect(output).toContain("local test portal");
    expect(output).toContain(`Webhook: ${url}/rest/1/code-one/`);
    expect(output).toContain(`Webhook: ${url}/rest/1/code-two/`);
    expect(output).toContain("client_id app.one, client_secret secret-one");
    expect(output).toMatch(/access_token [0-9a-f]{64}, refresh_token [0-9a-f]{64}/);
    expect(output).toContain('Bot 50 "Fetcher": code fetcher, type bot, fetch mode');
    expect(output).toContain("botToken token-50");
    expect(output).toContain("type supervisor, webhook mode → http://127.0.0.1:9/hook");
    const token = /access_token (\S+),/.exec(output)?.[1];
    const profile = await fetch(`${url}/rest/profile`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(profile.status).toBe(200);
    child.kill("SIGTERM");
    expect((await once(child, "exit"))[0]).toBe(0);
  });

  it("passes the limits, processing times, moved portal and body limit on", async () => {
    const { child, printed } = startCli([
      "--rate-limit",
      "0.01/2",
      "--processing",
      "server.time=1",
      "--processing",
      "profile=2",
      "--max-body-bytes",
      "100",
      "--operating-budget",
      "100",
      "--access-token-ttl",
      "60000",
      "--webhook-timeout",
      "500",
      "--log-limit",
      "5",
    ]);
    const webhook = /Webhook: (\S+)/.exec(await printed)?.[1] ?? "";
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await fetch(`${webhook}server.time`)).status);
    // A bucket of 2 that drains one request per 100 s: the third and fourth are refused.
    expect(statuses).toEqual([200, 200, 503, 503]);
    child.kill("SIGTERM");
    expect((await once(child, "exit"))[0]).toBe(0);
    const moved = startCli(["--moved-to", "https://new.example.com"]);
    const movedHook = /Webhook: (\S+)/.exec(await moved.printed)?.[1] ?? "";
    const answer = await fetch(`${movedHook}profile`, { redirect: "manual" });
    expect(answer.status).toBe(302);
    moved.child.kill("SIGTERM");
    await once(moved.child, "exit");
  });

  it("serves https with a certificate it makes and prints, which a client can trust", async () => {
    const { child, printed } = startCli(["--https"], "END CERTIFICATE");
    const output = await printed;
    const webhook = /Webhook: (\S+)/.exec(output)?.[1] ?? "";
    expect(webhook).toMatch(/^https:\/\/127\.0\.0\.1:\d+\//);
    const cert = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/.exec(output)?.[0];
    const status = await new Promise<number>((resolve, reject) => {
      const req = httpsRequest(`${webhook}server.time`, { ca: cert }, (res) => {
        res.resume();
        res.on("end", () => resolve(res.statusCode ?? 0));
      });
      req.on("error", reject);
      req.end();
    });
    expect(status).toBe(200);
    child.kill("SIGTERM");
    expect((await once(child, "exit"))[0]).toBe(0);
  });

  it.each([
    [["--key", "only-a-key.pem"], /--key and --cert go together/],
    [["--key", "/nonexistent/k.pem", "--cert", "/nonexistent/c.pem"], /cannot read/],
    [["--processing", "server.time"], /METHOD=MS/],
    [["--port", "70000"], /options\.port/],
    [["--typing-ttl", "soon"], /--typing-ttl/],
    [["--seed", "/nonexistent/seed.json"], /cannot read/],
  ])("exits 2 for %j", (args, message) => {
    let thrown: { status?: number; stderr?: Buffer } = {};
    try {
      execFileSync(process.execPath, ["dist/cli.js", ...args], { cwd: packageDir, stdio: "pipe" });
    } catch (error) {
      thrown = error as typeof thrown;
    }
    expect(thrown.status).toBe(2);
    expect(String(thrown.stderr)).toMatch(message);
  });

  it("prints help, and refuses bad options with exit code 2", () => {
    const help = execFileSync(process.execPath, ["dist/cli.js", "--help"], { cwd: packageDir });
    expect(String(help)).toContain("--rate-limit");
    expect(() =>
      execFileSync(process.execPath, ["dist/cli.js", "--rate-limit", "fast"], {
        cwd: packageDir,
        stdio: "pipe",
      }),
    ).toThrow(expect.objectContaining({ status: 2 }));
  });
});

import { execFileSync, spawn } from "node:child_process";
import { once } from "node:events";
import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";

const packageDir = fileURLToPath(new URL("..", import.meta.url));

function startCli(args: string[]) {
  const child = spawn(process.execPath, ["dist/cli.js", ...args], { cwd: packageDir });
  let output = "";
  child.stdout.on("data", (chunk) => {
    output += chunk;
  });
  const printed = new Promise<string>((resolve, reject) => {
    child.stdout.on("data", () => {
      if (output.includes("Webhook:")) resolve(output);
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

import { describe, expect, it } from "vitest";
import { runDemo } from "./run-demo.js";

const WEBHOOK = "https://portal.bitrix24.ru/rest/1/s3cretc0de/";

describe("demo arguments", () => {
  it.each([
    ["a missing --dialog", ["--", "--webhook", WEBHOOK], /--webhook needs --dialog ID .* or --bot/],
    ["--bot without a webhook", ["--", "--bot"], /--bot needs a webhook with the "imbot" scope/],
    [
      "--bot with --dialog",
      ["--bot", "--webhook", WEBHOOK, "--dialog", "chat5"],
      /--dialog belongs to the typing mode/,
    ],
    ["--bot with --keep-open", ["--bot", "--keep-open"], /--keep-open belongs to the scene mode/],
    ["a missing webhook", ["--", "--dialog", "chat5"], /--dialog needs a webhook/],
    [
      "a bad --transport",
      ["--webhook", WEBHOOK, "--dialog", "chat5", "--transport", "curl"],
      /--transport must be "node" or "fetch"/,
    ],
    [
      "a bad --seconds",
      ["--webhook", WEBHOOK, "--dialog", "chat5", "--seconds", "-3"],
      /--seconds must be a number/,
    ],
    ["an unknown flag", ["--", "--fast"], /unknown option "--fast"/],
    [
      "an http webhook on a public host",
      ["--webhook", "http://portal.bitrix24.ru/rest/1/s3cretc0de/", "--dialog", "chat5"],
      /--webhook:/,
    ],
  ])(
    "%s: exit 2, the reason and the usage on stderr, no stack trace",
    async (_name, args, reason) => {
      const run = await runDemo(args);
      expect(run.code).toBe(2);
      expect(run.stdout).toBe("");
      expect(run.stderr).toMatch(reason);
      expect(run.stderr).toContain("usage: pnpm demo");
      expect(run.stderr).not.toMatch(/^\s+at /m);
      expect(run.stderr).not.toContain("s3cretc0de");
    },
  );

  it("names the accepted forms for an invalid dialog id", async () => {
    const run = await runDemo(["--webhook", WEBHOOK, "--dialog", "crm5"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/--dialog: .*"crm5".*"chat5".*"sg7"/s);
    expect(run.stderr).not.toMatch(/^\s+at /m);
  });

  it("refuses a bot token the platform would refuse, without printing it", async () => {
    const token = `t0ken${"x".repeat(40)}`;
    const run = await runDemo(["--bot", "--webhook", WEBHOOK], { B24_BOT_TOKEN: token });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/B24_BOT_TOKEN must be 1–40 characters/);
    expect(`${run.stdout}${run.stderr}`).not.toContain("t0ken");
  });

  it("takes the webhook from B24_WEBHOOK_URL", async () => {
    const run = await runDemo(["--dialog", "0"], { B24_WEBHOOK_URL: WEBHOOK });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/--dialog: /); // got past the webhook check
  });

  it("documents every option with --help and exits 0", async () => {
    const run = await runDemo(["--", "--help"]);
    expect(run.code).toBe(0);
    for (const option of [
      "--webhook URL",
      "--dialog ID",
      "--seconds N",
      "--transport NAME",
      "--refresh-ms N",
      "--keep-open",
      "--bot",
      "--report-json FILE",
      "B24_WEBHOOK_URL",
      "B24_BOT_TOKEN",
      "Ctrl-C",
    ]) {
      expect(run.stdout).toContain(option);
    }
    expect(run.stderr).toBe("");
  });
});

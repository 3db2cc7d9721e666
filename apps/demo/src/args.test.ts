import { describe, expect, it } from "vitest";
import { DEFAULT_REFRESH_MS, DEFAULT_SECONDS, HELP, parseArgs, UsageError } from "./args.js";

const WEBHOOK = "https://portal.bitrix24.ru/rest/1/s3cretc0de/";

function usageError(argv: string[], env: Record<string, string> = {}): UsageError {
  try {
    parseArgs(argv, env);
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    return error as UsageError;
  }
  throw new Error(`parseArgs accepted ${JSON.stringify(argv)}`);
}

describe("parseArgs", () => {
  it("plays the scene without options, and tolerates the `--` pnpm passes", () => {
    expect(parseArgs([], {})).toEqual({ kind: "scene", keepOpen: false });
    expect(parseArgs(["--", "--keep-open"], {})).toEqual({ kind: "scene", keepOpen: true });
    expect(parseArgs(["--report-json=/tmp/r.json"], {})).toEqual({
      kind: "scene",
      keepOpen: false,
      reportJson: "/tmp/r.json",
    });
  });

  it("stays in scene mode when only B24_WEBHOOK_URL is set", () => {
    expect(parseArgs([], { B24_WEBHOOK_URL: WEBHOOK }).kind).toBe("scene");
  });

  it("reads the real-portal mode with its defaults, the dialog in canonical form", () => {
    expect(parseArgs(["--webhook", WEBHOOK, "--dialog", "CHAT5"], {})).toEqual({
      kind: "portal",
      webhook: WEBHOOK,
      dialogId: "chat5",
      seconds: DEFAULT_SECONDS,
      transport: "node",
      refreshMs: DEFAULT_REFRESH_MS,
    });
  });

  it("takes the webhook from B24_WEBHOOK_URL, and every option in both spellings", () => {
    const command = parseArgs(
      ["--", "--dialog=13", "--seconds", "2.5", "--transport=fetch", "--refresh-ms", "1000"],
      { B24_WEBHOOK_URL: WEBHOOK },
    );
    expect(command).toMatchObject({
      webhook: WEBHOOK,
      dialogId: "13",
      seconds: 2.5,
      transport: "fetch",
      refreshMs: 1000,
    });
  });

  it("reads the bot mode: webhook from the option or the environment, token from B24_BOT_TOKEN", () => {
    expect(parseArgs(["--", "--bot", "--webhook", WEBHOOK], {})).toEqual({
      kind: "bot",
      webhook: WEBHOOK,
      transport: "node",
    });
    expect(
      parseArgs(["--bot", "--transport=fetch"], {
        B24_WEBHOOK_URL: WEBHOOK,
        B24_BOT_TOKEN: "t0ken-of-my-bot",
      }),
    ).toEqual({ kind: "bot", webhook: WEBHOOK, transport: "fetch", botToken: "t0ken-of-my-bot" });
    expect(
      parseArgs(["--bot"], { B24_WEBHOOK_URL: WEBHOOK, B24_BOT_TOKEN: "" }),
    ).not.toHaveProperty("botToken");
  });

  it("never quotes a bot token it refuses", () => {
    const token = "x".repeat(41);
    const { message } = usageError(["--bot"], { B24_WEBHOOK_URL: WEBHOOK, B24_BOT_TOKEN: token });
    expect(message).toMatch(/B24_BOT_TOKEN must be 1–40 characters.*it has 41/);
    expect(message).not.toContain("xxxx");
    const spaced = usageError(["--bot"], { B24_WEBHOOK_URL: WEBHOOK, B24_BOT_TOKEN: " secret7 " });
    expect(spaced.message).not.toContain("secret7");
  });

  it("answers --help and -h, even beside other options", () => {
    expect(parseArgs(["--help"], {})).toEqual({ kind: "help" });
    expect(parseArgs(["--", "--dialog", "crm5", "-h"], {})).toEqual({ kind: "help" });
  });

  it("documents every option in --help", () => {
    for (const option of [
      "--webhook",
      "--dialog",
      "--seconds",
      "--transport",
      "--refresh-ms",
      "--keep-open",
      "--report-json",
      "--help",
      "--bot",
      "B24_WEBHOOK_URL",
      "B24_BOT_TOKEN",
      "imbot",
      "Exit codes",
    ]) {
      expect(HELP).toContain(option);
    }
  });

  it.each([
    [["--dialog", "chat5"], /--dialog needs a webhook/],
    [["--webhook", WEBHOOK], /--webhook needs --dialog ID .* or --bot/],
    [["--transport", "fetch"], /--transport needs --dialog ID .* or --bot/],
    [["--seconds", "5"], /--seconds needs --dialog ID/],
    [["--bot"], /--bot needs a webhook with the "imbot" scope/],
    [["--bot", "--webhook", WEBHOOK, "--dialog", "chat5"], /--dialog belongs to the typing mode/],
    [["--bot", "--webhook", WEBHOOK, "--seconds", "5"], /--seconds belongs to the typing mode/],
    [["--bot", "--webhook", WEBHOOK, "--refresh-ms", "5000"], /--refresh-ms belongs to the typing/],
    [["--bot", "--webhook", WEBHOOK, "--keep-open"], /--keep-open belongs to the scene mode/],
    [["--bot", "--report-json", "r.json"], /--report-json belongs to the scene mode/],
    [["--bot=yes"], /takes no value/],
    [
      ["--webhook", WEBHOOK, "--dialog", "chat5", "--transport", "curl"],
      /--transport must be "node" or "fetch"/,
    ],
    [
      ["--webhook", WEBHOOK, "--dialog", "chat5", "--seconds", "0"],
      /--seconds must be a number from 1/,
    ],
    [["--webhook", WEBHOOK, "--dialog", "chat5", "--seconds", "ten"], /--seconds must be a number/],
    [
      ["--webhook", WEBHOOK, "--dialog", "chat5", "--refresh-ms", "10"],
      /--refresh-ms must be a number/,
    ],
    [["--webhook", WEBHOOK, "--dialog"], /--dialog needs a value/],
    [
      ["--webhook", WEBHOOK, "--dialog", "chat5", "--keep-open"],
      /--keep-open belongs to the scene mode/,
    ],
    [["--colour"], /unknown option "--colour"/],
    [["chat5"], /unexpected argument "chat5"/],
    [["--keep-open", "--keep-open"], /given twice/],
    [["--keep-open=yes"], /takes no value/],
    [["--webhook", "http://portal.example.com/rest/1/abc/", "--dialog", "chat5"], /--webhook:/],
  ])("rejects %j", (argv, message) => {
    expect(usageError(argv).message).toMatch(message);
  });

  it("names the accepted forms for an invalid dialog id", () => {
    const { message } = usageError(["--webhook", WEBHOOK, "--dialog", "crm5"]);
    expect(message).toContain('"crm5"');
    expect(message).toMatch(/chat5/);
    expect(message).toMatch(/sg7/);
  });

  it("never repeats a webhook code it was given by mistake", () => {
    expect(usageError([WEBHOOK]).message).not.toContain("s3cretc0de");
    const bad = "http://portal.example.com/rest/1/s3cretc0de/";
    expect(usageError(["--webhook", bad, "--dialog", "chat5"]).message).not.toContain("s3cretc0de");
  });
});

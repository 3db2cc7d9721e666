import { type Emulator, startEmulator } from "@b24im/emulator";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { APOLOGY } from "../src/agent.js";
import { type DemoProcess, runDemo, startDemo } from "./run-demo.js";

let emulator: Emulator;
let webhook: string;
let code: string;

beforeAll(async () => {
  emulator = await startEmulator();
  webhook = emulator.webhookUrl(1);
  code = webhook.split("/").at(-2) ?? "";
  expect(code.length).toBeGreaterThan(8);
});
afterAll(() => emulator.close());

/** Waits until the bot polls, and answers its user id. */
async function listening(demo: DemoProcess): Promise<number> {
  const [, id] = await demo.waitFor(/\(user (\d+)\), (registered|ready)/);
  await demo.waitFor(/listening as b24im Demo Agent/);
  return Number(id);
}

function occurrences(text: string, part: string): number {
  return text.split(part).length - 1;
}

function messagesOf(dialogId: string) {
  return emulator.state().dialogs.find((d) => d.id === dialogId)?.messages ?? [];
}

describe("pnpm demo -- --bot (a real portal; here a separate emulator)", () => {
  let token = "";
  let botId = 0;

  it("registers the agent, prints a new token exactly once, answers a person, stops on Ctrl-C", async () => {
    const demo = startDemo(["--", "--bot", "--webhook", webhook]);
    try {
      botId = await listening(demo);
      [, token = ""] = demo.output().match(/export B24_BOT_TOKEN=(\S+)/) ?? [];
      expect(token).toMatch(/^[\w-]{32}$/);
      emulator.say({ from: 2, dialogId: String(botId), text: "Hello, agent" });
      await demo.waitFor(
        /private dialog with Boris Petrov · Boris Petrov wrote: “Hello, agent” \(event #\d+\)/,
      );
      await demo.waitFor(/b24im Demo Agent is searching…/);
      await demo.waitFor(
        /b24im Demo Agent answered after \d\.\d s: You wrote “Hello, agent”/,
        20_000,
      );
    } finally {
      demo.child.kill("SIGINT");
    }
    const run = await demo.done;
    expect(run.code).toBe(130);
    expect(run.stdout).toMatch(/stopped by Ctrl-C \(answered 1 message\)/);
    expect(run.stderr).toBe("");
    expect(occurrences(`${run.stdout}${run.stderr}`, token)).toBe(1);
    expect(`${run.stdout}${run.stderr}`).not.toContain(code);
    expect(run.stdout).toContain("[REDACTED]");
    const answers = messagesOf(`2-${botId}`).filter((m) => m.authorId === botId);
    expect(answers.map((m) => m.text)).toEqual([
      expect.stringMatching(/^You wrote “Hello, agent”/),
    ]);
    const typing = emulator.typingStats().find((s) => s.dialogId === "2" && s.senderId === botId);
    expect(typing?.events).toBeGreaterThanOrEqual(3); // thinking, searching, composing
    expect(typing?.lapses).toBe(0);
  }, 40_000);

  it("gets the same bot back with B24_BOT_TOKEN, and never prints that token", async () => {
    const demo = startDemo(["--bot"], { B24_WEBHOOK_URL: webhook, B24_BOT_TOKEN: token });
    expect(await listening(demo)).toBe(botId);
    demo.child.kill("SIGINT");
    const run = await demo.done;
    expect(run.code).toBe(130);
    expect(run.stdout).toMatch(/ready \(registering is idempotent/);
    expect(run.stdout).not.toContain("export B24_BOT_TOKEN");
    expect(`${run.stdout}${run.stderr}`).not.toContain(token);
  }, 30_000);

  it("tells the person waiting when Ctrl-C stops it mid-answer", async () => {
    const demo = startDemo(["--bot"], { B24_WEBHOOK_URL: webhook, B24_BOT_TOKEN: token });
    try {
      await listening(demo);
      emulator.say({ from: 3, dialogId: String(botId), text: "Are you there?" });
      await demo.waitFor(/b24im Demo Agent is thinking…/);
    } finally {
      demo.child.kill("SIGINT");
    }
    const run = await demo.done;
    expect(run.code).toBe(130);
    expect(run.stdout).toMatch(/b24im Demo Agent was stopped before answering and said so/);
    expect(messagesOf(`3-${botId}`).at(-1)).toMatchObject({ authorId: botId, text: APOLOGY });
    expect(emulator.state().dialogs.find((d) => d.id === `3-${botId}`)?.typing).toEqual([]);
  }, 30_000);

  it("explains, exit 1, when the code belongs to a bot with another token — with or without B24_BOT_TOKEN", async () => {
    const other = "not-the-token-of-that-bot";
    const fromEnv = await runDemo(["--bot"], { B24_WEBHOOK_URL: webhook, B24_BOT_TOKEN: other });
    expect(fromEnv.code).toBe(1);
    expect(fromEnv.stdout).toMatch(
      /Could not register the bot: the portal already has a bot with the code b24im_demo_agent, and B24_BOT_TOKEN is not its token/,
    );
    expect(`${fromEnv.stdout}${fromEnv.stderr}`).not.toContain(other);

    const made = await runDemo(["--bot", "--webhook", webhook]);
    expect(made.code).toBe(1);
    expect(made.stdout).toMatch(/Run again with B24_BOT_TOKEN set to the token that run printed/);
    expect(made.stdout).not.toContain("export B24_BOT_TOKEN"); // a token the portal refused is no use
    for (const run of [fromEnv, made]) {
      expect(run.stderr).not.toMatch(/^\s+at /m);
      expect(run.stdout).not.toContain(code);
    }
  }, 30_000);

  it("says in plain words when the portal refuses the webhook, exit 1", async () => {
    const wrong = webhook.replace(code, "wr0ngc0de123");
    const run = await runDemo(["--bot", "--webhook", wrong, "--transport", "fetch"]);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(
      /Could not register the bot: the portal refused the webhook.*"imbot" scope/,
    );
    expect(`${run.stdout}${run.stderr}`).not.toContain("wr0ngc0de123");
  }, 30_000);
});

describe("pnpm demo -- --bot when the portal refuses polling for good", () => {
  it("gives up with the reason, exit 1, once the bot was unregistered", async () => {
    const portal = await startEmulator();
    const url = portal.webhookUrl(1);
    const botToken = "token-of-the-doomed-bot";
    try {
      const demo = startDemo(["--bot"], { B24_WEBHOOK_URL: url, B24_BOT_TOKEN: botToken });
      const id = await listening(demo);
      await fetch(`${url}imbot.v2.Bot.unregister`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ botId: id, botToken }),
      });
      const run = await demo.done;
      expect(run.code).toBe(1);
      expect(run.stdout).toMatch(/gave up \(answered 0 messages\): .*BOT_NOT_FOUND/);
      expect(`${run.stdout}${run.stderr}`).not.toContain(botToken);
    } finally {
      await portal.close();
    }
  }, 40_000);
});

import { type B24Client, createClient } from "@b24im/core";
import { type Emulator, startEmulator } from "@b24im/emulator";
import { createFetchTransport } from "@b24im/transport-fetch";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RegistrationError, registerFetchBot } from "./register-bot.js";

let emulator: Emulator;
let client: B24Client;

beforeAll(async () => {
  emulator = await startEmulator();
  client = createClient({ webhook: emulator.webhookUrl(1), transport: createFetchTransport() });
});
afterAll(async () => {
  await client.close();
  await emulator.close();
});

const options = (code: string, botToken: string) => ({
  code,
  botToken,
  tokenSource: "environment" as const,
  name: "Demo Agent",
});

async function refusal(promise: Promise<unknown>): Promise<RegistrationError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(RegistrationError);
  return error as RegistrationError;
}

describe("registerFetchBot (against the emulator)", () => {
  it("registers a fetch-mode bot, and gives the same bot back for the same code and token", async () => {
    const first = await registerFetchBot(client, options("agent_a", "token-of-agent-a"));
    expect(first).toMatchObject({ code: "agent_a", name: "Demo Agent", switchedToFetch: false });
    const again = await registerFetchBot(client, {
      ...options("agent_a", "token-of-agent-a"),
      name: "Renamed",
    });
    expect(again).toEqual(first);
  });

  it("says what to do when the code belongs to a bot with another token, never quoting a token", async () => {
    await registerFetchBot(client, options("agent_b", "token-of-agent-b"));
    const fromEnv = await refusal(registerFetchBot(client, options("agent_b", "wrong-token-1")));
    expect(fromEnv.message).toMatch(
      /already has a bot with the code agent_b.*B24_BOT_TOKEN is not its token/,
    );
    const made = await refusal(
      registerFetchBot(client, {
        ...options("agent_b", "wrong-token-2"),
        tokenSource: "generated",
      }),
    );
    expect(made.message).toMatch(/Run again with B24_BOT_TOKEN set to the token that run printed/);
    for (const error of [fromEnv, made]) expect(error.message).not.toMatch(/token-of|wrong-token/);
  });

  it("says so when the token already stands for another bot", async () => {
    await registerFetchBot(client, options("agent_c", "token-of-agent-c"));
    const error = await refusal(registerFetchBot(client, options("agent_d", "token-of-agent-c")));
    expect(error.message).toMatch(/already belongs to another bot/);
  });

  it("switches a bot registered for webhooks to polling", async () => {
    await client.call("imbot.v2.Bot.register", {
      fields: {
        code: "agent_e",
        botToken: "token-of-agent-e",
        eventMode: "webhook",
        webhookUrl: "http://127.0.0.1:9/events",
        properties: { name: "Hooked" },
      },
    });
    const bot = await registerFetchBot(client, options("agent_e", "token-of-agent-e"));
    expect(bot).toMatchObject({ name: "Hooked", switchedToFetch: true });
    const got = await client.call<{ bot: { eventMode: string } }>("imbot.v2.Bot.get", {
      botId: bot.id,
      botToken: "token-of-agent-e",
    });
    expect(got.bot.eventMode).toBe("fetch");
  });

  it("lets other failures through as the client reported them", async () => {
    const denied = createClient({
      webhook: emulator.webhookUrl(1).replace(/\/[^/]+\/$/, "/wr0ngc0de/"),
      transport: createFetchTransport(),
      retry: false,
    });
    try {
      await expect(
        registerFetchBot(denied, options("agent_f", "token-of-agent-f")),
      ).rejects.toMatchObject({
        code: "NO_AUTH_FOUND",
      });
    } finally {
      await denied.close();
    }
  });
});

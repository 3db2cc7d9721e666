#!/usr/bin/env node
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import type { RateLimit } from "./emulator-types.js";
import type { EmulatorSeed } from "./seed.js";
import { startEmulator } from "./server.js";

const USAGE = `Usage: b24im-emulator [options]

A local Bitrix24 REST emulator.

  --port N           port to listen on (default 0: a free one)
  --host H           interface to bind (default 127.0.0.1)
  --seed FILE        JSON file with the portal (users, chats, bots, webhooks, apps)
  --rate-limit MODE  off | standard | enterprise (default off)
  --typing-ttl MS    how long "… is typing" stays visible (default 35000)
  --help             show this help
`;

function fail(message: string): never {
  process.stderr.write(`b24im-emulator: ${message}\n\n${USAGE}`);
  process.exit(2);
}

function rateLimitOf(mode: string | undefined): RateLimit {
  if (mode === undefined || mode === "off") return false;
  if (mode === "standard" || mode === "enterprise") return mode;
  return fail(`--rate-limit must be off, standard or enterprise, not ${mode}`);
}

function integerOf(name: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 0) fail(`${name} must be a non-negative integer`);
  return value;
}

async function main(): Promise<void> {
  let values: ReturnType<typeof parse>["values"];
  try {
    values = parse().values;
  } catch (error) {
    fail((error as Error).message);
  }
  if (values.help) {
    process.stdout.write(USAGE);
    return;
  }
  const seed =
    values.seed === undefined
      ? undefined
      : (JSON.parse(readFileSync(values.seed, "utf8")) as EmulatorSeed);
  const emulator = await startEmulator({
    port: integerOf("--port", values.port),
    host: values.host,
    seed,
    rateLimit: rateLimitOf(values["rate-limit"]),
    typingTtlMs: integerOf("--typing-ttl", values["typing-ttl"]),
  });
  process.stdout.write(
    `Bitrix24 emulator listening on ${emulator.url}\n` +
      `Webhook: ${emulator.webhookUrl()}\n` +
      `Recipient view: ${emulator.url}/\n`,
  );
  const stop = (): void => {
    emulator.close().then(() => process.exit(0));
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
}

function parse() {
  return parseArgs({
    options: {
      port: { type: "string" },
      host: { type: "string" },
      seed: { type: "string" },
      "rate-limit": { type: "string" },
      "typing-ttl": { type: "string" },
      help: { type: "boolean", short: "h" },
    },
    strict: true,
  });
}

main().catch((error: unknown) => {
  process.stderr.write(`b24im-emulator: ${(error as Error).message}\n`);
  process.exit(1);
});

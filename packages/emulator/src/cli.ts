#!/usr/bin/env node
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import type { Emulator, EmulatorOptions, RateLimit } from "./emulator-types.js";
import type { EmulatorSeed } from "./seed.js";
import { defaultSeed } from "./seed.js";
import { selfSignedCertificate } from "./self-signed.js";
import { startEmulator } from "./server.js";

const USAGE = `Usage: b24im-emulator [options]

A local Bitrix24 REST emulator (a test portal).

  --port N                 port to listen on (default 0: a free one)
  --host H                 interface to bind (default 127.0.0.1)
  --seed FILE              JSON file with the portal (users, chats, bots, webhooks, apps)
  --rate-limit MODE        off | standard | enterprise | DRAIN/BUCKET, e.g. 2/50 (default off)
  --typing-ttl MS          how long "… is typing" stays visible (default 35000)
  --processing METHOD=MS   simulated processing time of a method; repeatable
  --operating-budget S     operating-time budget per method over 10 minutes (default 480)
  --access-token-ttl MS    OAuth access-token lifetime (default 3600000)
  --moved-to URL           the portal moved: answer every request 302 to URL + path
  --log-limit N            request-log size (default 1000)
  --max-body-bytes N       largest request body read; larger gets 413 (default 8388608)
  --webhook-timeout MS     how long a webhook POST to a bot may take (default 10000)
  --https                  serve https with a self-signed certificate made at start
  --key FILE --cert FILE   serve https with this PEM key and certificate
  --help                   show this help

Faults are scheduled per test through the API (emulator.faults), not here.
`;

class UsageError extends Error {}

function fail(message: string): never {
  throw new UsageError(message);
}

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    options: {
      port: { type: "string" },
      host: { type: "string" },
      seed: { type: "string" },
      "rate-limit": { type: "string" },
      "typing-ttl": { type: "string" },
      processing: { type: "string", multiple: true },
      "operating-budget": { type: "string" },
      "access-token-ttl": { type: "string" },
      "moved-to": { type: "string" },
      "log-limit": { type: "string" },
      "max-body-bytes": { type: "string" },
      "webhook-timeout": { type: "string" },
      https: { type: "boolean" },
      key: { type: "string" },
      cert: { type: "string" },
      help: { type: "boolean", short: "h" },
    },
    strict: true,
    allowPositionals: false,
  });
}

function numberOf(name: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (text.trim() === "" || !Number.isFinite(value) || value < 0) {
    fail(`${name} must be a number ≥ 0, not ${JSON.stringify(text)}`);
  }
  return value;
}

function rateLimitOf(mode: string | undefined): RateLimit {
  if (mode === undefined || mode === "off") return false;
  if (mode === "standard" || mode === "enterprise") return mode;
  const custom = /^(\d+(?:\.\d+)?)\/(\d+)$/.exec(mode);
  if (custom) return { drainPerSecond: Number(custom[1]), bucketSize: Number(custom[2]) };
  return fail(`--rate-limit must be off, standard, enterprise or DRAIN/BUCKET, not ${mode}`);
}

function processingOf(entries: string[] | undefined): Record<string, number> | undefined {
  if (entries === undefined) return undefined;
  const out: Record<string, number> = {};
  for (const entry of entries) {
    const match = /^([^=]+)=(\d+)$/.exec(entry);
    if (!match) fail(`--processing must be METHOD=MS, not ${JSON.stringify(entry)}`);
    out[match[1] as string] = Number(match[2]);
  }
  return out;
}

function readText(option: string, file: string): string {
  try {
    return readFileSync(file, "utf8");
  } catch (error) {
    return fail(`${option}: cannot read ${file} (${(error as NodeJS.ErrnoException).code})`);
  }
}

function seedOf(file: string | undefined): EmulatorSeed | undefined {
  if (file === undefined) return undefined;
  try {
    return JSON.parse(readText("--seed", file)) as EmulatorSeed;
  } catch (error) {
    if (error instanceof UsageError) throw error;
    // Not the parser's message: it quotes the file, and a seed holds webhook codes.
    return fail(`--seed: ${file} is not valid JSON`);
  }
}

/** The options of one run, or a UsageError; `certificate` is set when one was made here. */
function optionsOf(values: ReturnType<typeof parse>["values"]): {
  options: EmulatorOptions;
  certificate?: string;
} {
  if ((values.key === undefined) !== (values.cert === undefined)) {
    fail("--key and --cert go together");
  }
  let https: EmulatorOptions["https"];
  let certificate: string | undefined;
  if (values.key !== undefined && values.cert !== undefined) {
    https = { key: readText("--key", values.key), cert: readText("--cert", values.cert) };
  } else if (values.https) {
    const host = values.host ?? "127.0.0.1";
    https = selfSignedCertificate([...new Set(["localhost", host, "127.0.0.1", "::1"])]);
    certificate = https.cert as string;
  }
  const options: EmulatorOptions = {
    port: numberOf("--port", values.port),
    host: values.host,
    seed: seedOf(values.seed),
    rateLimit: rateLimitOf(values["rate-limit"]),
    typingTtlMs: numberOf("--typing-ttl", values["typing-ttl"]),
    processingMs: processingOf(values.processing),
    operatingBudgetSeconds: numberOf("--operating-budget", values["operating-budget"]),
    accessTokenTtlMs: numberOf("--access-token-ttl", values["access-token-ttl"]),
    movedTo: values["moved-to"],
    logLimit: numberOf("--log-limit", values["log-limit"]),
    maxBodyBytes: numberOf("--max-body-bytes", values["max-body-bytes"]),
    webhookTimeoutMs: numberOf("--webhook-timeout", values["webhook-timeout"]),
    https,
  };
  // An option left undefined takes startEmulator's default.
  return { options, certificate };
}

/** Everything a person needs to use the portal, secrets included: it is a local test portal. */
function banner(emulator: Emulator, seed: EmulatorSeed, certificate: string | undefined): string {
  const userName = (id: number) => {
    const user = seed.users.find((candidate) => candidate.id === id);
    return user === undefined ? `user ${id}` : [user.name, user.lastName].filter(Boolean).join(" ");
  };
  const lines = [
    `Bitrix24 emulator listening on ${emulator.url}`,
    `Recipient view: ${emulator.url}/`,
    "",
    "This is a local test portal: the webhook codes, secrets and bot tokens below are its test",
    "credentials, printed so you can use them. Never reuse them on a real portal.",
  ];
  for (const hook of seed.webhooks ?? []) {
    lines.push(
      `Webhook: ${emulator.url}/rest/${hook.userId}/${hook.code}/ (${userName(hook.userId)})`,
    );
  }
  for (const app of seed.oauthApps ?? []) {
    lines.push(
      `OAuth app: client_id ${app.clientId}, client_secret ${app.clientSecret}, scope ${app.scope ?? "im,imbot"}`,
    );
    // There is no authorization-code flow here: a first token pair to start from.
    const userId = seed.users[0]?.id ?? 1;
    const tokens = emulator.oauth.issueTokens({ userId, clientId: app.clientId });
    lines.push(
      `  tokens of user ${userId}: access_token ${tokens.access_token}, refresh_token ${tokens.refresh_token} (refresh at ${emulator.url}/oauth/token/)`,
    );
  }
  for (const bot of seed.bots ?? []) {
    const mode = bot.eventMode === "webhook" ? `webhook mode → ${bot.webhookUrl}` : "fetch mode";
    lines.push(
      `Bot ${bot.id} "${bot.name}": code ${bot.code ?? `bot${bot.id}`}, type ${bot.type ?? "bot"}, ${mode}, client_id ${bot.clientId}, botToken ${bot.botToken}`,
    );
  }
  if (certificate !== undefined) {
    lines.push(
      "",
      "Self-signed certificate made for this run (trust it as a CA):",
      certificate.trim(),
    );
  }
  return `${lines.join("\n")}\n`;
}

async function main(): Promise<number> {
  let values: ReturnType<typeof parse>["values"];
  let run: ReturnType<typeof optionsOf>;
  try {
    values = parse(process.argv.slice(2)).values;
    if (values.help) {
      process.stdout.write(USAGE);
      return 0;
    }
    run = optionsOf(values);
  } catch (error) {
    process.stderr.write(`b24im-emulator: ${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  let emulator: Emulator;
  try {
    emulator = await startEmulator(run.options);
  } catch (error) {
    // startEmulator names a wrong option with a TypeError or RangeError: a usage error too.
    const usage = error instanceof TypeError || error instanceof RangeError;
    process.stderr.write(`b24im-emulator: ${(error as Error).message}\n`);
    return usage ? 2 : 1;
  }
  process.stdout.write(banner(emulator, run.options.seed ?? defaultSeed(), run.certificate));
  await new Promise<void>((resolve) => {
    process.once("SIGINT", resolve);
    process.once("SIGTERM", resolve);
  });
  await emulator.close();
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`b24im-emulator: ${(error as Error).message}\n`);
    process.exit(1);
  },
);

import type { EmulatorOptions } from "./emulator-types.js";

const SEED_LISTS = ["chats", "workgroups", "bots", "webhooks", "oauthApps"] as const;

/**
 * Checks the options of `startEmulator` and returns them, or throws a `TypeError` (a
 * `RangeError` for a number out of range) naming the option and what it must be. The emulator
 * is a test tool: a typo such as `rateLimit: "Standard"` must fail loudly, not start a portal
 * that quietly has no limit.
 *
 * @example
 * ```ts
 * checkEmulatorOptions({ port: 8080, rateLimit: "standard" }); // the same object
 * checkEmulatorOptions({ port: "8080" }); // TypeError: startEmulator: options.port must be …
 * ```
 */
export function checkEmulatorOptions(options: unknown): EmulatorOptions {
  if (options === undefined) return {};
  need(isRecord(options), "options", "an object", options);
  const o = options as EmulatorOptions;
  need(
    o.host === undefined || (typeof o.host === "string" && o.host !== ""),
    "host",
    "a non-empty string",
    o.host,
  );
  range(
    o.port === undefined || isInteger(o.port, 0, 65_535),
    "port",
    "an integer from 0 to 65535",
    o.port,
  );
  need(
    o.https === undefined || (isRecord(o.https) && isPem(o.https.key) && isPem(o.https.cert)),
    "https",
    "{ key, cert }, each a PEM string or Buffer",
    o.https,
  );
  need(
    o.seed === undefined ||
      (isRecord(o.seed) &&
        Array.isArray(o.seed.users) &&
        SEED_LISTS.every((list) => o.seed?.[list] === undefined || Array.isArray(o.seed[list]))),
    "seed",
    `an object with a users array (and optionally arrays of ${SEED_LISTS.join(", ")})`,
    o.seed,
  );
  for (const [index, bot] of (o.seed?.bots ?? []).entries()) checkSeedBot(bot, index);
  checkRateLimit(o.rateLimit);
  for (const key of [
    "operatingBudgetSeconds",
    "typingTtlMs",
    "accessTokenTtlMs",
    "webhookTimeoutMs",
  ] as const) {
    range(o[key] === undefined || isPositive(o[key]), key, "a finite number > 0", o[key]);
  }
  need(
    o.processingMs === undefined ||
      (isRecord(o.processingMs) &&
        Object.values(o.processingMs).every(
          (ms) => typeof ms === "number" && ms >= 0 && Number.isFinite(ms),
        )),
    "processingMs",
    "an object of method names to milliseconds ≥ 0",
    o.processingMs,
  );
  need(
    o.movedTo === undefined || isAbsoluteUrl(o.movedTo),
    "movedTo",
    "an absolute URL",
    o.movedTo,
  );
  range(
    o.maxBodyBytes === undefined || isInteger(o.maxBodyBytes, 1, Number.MAX_SAFE_INTEGER),
    "maxBodyBytes",
    "an integer ≥ 1",
    o.maxBodyBytes,
  );
  range(
    o.logLimit === undefined || isInteger(o.logLimit, 0, Number.MAX_SAFE_INTEGER),
    "logLimit",
    "an integer ≥ 0",
    o.logLimit,
  );
  need(
    o.now === undefined || typeof o.now === "function",
    "now",
    "a function returning epoch ms",
    o.now,
  );
  return o;
}

const BOT_TYPES = ["bot", "supervisor", "personal", "openline", "network"];

// A seeded bot is a bot platform 2.0 bot too: its mode must be one the platform knows, and a
// webhook-mode bot needs somewhere to send its events.
function checkSeedBot(bot: unknown, index: number): void {
  const name = `seed.bots[${index}]`;
  need(isRecord(bot), name, "an object", bot);
  const b = bot as Record<string, unknown>;
  need(Number.isSafeInteger(b.id) && (b.id as number) > 0, `${name}.id`, "an integer ≥ 1", b.id);
  need(
    b.type === undefined || BOT_TYPES.includes(b.type as string),
    `${name}.type`,
    BOT_TYPES.join(" | "),
    b.type,
  );
  need(
    b.eventMode === undefined || b.eventMode === "fetch" || b.eventMode === "webhook",
    `${name}.eventMode`,
    '"fetch" or "webhook"',
    b.eventMode,
  );
  need(
    b.eventMode !== "webhook" || isHttpUrl(b.webhookUrl),
    `${name}.webhookUrl`,
    "an http(s) URL when eventMode is webhook",
    b.webhookUrl,
  );
}

function isHttpUrl(value: unknown): boolean {
  return isAbsoluteUrl(value) && /^https?:/i.test(value as string);
}

function checkRateLimit(limit: unknown): void {
  if (limit === undefined || limit === false || limit === "standard" || limit === "enterprise")
    return;
  const ok =
    isRecord(limit) &&
    isPositive(limit.drainPerSecond) &&
    isInteger(limit.bucketSize, 1, Number.MAX_SAFE_INTEGER);
  need(
    ok,
    "rateLimit",
    'false, "standard", "enterprise" or { drainPerSecond > 0, bucketSize: an integer ≥ 1 }',
    limit,
  );
}

function need(ok: boolean, option: string, what: string, value: unknown): void {
  if (!ok) throw new TypeError(message(option, what, value));
}

function range(ok: boolean, option: string, what: string, value: unknown): void {
  if (ok) return;
  throw typeof value === "number"
    ? new RangeError(message(option, what, value))
    : new TypeError(message(option, what, value));
}

function message(option: string, what: string, value: unknown): string {
  return `startEmulator: options.${option} must be ${what}; got ${shown(value)}`;
}

// Short primitives are quoted; objects by kind only (a key or certificate is not printed).
function shown(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "object") return "an object";
  if (typeof value === "function") return "a function";
  return String(JSON.stringify(value) ?? String(value)).slice(0, 60);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isInteger(value: unknown, min: number, max: number): boolean {
  return Number.isInteger(value) && (value as number) >= min && (value as number) <= max;
}

function isPositive(value: unknown): boolean {
  return typeof value === "number" && value > 0 && Number.isFinite(value);
}

function isPem(value: unknown): boolean {
  return (typeof value === "string" && value !== "") || value instanceof Uint8Array;
}

function isAbsoluteUrl(value: unknown): boolean {
  if (typeof value !== "string") return false;
  try {
    new URL(value);
    return true;
  } catch {
    return false;
  }
}

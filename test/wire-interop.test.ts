// Core's encoder and the emulator's decoder were written apart, each to BITRIX24.md: these
// properties check that they agree, at the unit level and over a real socket.
import { createClient, encodePhpQuery } from "@b24im/core";
import { startEmulator } from "@b24im/emulator";
import { createNodeTransport } from "@b24im/transport-node";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parsePhpQuery } from "../packages/emulator/src/php-query.js";

// Bitrix24 parameter names are letters, digits and "_"; PHP itself rewrites "." and " " in
// names and cannot carry "[" or "]" in one, so nothing else would survive a real portal.
const name = fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_]{0,11}$/);
const text = fc.string({ unit: "grapheme", maxLength: 40 });
const scalar = fc.oneof(
  text,
  fc.integer(),
  fc.double({ noNaN: true }),
  fc.boolean(),
  fc.constant(null),
  fc.date({ noInvalidDate: true }),
);
const { value } = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    scalar,
    fc.array(tie("value"), { maxLength: 3 }),
    fc.dictionary(name, tie("value"), { maxKeys: 3 }),
  ),
}));
const params = fc.dictionary(name, value, { maxKeys: 5 });

/** What PHP (and the emulator) make of a value sent as a query: text, and maps for containers. */
function asDecoded(input: unknown): unknown {
  if (input === null || input === undefined) return undefined;
  if (input instanceof Date) return input.toISOString();
  if (typeof input === "boolean") return input ? "1" : "0";
  if (typeof input !== "object") return String(input);
  const out: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(input)) {
    const decoded = asDecoded(inner);
    if (decoded !== undefined) out[key] = decoded;
  }
  // A container with nothing to send sends no pair at all.
  return Object.keys(out).length > 0 ? out : undefined;
}

describe("PHP-style query: core encodes what the emulator decodes", () => {
  it("round-trips any parameters made of names, text, numbers, booleans, dates, lists and maps", () => {
    fc.assert(
      fc.property(params, (input) => {
        expect(parsePhpQuery(encodePhpQuery(input))).toEqual(asDecoded(input) ?? {});
      }),
      { numRuns: 500 },
    );
  });
});

describe("message text over the wire", () => {
  let emulator: Awaited<ReturnType<typeof startEmulator>>;
  let client: ReturnType<typeof createClient>;
  beforeAll(async () => {
    emulator = await startEmulator({ rateLimit: false });
    client = createClient({
      webhook: emulator.webhookUrl(),
      transport: createNodeTransport(),
      rateLimit: false,
    });
  });
  afterAll(async () => {
    await client.close();
    await emulator.close();
  });

  const lastMessage = () =>
    emulator
      .state()
      .dialogs.find((d) => d.id === "chat1")
      ?.messages.at(-1)?.text;
  const nonBlank = text.filter((message) => message.trim() !== "");

  it("arrives exactly, in a JSON call and as a batch command", async () => {
    await fc.assert(
      fc.asyncProperty(nonBlank, async (message) => {
        await client.call("im.message.add", { DIALOG_ID: "chat1", MESSAGE: message });
        expect(lastMessage()).toBe(message);

        const [outcome] = await client.batch([
          { method: "im.message.add", params: { DIALOG_ID: "chat1", MESSAGE: message } },
        ]);
        expect(outcome?.status).toBe("fulfilled");
        expect(lastMessage()).toBe(message);
      }),
      { numRuns: 60 },
    );
  });
});

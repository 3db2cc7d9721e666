// Typing as the recipients see it, for every identity DESIGN.md names, over a real socket:
// each open lease keeps its sender's line alive in its dialog without a lapse, and nothing
// more arrives once every lease is stopped.
import { createClient, type TypingOptions } from "@b24im/core";
import { defaultSeed, type Emulator, startEmulator } from "@b24im/emulator";
import { createNodeTransport } from "@b24im/transport-node";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const TTL_MS = 3000;
const REFRESH_MS = 500;
// Several indicator lives: a line that was never refreshed has gone out by then.
const HOLD_MS = 3 * TTL_MS + 200;

const seed = defaultSeed();
const bot = seed.bots?.[0];
if (!bot?.botToken) throw new Error("the emulator's default seed has no bot with a token");
const USER_ID = seed.webhooks?.[0]?.userId ?? 1;

const identities: Array<{ as: TypingOptions["as"]; sender: number }> = [
  { as: "user", sender: USER_ID },
  { as: { botId: bot.id, clientId: bot.clientId }, sender: bot.id },
  { as: { botId: bot.id, botToken: bot.botToken, v2: true }, sender: bot.id },
];

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("typing for every identity, as the recipients see it", () => {
  let emulator: Emulator;
  beforeAll(async () => {
    emulator = await startEmulator({ rateLimit: "standard", typingTtlMs: TTL_MS });
  });
  afterAll(() => emulator.close());

  const lease = fc.record({
    dialog: fc.constantFrom("chat1", "chat2"),
    identity: fc.constantFrom(...identities),
  });

  it("keeps every open lease's line alive, and goes quiet after the last stop", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(lease, { minLength: 1, maxLength: 4 }), async (planned) => {
        await emulator.reset();
        const errors: unknown[] = [];
        const client = createClient({
          webhook: emulator.webhookUrl(USER_ID),
          transport: createNodeTransport(),
          typing: { refreshMs: REFRESH_MS, onError: (error) => errors.push(error) },
        });
        const leases = planned.map(({ dialog, identity }) =>
          client.typing(dialog, { as: identity.as }),
        );
        await sleep(HOLD_MS);

        const state = emulator.state();
        for (const { dialog, identity } of planned) {
          const lines = state.dialogs.find((d) => d.id === dialog)?.typing ?? [];
          expect(lines.map((line) => line.senderId)).toContain(identity.sender);
        }
        const stats = emulator.typingStats();
        for (const { dialog, identity } of planned) {
          const stat = stats.find((s) => s.dialogId === dialog && s.senderId === identity.sender);
          // Refreshed all along: an event at least every indicator life, none after one lapsed.
          expect(stat?.events).toBeGreaterThanOrEqual(HOLD_MS / TTL_MS);
          expect(stat?.maxGapMs).toBeLessThan(TTL_MS);
        }
        for (const stat of stats) expect(stat.lapses).toBe(0);
        expect(errors).toEqual([]);

        for (const open of leases) open.stop();
        const events = () => emulator.typingStats().reduce((sum, stat) => sum + stat.events, 0);
        await sleep(50); // a send already on its way when stop() was called may still land
        const afterStop = events();
        await sleep(REFRESH_MS + 100);
        expect(events()).toBe(afterStop);
        await client.close();
      }),
      { numRuns: 3 },
    );
  }, 90_000);
});

import { describe, expect, it } from "vitest";
import { ConfigError } from "../protocol/errors.js";
import { answerEveryCommand } from "../testing/answer-every-command.test-helpers.js";
import { createFakeClock, type FakeClock } from "../testing/fake-clock.js";
import {
  createFakeTransport,
  type FakeExchange,
  type FakeTransport,
} from "../testing/fake-transport.js";
import type { TypingCoordinator } from "../typing/coordinator.js";
import { createMemoryTypingCoordinator } from "../typing/memory-coordinator.js";
import { type B24Client, createClient } from "./client.js";

const WEBHOOK = "https://x.bitrix24.ru/rest/1/s3cr3tWebhookC0de/";

// The dialogs a request showed typing in, plain or batched.
const dialogsOf = (x: FakeExchange): string[] => {
  const body = x.body as { DIALOG_ID?: string; cmd?: Record<string, string> };
  if (body.DIALOG_ID) return [body.DIALOG_ID];
  return Object.values(body.cmd ?? {}).map((cmd) => cmd.split("DIALOG_ID=")[1] ?? "");
};

// Records every call the clients make of a memory coordinator.
function recording(clock: FakeClock) {
  const memory = createMemoryTypingCoordinator({ clock });
  const seen: { claimed: string[]; joined: string[]; left: string[] } = {
    claimed: [],
    joined: [],
    left: [],
  };
  const coordinator: TypingCoordinator = {
    join: (holds, call) => {
      seen.joined.push(...holds.map((h) => h.key));
      return memory.join(holds, call);
    },
    claim: (claims, call) => {
      seen.claimed.push(...claims.map((c) => c.key));
      return memory.claim(claims, call);
    },
    settle: (outcome, call) => memory.settle(outcome, call),
    leave: (keys, call) => {
      seen.left.push(...keys);
      return memory.leave(keys, call);
    },
  };
  return { coordinator, seen };
}

describe("clients sharing a typing coordinator", () => {
  it("three clients holding leases on the same 120 dialogs refresh each once per period", async () => {
    const clock = createFakeClock({ now: 0 });
    const coordinator = createMemoryTypingCoordinator({ clock });
    const transports: FakeTransport[] = [];
    const clients: B24Client[] = [];
    for (let i = 0; i < 3; i++) {
      const transport = createFakeTransport({ clock });
      transport.setDefault(answerEveryCommand);
      transports.push(transport);
      clients.push(createClient({ webhook: WEBHOOK, transport, clock, typing: { coordinator } }));
    }
    const ids = Array.from({ length: 120 }, (_, i) => `chat${i + 1}`);
    for (const client of clients) for (const id of ids) client.typing(id);
    await clock.advance(60_500);
    const times = new Map<string, number[]>();
    for (const transport of transports) {
      for (const exchange of transport.requests) {
        for (const dialog of dialogsOf(exchange)) {
          times.set(dialog, [...(times.get(dialog) ?? []), exchange.at]);
        }
      }
    }
    for (const id of ids) {
      // One event at the start, then one every 20 s: 4 in 60.5 s — not 12.
      expect(times.get(id)).toHaveLength(4);
    }
    // Every request but the first events' was a full batch of 50, or the last 20.
    const requests = transports.flatMap((t) => t.requests);
    expect(requests.length).toBeLessThanOrEqual(4 * 3 + 2);
    await Promise.all(clients.map((client) => client.close()));
    expect(clock.pendingTimers).toBe(0);
  });

  it("keys each schedule by sender and dialog: the webhook's user, an OAuth token, a bot", async () => {
    const clock = createFakeClock({ now: 0 });
    const { coordinator, seen } = recording(clock);
    const transport = createFakeTransport({ clock });
    transport.setDefault(answerEveryCommand);
    const webhook = createClient({
      webhook: "https://x.bitrix24.ru/rest/17/s3cr3tWebhookC0de/",
      transport,
      clock,
      typing: { coordinator },
    });
    const oauth = createClient({
      oauth: { clientEndpoint: "https://x.bitrix24.ru/rest/", accessToken: "t0ken-value" },
      transport,
      clock,
      typing: { coordinator },
    });
    webhook.typing("chat5");
    webhook.typing("chat5", { as: { botId: 7, v2: true } });
    oauth.typing("chat5");
    await clock.advance(1);
    expect(seen.joined.sort()).toEqual(["botv2:7:chat5", "user:17:chat5", "user:oauth:chat5"]);
    expect(seen.claimed.sort()).toEqual(seen.joined);
    await Promise.all([webhook.close(), oauth.close()]);
    // Closing told the fleet: every schedule this process held is left.
    expect(seen.left.sort()).toEqual(seen.joined);
  });

  it("a bad coordinator is a ConfigError naming typing.coordinator; a lease cannot take one", () => {
    const transport = createFakeTransport();
    for (const coordinator of [{}, { claim: () => {} }, "redis://cache:6379", 42]) {
      const made = () =>
        createClient({
          webhook: WEBHOOK,
          transport,
          typing: { coordinator: coordinator as unknown as TypingCoordinator },
        });
      expect(made).toThrow(ConfigError);
      expect(made).toThrow(/^typing\.coordinator must be a TypingCoordinator/);
    }
    const client = createClient({
      webhook: WEBHOOK,
      transport,
      typing: { coordinator: undefined, refreshMs: 15_000 },
    });
    const coordinator = createMemoryTypingCoordinator();
    expect(() =>
      client.typing("chat5", { coordinator } as unknown as Parameters<B24Client["typing"]>[1]),
    ).toThrow(/typing\.coordinator must be left out/);
  });
});

// The OAuth refresh end to end: the client against the emulator's rotating, single-use
// refresh tokens, with access tokens expiring under concurrent calls.
import { createClient, type OAuthTokens } from "@b24im/core";
import { defaultSeed, type Emulator, startEmulator } from "@b24im/emulator";
import { createNodeTransport } from "@b24im/transport-node";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const app = defaultSeed().oauthApps?.[0];
if (!app) throw new Error("the emulator's default seed has no OAuth app");

describe("OAuth refresh against the emulator", () => {
  let emulator: Emulator;
  beforeAll(async () => {
    // A log long enough to hold every request of every run: refreshes are counted in it.
    emulator = await startEmulator({ rateLimit: false, logLimit: 100_000 });
  });
  afterAll(() => emulator.close());

  const refreshes = () => emulator.log.filter((entry) => entry.method === "oauth.token");

  it("refreshes exactly once per expiry, however many calls meet it, and every call succeeds", async () => {
    const rounds = fc.array(
      fc.record({ expire: fc.boolean(), calls: fc.integer({ min: 1, max: 25 }) }),
      { minLength: 1, maxLength: 6 },
    );
    await fc.assert(
      fc.asyncProperty(rounds, async (plan) => {
        const issued = emulator.oauth.issueTokens({ clientId: app.clientId });
        const stored: OAuthTokens[] = [];
        const client = createClient({
          oauth: {
            clientEndpoint: issued.client_endpoint,
            accessToken: issued.access_token,
            refreshToken: issued.refresh_token,
            clientId: app.clientId,
            clientSecret: app.clientSecret,
            serverEndpoint: issued.server_endpoint,
            onTokens: (tokens) => void stored.push(tokens),
          },
          transport: createNodeTransport(),
          rateLimit: false,
        });
        const before = refreshes().length;
        let expiries = 0;

        for (const round of plan) {
          if (round.expire) {
            emulator.oauth.expireAccessTokens();
            expiries++;
          }
          const results = await Promise.all(
            Array.from({ length: round.calls }, () => client.writing("chat1")),
          );
          expect(results.every((result) => result === true)).toBe(true);
        }
        await client.close();

        expect(refreshes().length - before).toBe(expiries);
        expect(refreshes().every((entry) => entry.status === 200)).toBe(true);
        expect(stored).toHaveLength(expiries);
        const refreshTokens = stored.map((tokens) => tokens.refreshToken);
        expect(new Set([issued.refresh_token, ...refreshTokens]).size).toBe(expiries + 1);
      }),
      { numRuns: 15 },
    );
  });
});

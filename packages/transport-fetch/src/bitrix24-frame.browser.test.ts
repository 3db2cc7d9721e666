import { createClient } from "@b24im/core";
import { describe, expect, inject, it } from "vitest";
import { createFetchTransport } from "./fetch-transport.js";

// The recipe of core's README, "Browsers and Bitrix24 apps", in real Chromium: an app inside
// a Bitrix24 frame types with the frame's OAuth token and refreshes it through the frame —
// no webhook URL and no client secret in the page. BX24 is the frame's API, faked here.
interface FrameAuth {
  access_token: string;
  domain: string;
}

function fakeFrame(frame: ReturnType<typeof inject<"frame">>) {
  let refreshes = 0;
  const BX24 = {
    getAuth: (): FrameAuth => ({ access_token: frame.staleAccessToken, domain: frame.domain }),
    refreshAuth(callback: (auth: FrameAuth) => void): void {
      refreshes++;
      setTimeout(
        () => callback({ access_token: frame.freshAccessToken, domain: frame.domain }),
        10,
      );
    },
  };
  return { BX24, refreshes: () => refreshes };
}

describe("an app in a Bitrix24 frame", () => {
  it("types with the frame's token and refreshes it through the frame once it expired", async () => {
    const frame = inject("frame");
    const { BX24, refreshes } = fakeFrame(frame);

    const auth = BX24.getAuth();
    const client = createClient({
      oauth: {
        clientEndpoint: frame.clientEndpoint, // `https://${auth.domain}/rest/` on a real portal
        accessToken: auth.access_token,
        refresh: () =>
          new Promise((resolve) =>
            BX24.refreshAuth((next) => resolve({ accessToken: next.access_token })),
          ),
      },
      transport: createFetchTransport(),
    });
    try {
      const typing = await Promise.all([client.writing("chat1"), client.writing("chat2")]);
      expect(typing).toEqual([true, true]);
      expect(refreshes()).toBe(1);
      await expect(client.writing("chat1")).resolves.toBe(true);
      expect(refreshes()).toBe(1);
    } finally {
      await client.close();
    }
  });
});

import type { EmulatorSeed } from "@b24im/emulator";

/**
 * The webhook every bench client calls through: user 1's.
 *
 * @example
 * ```ts
 * emulator.webhookUrl === `${emulator.url}/rest/1/${BENCH_WEBHOOK_CODE}/`; // true
 * ```
 */
export const BENCH_WEBHOOK_CODE = "bench4k9x2m7q1w8z";

/**
 * The OAuth application the chaos soak calls through, as user 1.
 *
 * @example
 * ```ts
 * const tokens = await emulator.issueTokens();
 * const oauth = { clientEndpoint: tokens.client_endpoint, accessToken: tokens.access_token,
 *   refreshToken: tokens.refresh_token, ...BENCH_OAUTH_APP };
 * const client = createClient({ oauth, transport: createNodeTransport() });
 * ```
 */
export const BENCH_OAUTH_APP = { clientId: "local.bench", clientSecret: "bench-s3cret-7Qx2Lw9" };

/**
 * A portal with `chats` group chats (`chat1` … `chatN`) whose members are users 1 and 2,
 * a webhook for user 1, so one webhook can type in thousands of dialogs, and an OAuth app.
 *
 * @example
 * ```ts
 * benchSeed(3).chats?.length; // 3
 * ```
 */
export function benchSeed(chats: number): EmulatorSeed {
  return {
    users: [
      { id: 1, name: "Bench", lastName: "Writer", admin: true },
      { id: 2, name: "Bench", lastName: "Reader" },
    ],
    chats: Array.from({ length: chats }, (_, index) => ({
      id: index + 1,
      title: `Bench chat ${index + 1}`,
      members: [1, 2],
    })),
    webhooks: [{ userId: 1, code: BENCH_WEBHOOK_CODE }],
    oauthApps: [{ ...BENCH_OAUTH_APP, scope: "im" }],
  };
}

/**
 * The dialog ids of {@link benchSeed}'s first `count` chats.
 *
 * @example
 * ```ts
 * benchDialogs(2); // ["chat1", "chat2"]
 * ```
 */
export function benchDialogs(count: number): string[] {
  return Array.from({ length: count }, (_, index) => `chat${index + 1}`);
}

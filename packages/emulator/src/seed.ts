/**
 * A portal user. Private dialog with this user is dialog id `"<id>"`.
 *
 * @example
 * ```ts
 * const user: SeedUser = { id: 6, name: "Fedor", lastName: "Orlov" };
 * ```
 */
export interface SeedUser {
  id: number;
  name: string;
  lastName?: string;
  admin?: boolean;
}

/**
 * A group chat, dialog id `"chat<id>"`. Members may include bot ids.
 *
 * @example
 * ```ts
 * const chat: SeedChat = { id: 4, title: "Support", members: [1, 2, 100] }; // dialog "chat4"
 * ```
 */
export interface SeedChat {
  id: number;
  title: string;
  members: number[];
}

/**
 * A workgroup whose chat (one of `chats`) is dialog id `"sg<id>"`.
 *
 * @example
 * ```ts
 * const group: SeedWorkgroup = { id: 2, name: "Support", chatId: 4 }; // chat 4 is now dialog "sg2"
 * ```
 */
export interface SeedWorkgroup {
  id: number;
  name: string;
  chatId: number;
}

/**
 * How a bot platform 2.0 bot behaves in group chats (`bot` and `openline` need a mention).
 *
 * @example
 * ```ts
 * const type: BotType = "supervisor"; // sees every message of its chats
 * ```
 */
export type BotType = "bot" | "supervisor" | "personal" | "openline" | "network";

/**
 * How a bot platform 2.0 bot takes its events: polling `imbot.v2.Event.get`, or POSTs.
 *
 * @example
 * ```ts
 * const mode: BotEventMode = "webhook"; // events are POSTed to the bot's webhookUrl
 * ```
 */
export type BotEventMode = "fetch" | "webhook";

/**
 * A chat bot; it is also a user with the same id. Every seeded bot is also a bot platform 2.0
 * (`imbot.v2`) bot: in `fetch` mode unless `eventMode` says otherwise.
 *
 * @example
 * ```ts
 * const bot: SeedBot = { id: 100, name: "Demo Bot", clientId: "demo-client",
 *   botToken: "demo-bot-token", code: "demo_bot", type: "bot", eventMode: "fetch" };
 * ```
 */
export interface SeedBot {
  id: number;
  name: string;
  /** The application that owns the bot (`CLIENT_ID` of `imbot.chat.sendTyping`). */
  clientId: string;
  /** The `botToken` that webhooks send to `imbot.v2.*` methods. */
  botToken: string;
  /** Its `code` for `imbot.v2.Bot.register` (registering this code again returns it); default `bot<id>`. */
  code?: string;
  /** Default `"bot"`: in group chats it sees only messages that mention it. */
  type?: BotType;
  /** Default `"fetch"`. */
  eventMode?: BotEventMode;
  /** Where its events are POSTed; required with `eventMode: "webhook"`. */
  webhookUrl?: string;
  lastName?: string;
  workPosition?: string;
}

/**
 * An inbound webhook: `/rest/<userId>/<code>/`.
 *
 * @example
 * ```ts
 * const hook: SeedWebhook = { userId: 2, code: "p5n8r2c6y9b1j4ds" };
 * const emulator = await startEmulator({ seed: { ...defaultSeed(), webhooks: [hook] } });
 * emulator.webhookUrl(2); // `${emulator.url}/rest/2/p5n8r2c6y9b1j4ds/`
 * ```
 */
export interface SeedWebhook {
  userId: number;
  code: string;
}

/**
 * An OAuth application allowed to refresh tokens at `/oauth/token/`.
 *
 * @example
 * ```ts
 * const app: SeedOAuthApp = { clientId: "local.support", clientSecret: "support-secret", scope: "im" };
 * ```
 */
export interface SeedOAuthApp {
  clientId: string;
  clientSecret: string;
  /** Comma-separated scopes reported in token answers; default `"im,imbot"`. */
  scope?: string;
}

/**
 * The portal the emulator pretends to be: a plain JSON-able object.
 *
 * @example
 * ```ts
 * const seed: EmulatorSeed = {
 *   users: [{ id: 1, name: "Anna" }, { id: 2, name: "Boris" }],
 *   chats: [{ id: 1, title: "General", members: [1, 2] }],
 *   webhooks: [{ userId: 1, code: "h7x2k9q4w1m8v3zt" }],
 * };
 * const emulator = await startEmulator({ seed });
 * ```
 */
export interface EmulatorSeed {
  /** `member_id` of token answers; default `"b24im-emulator"`. */
  memberId?: string;
  users: SeedUser[];
  chats?: SeedChat[];
  workgroups?: SeedWorkgroup[];
  bots?: SeedBot[];
  webhooks?: SeedWebhook[];
  oauthApps?: SeedOAuthApp[];
}

/**
 * The portal used when no seed is given: five users, three chats (the third is workgroup
 * `sg1`'s), bot 100, a webhook each for users 1 and 2 and the OAuth app `local.demo`.
 *
 * @example
 * ```ts
 * const seed = defaultSeed();
 * seed.chats?.[0]; // { id: 1, title: "General", members: [1, 2, 3, 100] }
 * ```
 */
export function defaultSeed(): EmulatorSeed {
  return {
    memberId: "b24im-emulator",
    users: [
      { id: 1, name: "Anna", lastName: "Admin", admin: true },
      { id: 2, name: "Boris", lastName: "Petrov" },
      { id: 3, name: "Clara", lastName: "Ivanova" },
      { id: 4, name: "Dmitry", lastName: "Smirnov" },
      { id: 5, name: "Elena", lastName: "Kuznetsova" },
    ],
    chats: [
      { id: 1, title: "General", members: [1, 2, 3, 100] },
      { id: 2, title: "Project Alpha", members: [1, 2, 100] },
      { id: 3, title: "Marketing workgroup", members: [1, 2] },
    ],
    workgroups: [{ id: 1, name: "Marketing", chatId: 3 }],
    bots: [
      {
        id: 100,
        name: "Demo Bot",
        clientId: "demo-client",
        botToken: "demo-bot-token",
        code: "demo_bot",
      },
    ],
    webhooks: [
      { userId: 1, code: "h7x2k9q4w1m8v3zt" },
      { userId: 2, code: "p5n8r2c6y9b1j4ds" },
    ],
    oauthApps: [
      { clientId: "local.demo", clientSecret: "demo-secret-6Ft9Qx2Lw8", scope: "im,imbot" },
    ],
  };
}

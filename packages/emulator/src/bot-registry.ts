import { createHmac, randomBytes } from "node:crypto";
import type { PortalModel } from "./portal-model.js";
import type { BotEventMode, BotType } from "./seed.js";

/**
 * A bot of the bot platform 2.0 as the emulator keeps it.
 *
 * @example
 * ```ts
 * const bot: V2Bot | undefined = registry.get(100); // { id: 100, code: "demo_bot", … }
 * ```
 */
export interface V2Bot {
  readonly id: number;
  readonly code: string;
  type: BotType;
  eventMode: BotEventMode;
  webhookUrl: string | undefined;
  /** The token webhook callers prove ownership with; OAuth-registered bots may have none. */
  botToken: string | undefined;
  /**
   * The OAuth application that owns the bot. A bot registered through a webhook gets a client
   * id of its own, as the platform gives such a bot a synthetic application: the OAuth tokens
   * its webhook events carry act for it.
   */
  readonly clientId: string;
  name: string;
  lastName: string;
  workPosition: string;
  color: string;
  gender: string;
  isHidden: boolean;
  isReactionsEnabled: boolean;
  isSupportOpenline: boolean;
  backgroundId: string | null;
  /** Messages the bot sent. */
  countMessage: number;
  /** People whose messages reached the bot. */
  readonly users: Set<number>;
  /** Bumped by a token rotation: the bot's webhook events are then signed with a new token. */
  tokenGeneration: number;
}

/**
 * What a new bot is made of; the registry picks its id.
 *
 * @example
 * ```ts
 * registry.add({ code: "x", name: "X", type: "bot", eventMode: "fetch", clientId: undefined, … });
 * ```
 */
export type NewBot = Omit<
  V2Bot,
  "id" | "countMessage" | "users" | "tokenGeneration" | "clientId"
> & {
  clientId: string | undefined;
};

const COLORS = ["#df532d", "#ab7761", "#29619b", "#728f7a", "#ba9c7b", "#e8a441", "#556574"];

/**
 * A stable avatar colour for an id, like the portal's automatic one.
 *
 * @example
 * ```ts
 * colorFor(1); // "#ab7761"
 * ```
 */
export function colorFor(id: number): string {
  return COLORS[Math.abs(id) % COLORS.length] as string;
}

/**
 * The bots of the bot platform 2.0: the seeded ones (in `fetch` mode unless the seed says
 * otherwise) and those registered through `imbot.v2.Bot.register`. Every bot is also a user
 * of the portal and a bot of the older `imbot.*` methods. An unregistered bot is kept aside
 * so its last events can still be read and its application token still named.
 *
 * @example
 * ```ts
 * const registry = new BotRegistry(new PortalModel(defaultSeed()));
 * registry.get(100)?.code; // "demo_bot"
 * registry.applicationToken(100); // 32 hex digits, the same all along this registry's life
 * ```
 */
export class BotRegistry {
  readonly #bots = new Map<number, V2Bot>();
  readonly #removed = new Map<number, V2Bot>();
  // Application tokens are derived from this secret, made afresh by every emulator: stable for
  // a test run, unguessable from outside.
  readonly #secret = randomBytes(32);

  constructor(readonly portal: PortalModel) {
    for (const seeded of portal.seed.bots ?? []) {
      const user = portal.users.get(seeded.id);
      const bot: V2Bot = {
        id: seeded.id,
        code: seeded.code ?? `bot${seeded.id}`,
        type: seeded.type ?? "bot",
        eventMode: seeded.eventMode ?? "fetch",
        webhookUrl: seeded.webhookUrl,
        botToken: seeded.botToken,
        clientId: seeded.clientId,
        name: seeded.name,
        lastName: seeded.lastName ?? user?.lastName ?? "",
        workPosition: seeded.workPosition ?? "",
        color: colorFor(seeded.id),
        gender: "",
        isHidden: false,
        isReactionsEnabled: true,
        isSupportOpenline: false,
        backgroundId: null,
        countMessage: 0,
        users: new Set(),
        tokenGeneration: 0,
      };
      this.#bots.set(seeded.id, bot);
      if (seeded.lastName !== undefined) this.syncUser(bot);
    }
  }

  /** A registered bot. */
  get(id: number): V2Bot | undefined {
    return this.#bots.get(id);
  }

  /** A registered bot, or an unregistered one (for its last events). */
  getEvenRemoved(id: number): V2Bot | undefined {
    return this.#bots.get(id) ?? this.#removed.get(id);
  }

  /** Was `id` ever a bot of this registry? */
  isBot(id: number): boolean {
    return this.#bots.has(id) || this.#removed.has(id);
  }

  byCode(code: string): V2Bot | undefined {
    for (const bot of this.#bots.values()) if (bot.code === code) return bot;
    return undefined;
  }

  byToken(token: string): V2Bot | undefined {
    for (const bot of this.#bots.values()) if (bot.botToken === token) return bot;
    return undefined;
  }

  all(): V2Bot[] {
    return [...this.#bots.values()];
  }

  /** Registers a bot under a new user id and makes it a user and an `imbot.*` bot too. */
  add(fields: NewBot): V2Bot {
    const id = this.portal.nextUserId();
    const bot: V2Bot = {
      ...fields,
      id,
      clientId: fields.clientId ?? `b24im-bot-${id}`,
      countMessage: 0,
      users: new Set(),
      tokenGeneration: 0,
    };
    this.#bots.set(id, bot);
    this.syncUser(bot);
    return bot;
  }

  /** Brings the bot's user record and `imbot.*` entry in line with its fields. */
  syncUser(bot: V2Bot): void {
    const user = {
      id: bot.id,
      name: bot.name,
      ...(bot.lastName ? { lastName: bot.lastName } : {}),
    };
    this.portal.users.set(bot.id, user);
    this.portal.bots.set(bot.id, {
      id: bot.id,
      name: bot.name,
      clientId: bot.clientId,
      botToken: bot.botToken ?? "",
    });
  }

  /** Unregisters a bot: it leaves every chat and answers no method but `Event.get`. */
  remove(bot: V2Bot): void {
    this.#bots.delete(bot.id);
    this.#removed.set(bot.id, bot);
    this.portal.bots.delete(bot.id);
    for (const dialog of this.portal.chats.values()) dialog.members.delete(bot.id);
  }

  /**
   * The token the bot's webhook events carry in their top-level `auth[application_token]`:
   * derived from the registry's secret, the bot id and its token rotations.
   */
  applicationToken(bot: V2Bot): string {
    return createHmac("sha256", this.#secret)
      .update(`${bot.id}:${bot.tokenGeneration}`)
      .digest("hex")
      .slice(0, 32);
  }
}

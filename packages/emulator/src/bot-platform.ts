import { BotEventQueue, type EventPage } from "./bot-event-queue.js";
import {
  botObject,
  chatObject,
  messageObject,
  PORTAL_LANGUAGE,
  userObject,
} from "./bot-objects.js";
import { BotRegistry, type V2Bot } from "./bot-registry.js";
import { mentionsBot } from "./mentions.js";
import type { Dialog, PortalModel } from "./portal-model.js";
import { portalDate } from "./time-envelope.js";
import type { ViewMessage } from "./typing-view.js";

/**
 * An event for one bot, before its `bot` object is added in the shape of the bot's mode.
 *
 * @example
 * ```ts
 * const draft: BotEventDraft = { type: "ONIMBOTV2DELETE", data: {}, userId: 1 };
 * ```
 */
export interface BotEventDraft {
  type: string;
  /** The event's `data` without `bot`. */
  data: Record<string, unknown>;
  /** The user whose action caused it: the OAuth tokens of a webhook event act for them. */
  userId: number;
}

/**
 * Sends a webhook-mode bot's event (see `WebhookSender`).
 *
 * @example
 * ```ts
 * const deliver: WebhookDeliver = (bot, event) => console.log(bot.id, event.type);
 * ```
 */
export type WebhookDeliver = (bot: V2Bot, event: BotEventDraft) => void;

/**
 * The bot platform 2.0 of the emulator: the bots, one event queue per fetch-mode bot, and
 * the hand-off of webhook-mode events to delivery. Event ids grow across all bots.
 *
 * @example
 * ```ts
 * const platform = new BotPlatform(portal, { now: Date.now });
 * platform.emit(platform.registry.get(100)!, { type: "ONIMBOTV2JOINCHAT", data: {}, userId: 1 });
 * platform.read(platform.registry.get(100)!, undefined, 100).events.length; // 1
 * ```
 */
export class BotPlatform {
  readonly registry: BotRegistry;
  readonly #queues = new Map<number, BotEventQueue>();
  #nextEventId = 1;
  #deliver: WebhookDeliver | undefined;

  constructor(
    readonly portal: PortalModel,
    readonly options: { now: () => number },
  ) {
    this.registry = new BotRegistry(portal);
  }

  /** Where webhook-mode events go; until set, they are dropped. */
  onWebhookEvent(deliver: WebhookDeliver): void {
    this.#deliver = deliver;
  }

  /**
   * Gives `bot` an event: queued for `imbot.v2.Event.get` in fetch mode, with the full bot
   * object (no `auth`) as it is now; handed to webhook delivery in webhook mode.
   */
  emit(bot: V2Bot, event: BotEventDraft): void {
    if (bot.eventMode === "webhook") {
      this.#deliver?.(bot, event);
      return;
    }
    let queue = this.#queues.get(bot.id);
    if (queue === undefined) {
      queue = new BotEventQueue();
      this.#queues.set(bot.id, queue);
    }
    queue.push({
      eventId: this.#nextEventId++,
      type: event.type,
      date: portalDate(this.options.now()),
      data: { bot: botObject(bot, this.portal), ...event.data },
    });
  }

  /**
   * A person's message in `dialog` becomes `ONIMBOTV2MESSAGEADD` for every bot that would see
   * it: the bot of a private dialog; in a group chat a `supervisor` or `personal` member bot
   * always, any other member bot when mentioned. A bot's own message reaches no bot.
   */
  messageAdded(dialog: Dialog, message: ViewMessage): void {
    const authorId = message.authorId;
    if (this.registry.isBot(authorId)) return;
    for (const memberId of dialog.members) {
      if (memberId === authorId) continue;
      const bot = this.registry.get(memberId);
      if (bot === undefined) continue;
      const seesAll =
        dialog.kind === "private" || bot.type === "supervisor" || bot.type === "personal";
      if (
        !seesAll &&
        !mentionsBot(message.text, { id: bot.id, name: this.portal.userName(bot.id) })
      ) {
        continue;
      }
      bot.users.add(authorId);
      this.emit(bot, {
        type: "ONIMBOTV2MESSAGEADD",
        data: {
          message: messageObject(message, dialog),
          chat: chatObject(dialog, bot.id),
          user: userObject(authorId, this.portal, this.registry),
          language: PORTAL_LANGUAGE,
        },
        userId: authorId,
      });
    }
  }

  /** `imbot.v2.Event.get` for a bot: acknowledge below `offset`, return up to `limit`. */
  read(bot: V2Bot, offset: number | undefined, limit: number): EventPage {
    const queue = this.#queues.get(bot.id);
    if (queue === undefined) return { events: [], nextOffset: offset ?? 0, hasMore: false };
    const page = queue.read(offset, limit);
    // An unregistered bot's queue lives until its last event (ONIMBOTV2DELETE) is acknowledged.
    if (queue.size === 0 && this.registry.get(bot.id) === undefined) this.#queues.delete(bot.id);
    return page;
  }

  /** Are events of an unregistered bot still waiting to be read? */
  hasPendingEvents(botId: number): boolean {
    return (this.#queues.get(botId)?.size ?? 0) > 0;
  }

  /** Unregisters a bot; ONIMBOTV2DELETE is its last event. */
  unregister(bot: V2Bot, userId: number): void {
    this.emit(bot, { type: "ONIMBOTV2DELETE", data: {}, userId });
    this.registry.remove(bot);
  }

  /** Forgets every queued event (bots stay registered). */
  resetEvents(): void {
    for (const queue of this.#queues.values()) queue.clear();
  }
}

import type { Faults } from "./faults.js";
import type { OAuthControl } from "./oauth.js";
import type { RequestLogEntry } from "./request-log.js";
import type { SayOptions } from "./say.js";
import type { EmulatorSeed } from "./seed.js";
import type { DialogState, TypingStat } from "./typing-view.js";
import type { WebhookDelivery } from "./webhook-delivery.js";

/**
 * The request-rate limit: off, the cloud tariffs, or a custom leaky bucket.
 *
 * @example
 * ```ts
 * const rateLimit: RateLimit = "standard"; // 2/s, bucket 50: as strict as a cloud portal
 * const emulator = await startEmulator({ rateLimit });
 * ```
 */
export type RateLimit =
  | false
  | "standard"
  | "enterprise"
  | { drainPerSecond: number; bucketSize: number };

/**
 * How to start the emulator; every field is optional.
 *
 * @example
 * ```ts
 * const options: EmulatorOptions = { port: 8080, rateLimit: "standard", typingTtlMs: 5_000 };
 * const emulator = await startEmulator(options);
 * ```
 */
export interface EmulatorOptions {
  /** Interface to bind; default `"127.0.0.1"`. */
  host?: string;
  /** Port; default 0 (a free one). */
  port?: number;
  /** Serve https with this key and certificate. */
  https?: { key: string | Buffer; cert: string | Buffer };
  /** The portal; default {@link defaultSeed}. */
  seed?: EmulatorSeed;
  /** Leaky bucket per source: `standard` = 2/s and 50, `enterprise` = 5/s and 250; default off. */
  rateLimit?: RateLimit;
  /** Operating-time budget per method per credential over ten minutes; default 480. */
  operatingBudgetSeconds?: number;
  /** Simulated processing time per method (lowercased name): counted and actually waited. */
  processingMs?: Record<string, number>;
  /** How long a recipient sees "… is typing" after the last event; default 35 000. */
  typingTtlMs?: number;
  /** Access-token lifetime; default 3 600 000. */
  accessTokenTtlMs?: number;
  /** The portal moved: answer every request 302 to `movedTo` + the same path and query. */
  movedTo?: string;
  /** Size of the request log ring buffer; default 1000. */
  logLimit?: number;
  /**
   * The largest request body the emulator reads, in bytes; a larger one is answered 413
   * `REQUEST_ENTITY_TOO_LARGE` and its connection closed, as a portal's web server would.
   * Default 8 MiB.
   */
  maxBodyBytes?: number;
  /** How long one webhook-mode bot event POST may take, answer included; default 10 000. */
  webhookTimeoutMs?: number;
  /**
   * The clock (ms since the epoch) for limits, tokens and timestamps; default `Date.now`.
   * Lets tests move time without sleeping. Typing expiry still uses real timers.
   */
  now?: () => number;
}

/**
 * Counts of REST and OAuth requests (not the page, state or event stream).
 *
 * @example
 * ```ts
 * const { ok, rejected503 }: EmulatorCounters = emulator.counters;
 * console.log(`${ok} answered, ${rejected503} refused by the rate limit`);
 * ```
 */
export interface EmulatorCounters {
  requests: number;
  /** Answered 2xx. */
  ok: number;
  rejected503: number;
  rejected429: number;
  /** Every other error answer, reset socket or hung request. */
  errors: number;
}

/**
 * The JSON of `GET /_emulator/state`.
 *
 * @example
 * ```ts
 * const state: EmulatorState = await (await fetch(`${emulator.url}/_emulator/state`)).json();
 * state.dialogs.find((dialog) => dialog.id === "chat1")?.typing; // who is typing there now
 * ```
 */
export interface EmulatorState {
  /** The emulator's clock when the state was taken (ms since the epoch). */
  now: number;
  /** Every user of the portal, bots included (`bot: true`). */
  users: { id: number; name: string; bot: boolean }[];
  dialogs: DialogState[];
  counters: EmulatorCounters;
}

/**
 * A running emulator.
 *
 * @example
 * ```ts
 * const emulator: Emulator = await startEmulator();
 * const client = createClient({ webhook: emulator.webhookUrl(), transport: createFetchTransport() });
 * await client.writing("chat1");
 * await emulator.close();
 * ```
 */
export interface Emulator {
  /** Its base address, e.g. `"http://127.0.0.1:40123"`. */
  readonly url: string;
  /** `${url}/rest/<user>/<code>/` of the first seeded webhook of `userId` (default: the first). */
  webhookUrl(userId?: number): string;
  readonly faults: Faults;
  readonly oauth: OAuthControl;
  /** Same JSON as `GET /_emulator/state`. */
  state(): EmulatorState;
  /** Per (dialog, sender) statistics of typing events. */
  typingStats(): TypingStat[];
  /** The most recent requests, oldest first. */
  readonly log: readonly RequestLogEntry[];
  readonly counters: Readonly<EmulatorCounters>;
  /** Clears log, counters, typing lines, messages, statistics, limits and faults. Keeps the
   * seed and issued tokens. */
  reset(): void;
  /** Ends every socket (keep-alive, event streams, hung requests) and stops listening. */
  close(): Promise<void>;
  /**
   * The token this emulator signs bot `botId`'s webhook events with: their top-level
   * `auth[application_token]`. Random per emulator, the same for a bot all along (until its
   * `botToken` is rotated through `imbot.v2.Bot.update`, as on the platform). Throws for an id
   * that was never a bot.
   */
  applicationToken(botId: number): string;
  /**
   * A person writes: `from` posts `text` in `dialogId` as they would write it (`"chat1"`, or
   * the other user's or bot's id for a private dialog). The message is shown, ends the
   * writer's typing line there, and becomes `ONIMBOTV2MESSAGEADD` for every bot that would see
   * it. Returns the new message's id. Throws a `TypeError` for malformed options, an `Error`
   * when `from` cannot write there.
   */
  say(options: SayOptions): number;
  /**
   * The outcome of each webhook POST to a webhook-mode bot (the last 1,000, oldest first):
   * the handler's `status`, or an `error` such as `"timeout"` or `"ECONNREFUSED"`. No POST is
   * retried, as on the platform.
   */
  readonly deliveries: readonly WebhookDelivery[];
  /** Resolves once no webhook POST is queued or under way. */
  deliveriesSettled(): Promise<void>;
}

import { BotPlatform } from "./bot-platform.js";
import type { EmulatorCounters, EmulatorOptions, EmulatorState } from "./emulator-types.js";
import { FaultQueue } from "./faults.js";
import type { LeakyBucket } from "./leaky-bucket.js";
import { MethodRunner } from "./method-runner.js";
import type { Caller } from "./methods/rest-method.js";
import { OAuthServer } from "./oauth.js";
import { OperatingTime } from "./operating-time.js";
import { PortalModel } from "./portal-model.js";
import { leakyBucketFor } from "./rate-limits.js";
import { DEFAULT_MAX_BODY_BYTES } from "./request-body.js";
import { RequestLog, type RequestLogEntry, redactMethod, redactPath } from "./request-log.js";
import { defaultSeed } from "./seed.js";
import { restTime, type TimeEnvelope } from "./time-envelope.js";
import { TrackedTimers } from "./tracked-timers.js";
import { TypingView } from "./typing-view.js";
import { WebhookSender } from "./webhook-delivery.js";
import { webhookEventBody } from "./webhook-event.js";

function zeroCounters(): EmulatorCounters {
  return { requests: 0, ok: 0, rejected503: 0, rejected429: 0, errors: 0 };
}

/**
 * Everything the emulator knows and counts, independent of HTTP: the portal, the recipient
 * view, tokens, faults, limits, the request log and the counters.
 *
 * @example
 * ```ts
 * const core = new EmulatorCore({ rateLimit: "standard" }, () => "http://127.0.0.1:8080");
 * core.webhookCallers.get("h7x2k9q4w1m8v3zt")?.userId; // 1
 * ```
 */
export class EmulatorCore {
  readonly now: () => number;
  readonly portal: PortalModel;
  readonly view: TypingView;
  readonly bots: BotPlatform;
  readonly oauth: OAuthServer;
  readonly faults = new FaultQueue();
  readonly log: RequestLog;
  readonly counters = zeroCounters();
  readonly bucket: LeakyBucket | undefined;
  readonly operating: OperatingTime;
  readonly timers = new TrackedTimers();
  readonly runner: MethodRunner;
  readonly webhooks: WebhookSender;
  /** The caller of each webhook code, built once so the hot path allocates none. */
  readonly webhookCallers = new Map<string, Caller>();
  /** The largest request body read; a larger one is answered 413. */
  readonly maxBodyBytes: number;

  constructor(options: EmulatorOptions, baseUrl: () => string) {
    this.now = options.now ?? Date.now;
    this.maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
    this.portal = new PortalModel(options.seed ?? defaultSeed());
    this.view = new TypingView(this.portal, this.now);
    this.bots = new BotPlatform(this.portal, { now: this.now });
    this.oauth = new OAuthServer(this.portal, {
      accessTokenTtlMs: options.accessTokenTtlMs ?? 3_600_000,
      now: this.now,
      baseUrl,
    });
    this.webhooks = new WebhookSender({
      now: this.now,
      timeoutMs: options.webhookTimeoutMs ?? 10_000,
    });
    const deps = { registry: this.bots.registry, oauth: this.oauth, now: this.now, baseUrl };
    this.bots.onWebhookEvent((bot, event) => {
      if (bot.webhookUrl === undefined) return;
      this.webhooks.send(bot.id, bot.webhookUrl, event.type, webhookEventBody(bot, event, deps));
    });
    this.log = new RequestLog(options.logLimit ?? 1000);
    this.bucket = leakyBucketFor(options.rateLimit);
    this.operating = new OperatingTime(options.operatingBudgetSeconds ?? 480);
    const processingMs = new Map(
      Object.entries(options.processingMs ?? {}).map(([name, ms]) => [name.toLowerCase(), ms]),
    );
    this.runner = new MethodRunner({
      portal: this.portal,
      view: this.view,
      bots: this.bots,
      operating: this.operating,
      typingTtlMs: options.typingTtlMs ?? 35_000,
      processingMs,
      now: this.now,
      sleep: (ms) => this.timers.sleep(ms),
    });
    for (const [code, userId] of this.portal.webhooks) {
      this.webhookCallers.set(code, { userId, kind: "webhook", credential: `webhook:${code}` });
    }
  }

  /** A request path as the log may show it: never a webhook code, whatever the path's form. */
  loggedPath(pathname: string): string {
    return redactPath(pathname, this.portal.webhooks.keys());
  }

  /** Logs a finished request and counts it by its status. */
  record(entry: RequestLogEntry): void {
    entry.method = redactMethod(entry.method, this.portal.webhooks.keys());
    const counters = this.counters;
    counters.requests++;
    if (entry.status >= 200 && entry.status < 300) counters.ok++;
    else if (entry.status === 503) counters.rejected503++;
    else if (entry.status === 429) counters.rejected429++;
    else if (entry.status === 0 || entry.status >= 400) counters.errors++;
    this.log.push(entry);
  }

  /** A `time` object for answers that ran no method (auth errors, limits, batch). */
  plainTime(startMs: number): TimeEnvelope {
    const finishMs = this.now();
    return restTime(startMs, finishMs, (finishMs - startMs) / 1000, 0, startMs / 1000 + 600);
  }

  state(): EmulatorState {
    const users = [...this.portal.users.keys()].map((id) => ({
      id,
      name: this.portal.userName(id),
      bot: this.portal.bots.has(id),
    }));
    return {
      now: this.now(),
      users,
      dialogs: this.view.dialogs(),
      counters: { ...this.counters },
    };
  }

  reset(): void {
    this.log.clear();
    Object.assign(this.counters, zeroCounters());
    this.view.reset();
    this.bots.resetEvents();
    this.webhooks.clearRecords();
    this.bucket?.clear();
    this.operating.clear();
    this.faults.clear();
  }

  close(): void {
    this.webhooks.close();
    this.timers.clear();
    this.view.close();
  }
}

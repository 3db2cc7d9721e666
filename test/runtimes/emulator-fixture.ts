// One emulator per runtime (so the runtimes run side by side and their typing statistics never
// mix), seeded with a fresh webhook code, with the faults the suite's checks expect, and the
// checks only the server can make once the suite has ended.
import { randomBytes } from "node:crypto";
import { defaultSeed, type Emulator, startEmulator } from "@b24im/emulator";
import { deadPort } from "../../packages/transport-node/src/test-servers.test-helpers.ts";
import type { CheckResult, SuiteInput } from "./protocol.ts";

/** Short enough that a scheduler which never refreshed would lapse within the hold. */
const TYPING_TTL_MS = 3000;
const REFRESH_MS = 1000;
/** Several refresh periods and longer than the TTL, with half a period to spare for timers. */
const HOLD_MS = 5500;
const LEASE_DIALOG = "chat2";
const LEASE_SENDER = 1;
const HANGING_METHOD = "im.revision.get";
/** A chat the seeded bot is a member of; the lease types in another one. */
const BOT_DIALOG = "chat1";

export interface Fixture {
  emulator: Emulator;
  input: SuiteInput;
  /** The webhook code: the runner masks it in anything it prints. */
  secret: string;
  /** The server's view of the run, checked after the suite ended. */
  serverChecks(): CheckResult[];
  /**
   * The platform's own webhook delivery to a bot served at `url` (the Worker's `/bot`): the
   * bot is switched to webhook mode there, a person writes, and the answer must appear.
   */
  deliveryCheck(url: string): Promise<CheckResult>;
}

export async function startFixture(): Promise<Fixture> {
  const secret = `rt${randomBytes(12).toString("hex")}`;
  const seed = defaultSeed();
  const seededBot = seed.bots?.[0];
  if (!seededBot) throw new Error("the emulator's default seed has no bot");
  const emulator = await startEmulator({
    typingTtlMs: TYPING_TTL_MS,
    seed: { ...seed, webhooks: [{ userId: 1, code: secret }] },
  });
  // One hang for the timeout check, one for the abort check.
  emulator.faults.add({ kind: "hang", method: HANGING_METHOD, times: 2 });
  const webhookUrl = emulator.webhookUrl(1);
  const refusedUrl = new URL(webhookUrl);
  // A port nobody listens on: a refused connection.
  refusedUrl.port = String(await deadPort());
  const input: SuiteInput = {
    emulatorUrl: emulator.url,
    webhookUrl,
    refusedWebhookUrl: refusedUrl.href,
    hangingMethod: HANGING_METHOD,
    typing: { dialogId: LEASE_DIALOG, refreshMs: REFRESH_MS, holdMs: HOLD_MS },
    bot: {
      botId: seededBot.id,
      botToken: seededBot.botToken,
      applicationToken: emulator.applicationToken(seededBot.id),
      dialogId: BOT_DIALOG,
    },
  };
  return {
    emulator,
    input,
    secret,
    serverChecks: () => [leaseCheck(emulator)],
    deliveryCheck: (url) => deliveryCheck(emulator, input, url),
  };
}

/** Served by the Worker: the emulator posts the event, the Worker's bot answers through it. */
async function deliveryCheck(
  emulator: Emulator,
  input: SuiteInput,
  url: string,
): Promise<CheckResult> {
  const check = "bot served in the Worker: the emulator's webhook POST verified and answered";
  const started = Date.now();
  const fail = (detail: string): CheckResult => ({
    check,
    ok: false,
    ms: Date.now() - started,
    detail,
  });
  const { botId, botToken, dialogId } = input.bot;
  const update = await fetch(`${input.webhookUrl}imbot.v2.Bot.update`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ botId, botToken, fields: { eventMode: "webhook", webhookUrl: url } }),
  });
  if (!update.ok) return fail(`imbot.v2.Bot.update answered ${update.status}`);
  const text = "delivered by the platform";
  emulator.say({ from: 1, dialogId, text: `[USER=${botId}]Demo Bot[/USER] ${text}` });
  await emulator.deliveriesSettled();
  const statuses = emulator.deliveries.map((delivery) => delivery.status ?? delivery.error);
  if (statuses.length !== 1 || statuses[0] !== 200) {
    return fail(`deliveries: ${JSON.stringify(statuses)}`);
  }
  for (let waited = 0; waited < 10_000; waited += 50) {
    const answered = emulator
      .state()
      .dialogs.find((dialog) => dialog.id === dialogId)
      ?.messages.some((message) => message.authorId === botId && message.text.endsWith(text));
    if (answered)
      return { check, ok: true, ms: Date.now() - started, detail: "POST 200, answered" };
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return fail("no answer from the Worker's bot within 10 s");
}

/** The lease's line never blinked, and it was refreshed all through the hold. */
function leaseCheck(emulator: Emulator): CheckResult {
  const check = "typing lease: no lapse, refreshed (emulator's typingStats)";
  const stat = emulator
    .typingStats()
    .find((s) => s.dialogId === LEASE_DIALOG && s.senderId === LEASE_SENDER);
  const expectedEvents = Math.floor(HOLD_MS / REFRESH_MS);
  if (!stat) return { check, ok: false, ms: 0, detail: `no typing event in ${LEASE_DIALOG}` };
  const problems = [
    stat.lapses > 0 && `${stat.lapses} lapse(s)`,
    stat.events < expectedEvents && `${stat.events} events, expected at least ${expectedEvents}`,
    stat.maxGapMs >= TYPING_TTL_MS && `a gap of ${stat.maxGapMs} ms ≥ the ${TYPING_TTL_MS} ms TTL`,
  ].filter(Boolean);
  return {
    check,
    ok: problems.length === 0,
    ms: stat.lastAt - stat.firstAt,
    detail:
      problems.length > 0
        ? problems.join("; ")
        : `${stat.events} events, max gap ${stat.maxGapMs} ms`,
  };
}

// One emulator per runtime (so the runtimes run side by side and their typing statistics never
// mix), seeded with a fresh webhook code, with the faults the suite's checks expect, and the
// checks only the server can make once the suite has ended.
import { randomBytes } from "node:crypto";
import { createServer } from "node:net";
import { defaultSeed, type Emulator, startEmulator } from "@b24im/emulator";
import type { CheckResult, SuiteInput } from "./protocol.ts";

/** Short enough that a scheduler which never refreshed would lapse within the hold. */
const TYPING_TTL_MS = 3000;
const REFRESH_MS = 1000;
/** Several refresh periods and longer than the TTL, with half a period to spare for timers. */
const HOLD_MS = 5500;
const LEASE_DIALOG = "chat2";
const LEASE_SENDER = 1;
const HANGING_METHOD = "im.revision.get";

export interface Fixture {
  emulator: Emulator;
  input: SuiteInput;
  /** The webhook code: the runner masks it in anything it prints. */
  secret: string;
  /** The server's view of the run, checked after the suite ended. */
  serverChecks(): CheckResult[];
}

/** A port that was free a moment ago and that nobody listens on now: a refused connection. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (address === null || typeof address === "string") throw new Error("no port was assigned");
  return address.port;
}

export async function startFixture(): Promise<Fixture> {
  const secret = `rt${randomBytes(12).toString("hex")}`;
  const emulator = await startEmulator({
    typingTtlMs: TYPING_TTL_MS,
    seed: { ...defaultSeed(), webhooks: [{ userId: 1, code: secret }] },
  });
  // One hang for the timeout check, one for the abort check.
  emulator.faults.add({ kind: "hang", method: HANGING_METHOD, times: 2 });
  const webhookUrl = emulator.webhookUrl(1);
  const refusedUrl = new URL(webhookUrl);
  refusedUrl.port = String(await closedPort());
  const input: SuiteInput = {
    emulatorUrl: emulator.url,
    webhookUrl,
    refusedWebhookUrl: refusedUrl.href,
    hangingMethod: HANGING_METHOD,
    typing: { dialogId: LEASE_DIALOG, refreshMs: REFRESH_MS, holdMs: HOLD_MS },
  };
  return { emulator, input, secret, serverChecks: () => [leaseCheck(emulator)] };
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

import { describe, expect, it } from "vitest";
import { createFakeClock } from "../testing/fake-clock.js";
import { createFakeTransport, errorResponse, jsonResponse } from "../testing/fake-transport.js";
import { createClient } from "./client.js";

const T0 = 1_700_000_000_000;
const HOUR_MS = 3_600_000;

/**
 * One client's traffic over 150 s: a burst past the bucket, a 503 that is retried, an
 * OPERATION_TIME_LIMIT that holds a method, and a typing lease. `steps` move only the wall
 * clock (as NTP or a resumed VM does) at the given times. Returns each request as
 * "method@ms", the time read on the stopwatch.
 */
async function traffic(steps: Array<{ atMs: number; byMs: number }>): Promise<string[]> {
  const clock = createFakeClock({ now: T0 });
  const transport = createFakeTransport({ clock });
  const sent: string[] = [];
  // The first profile call meets a full portal bucket, the first crm.deal.list its operating limit.
  transport.setDefault((exchange) => {
    const method = exchange.request.url.split("/").pop() ?? "";
    sent.push(`${method}@${clock.monotonic() - T0}`);
    const first = sent.filter((s) => s.startsWith(`${method}@`)).length === 1;
    if (first && method === "profile") return errorResponse("QUERY_LIMIT_EXCEEDED", 503);
    if (first && method === "crm.deal.list") {
      // The portal's reset time is its wall clock: two minutes after this answer.
      const resetAt = (clock.now() + 120_000) / 1000;
      return jsonResponse(
        { error: "OPERATION_TIME_LIMIT", time: { operating_reset_at: resetAt } },
        429,
      );
    }
    return jsonResponse({ result: true });
  });
  const client = createClient({
    webhook: "https://x.bitrix24.ru/rest/1/code1234/",
    transport,
    clock,
    retry: { random: () => 0.5 },
  });
  const lease = client.typing("chat9");
  const calls: Array<Promise<unknown>> = [];
  for (let i = 1; i <= 53; i++) calls.push(client.writing(i));
  calls.push(client.call("profile"), client.call("crm.deal.list"));
  const at = (ms: number, run: () => void) => clock.setTimeout(run, ms);
  for (const step of steps) at(step.atMs, () => clock.stepWallClock(step.byMs));
  await clock.advance(150_000);
  await Promise.all(calls);
  lease.stop();
  await client.close();
  return sent;
}

describe("a step of the wall clock", () => {
  it("changes nothing for the limiter, retries, operating-time holds and the typing schedule", async () => {
    const steady = await traffic([]);
    // The typing lease refreshed on time, and the held method went two minutes later.
    const chat9 = steady.filter((s) => s.startsWith("im.dialog.writing@")).length - 53;
    expect(chat9).toBe(8);
    const [limited, held] = steady.filter((s) => s.startsWith("crm.deal.list@"));
    expect(Number(held?.split("@")[1]) - Number(limited?.split("@")[1])).toBe(120_000);
    expect(steady.filter((s) => s.startsWith("profile@"))).toHaveLength(2);

    const back = await traffic([{ atMs: 100, byMs: -HOUR_MS }]);
    const forward = await traffic([{ atMs: 100, byMs: HOUR_MS }]);
    const both = await traffic([
      { atMs: 400, byMs: -HOUR_MS },
      { atMs: 30_000, byMs: 2 * HOUR_MS },
    ]);
    expect(back).toEqual(steady);
    expect(forward).toEqual(steady);
    expect(both).toEqual(steady);
  });
});

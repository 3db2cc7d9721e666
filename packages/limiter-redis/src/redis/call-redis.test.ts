import { B24Error } from "@b24im/core";
import { createFakeClock } from "@b24im/core/testing";
import { describe, expect, it } from "vitest";
import { callRedis, REDIS_BUDGET_MS } from "./call-redis.js";
import { runScript } from "./run-script.js";

const settle = <T>(promise: Promise<T>) => {
  const state: { done: boolean; value?: T; error?: unknown } = { done: false };
  promise.then(
    (value) => Object.assign(state, { done: true, value }),
    (error: unknown) => Object.assign(state, { done: true, error }),
  );
  return state;
};

describe("callRedis", () => {
  it("fails a command Redis does not answer after the budget, with a retryable LIMITER_UNAVAILABLE", async () => {
    const clock = createFakeClock();
    const call = settle(callRedis(() => new Promise(() => {}), { clock, secrets: [] }));
    await clock.advance(REDIS_BUDGET_MS - 1);
    expect(call.done).toBe(false);
    await clock.advance(1);
    expect(call.error).toBeInstanceOf(B24Error);
    expect(call.error).toMatchObject({ code: "LIMITER_UNAVAILABLE", retryable: true });
    expect((call.error as Error).message).toMatch(/did not answer within 2000 ms.*not sent/);
    expect(clock.pendingTimers).toBe(0);
  });

  it("retries a failure that may pass and answers once Redis does", async () => {
    const clock = createFakeClock();
    let attempts = 0;
    const call = settle(
      callRedis(
        async () => {
          attempts++;
          if (attempts < 4) throw new Error("LOADING Redis is loading the dataset in memory");
          return "ok";
        },
        { clock, secrets: [] },
      ),
    );
    await clock.advance(1_000);
    expect(call).toMatchObject({ done: true, value: "ok" });
    expect(attempts).toBe(4);
  });

  it("gives up on a failure that keeps coming within the budget, naming the last one", async () => {
    const clock = createFakeClock();
    let attempts = 0;
    const call = settle(
      callRedis(
        async () => {
          attempts++;
          throw new Error("connect ECONNREFUSED 127.0.0.1:6379");
        },
        { clock, secrets: [] },
      ),
    );
    await clock.advance(REDIS_BUDGET_MS);
    expect(call.error).toMatchObject({ code: "LIMITER_UNAVAILABLE", retryable: true });
    expect((call.error as Error).message).toMatch(
      /kept failing for 2000 ms \(connect ECONNREFUSED/,
    );
    expect(attempts).toBeGreaterThan(3);
    expect(clock.pendingTimers).toBe(0);
  });

  it.each([
    ["WRONGTYPE Operation against a key holding the wrong kind of value", /a key of its own/],
    ["NOPERM User bot has no permissions to run the 'evalsha' command", /\+evalsha \+eval \+time/],
    [
      "ERR The user executing the script can't run this command or subcommand script: 0c66, on @user_script:1.",
      /\+hmget \+hset \+pexpire/,
    ],
    ["WRONGPASS invalid username-password pair", /credentials/],
  ])("fails at once, not retryable, when Redis refuses for good: %s", async (reply, fix) => {
    const clock = createFakeClock();
    let attempts = 0;
    const error = await callRedis(
      async () => {
        attempts++;
        throw new Error(reply);
      },
      { clock, secrets: [] },
    ).catch((e: unknown) => e);
    expect(attempts).toBe(1);
    expect(error).toMatchObject({ code: "LIMITER_UNAVAILABLE", retryable: false });
    expect((error as Error).message).toMatch(fix);
  });

  it("keeps passwords out of the error: the client's own and a URL's", async () => {
    const clock = createFakeClock();
    const error = await callRedis(
      async () => {
        throw new Error("WRONGPASS for redis://bot:hunter22@cache:6379 (s3cr3t-pass)");
      },
      { clock, secrets: ["s3cr3t-pass"] },
    ).catch((e: unknown) => e as B24Error);
    const shown = `${error.message} ${error.stack} ${String((error.cause as Error).message)} ${
      (error.cause as Error).stack
    } ${JSON.stringify(error)}`;
    expect(shown).not.toMatch(/hunter22|s3cr3t-pass/);
    expect(error.message).toContain("redis://[REDACTED]@cache:6379");
  });
});

describe("runScript", () => {
  const script = { text: "return 1", sha: "e0e1f9fabfc9d4800c877a703b823ac0578ff8db" };

  it("sends the SHA, and the script's text only when Redis answers NOSCRIPT", async () => {
    const sent: string[] = [];
    let cached = false;
    const client = {
      secrets: [],
      async evalSha(sha: string) {
        sent.push(`EVALSHA ${sha}`);
        if (!cached) throw new Error("NOSCRIPT No matching script. Please use EVAL.");
        return 1;
      },
      async eval(text: string) {
        sent.push(`EVAL ${text}`);
        cached = true;
        return 1;
      },
    };
    await runScript(client, script, ["k"], []);
    await runScript(client, script, ["k"], []);
    expect(sent).toEqual([`EVALSHA ${script.sha}`, `EVAL ${script.text}`, `EVALSHA ${script.sha}`]);
  });

  it("passes any other error on without sending the text", async () => {
    const client = {
      secrets: [],
      evalSha: async () => {
        throw new Error("READONLY You can't write against a read only replica.");
      },
      eval: async () => 1,
    };
    await expect(runScript(client, script, ["k"], [])).rejects.toThrow(/^READONLY/);
  });
});

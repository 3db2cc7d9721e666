import type { BotPlatform } from "./bot-platform.js";
import { findMethod } from "./methods/registry.js";
import type { Caller } from "./methods/rest-method.js";
import type { OperatingTime } from "./operating-time.js";
import type { Params } from "./php-query.js";
import type { PortalModel } from "./portal-model.js";
import { upperCaseKeys } from "./request-params.js";
import { methodNotFoundError, RestError } from "./rest-error.js";
import { restTime, type TimeEnvelope } from "./time-envelope.js";
import type { TypingView } from "./typing-view.js";

/**
 * A method call's result or error, with its `time`.
 *
 * @example
 * ```ts
 * const outcome: MethodOutcome = await runner.run("profile", {}, caller);
 * if (outcome.ok) sendJson(res, 200, { result: outcome.result, time: outcome.time });
 * else console.log(outcome.error.status, outcome.error.code); // e.g. 429 OPERATION_TIME_LIMIT
 * ```
 */
export type MethodOutcome =
  | { ok: true; result: unknown; time: TimeEnvelope }
  | { ok: false; error: RestError; time: TimeEnvelope };

/**
 * What running methods needs from the emulator.
 *
 * @example
 * ```ts
 * const deps: MethodRunnerDeps = {
 *   portal,
 *   view,
 *   bots,
 *   operating: new OperatingTime(480),
 *   typingTtlMs: 35_000,
 *   processingMs: new Map([["im.dialog.writing", 20]]), // as if each call took 20 ms of server time
 *   now: Date.now,
 *   sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
 * };
 * const runner = new MethodRunner(deps);
 * ```
 */
export interface MethodRunnerDeps {
  portal: PortalModel;
  view: TypingView;
  bots: BotPlatform;
  operating: OperatingTime;
  typingTtlMs: number;
  /** Simulated processing time per lowercased method name. */
  processingMs: ReadonlyMap<string, number>;
  now: () => number;
  sleep: (ms: number) => Promise<void>;
}

/**
 * Runs one method call for a caller: the operating-time check (429), the method itself, the
 * simulated processing delay, and the accounting of the time spent. Single calls and each
 * command of a batch go through here.
 *
 * @example
 * ```ts
 * const outcome = await runner.run("server.time", {}, caller);
 * if (outcome.ok) console.log(outcome.result, outcome.time.operating);
 * ```
 */
export class MethodRunner {
  constructor(readonly deps: MethodRunnerDeps) {}

  async run(name: string, params: Params, caller: Caller): Promise<MethodOutcome> {
    const { operating, now } = this.deps;
    const startMs = now();
    const method = findMethod(name);
    if (method === undefined) {
      const error = methodNotFoundError();
      return { ok: false, error, time: restTime(startMs, now(), 0, 0, startMs / 1000 + 600) };
    }
    const lowerName = method.name.toLowerCase();
    const budgetKey = `${caller.credential}\n${lowerName}`;
    const before = operating.usage(budgetKey, startMs);
    if (before.seconds >= operating.budgetSeconds) {
      const description = "Method is blocked due to operation time limit.";
      const error = new RestError(429, "OPERATION_TIME_LIMIT", description);
      return {
        ok: false,
        error,
        time: restTime(startMs, now(), 0, before.seconds, before.resetAt),
      };
    }
    const handlerStart = performance.now();
    let outcome: { ok: true; result: unknown } | { ok: false; error: RestError };
    try {
      const input = method.upperCaseKeys ? upperCaseKeys(params) : params;
      const { portal, view, bots, typingTtlMs } = this.deps;
      outcome = {
        ok: true,
        result: method.handle(input, { caller, portal, view, bots, typingTtlMs, now }),
      };
    } catch (thrown) {
      const error =
        thrown instanceof RestError
          ? thrown
          : new RestError(500, "INTERNAL_SERVER_ERROR", "Internal server error");
      outcome = { ok: false, error };
    }
    const simulatedMs = this.deps.processingMs.get(lowerName) ?? 0;
    const processing = (performance.now() - handlerStart + simulatedMs) / 1000;
    if (simulatedMs > 0) await this.deps.sleep(simulatedMs);
    const finishMs = now();
    operating.add(budgetKey, finishMs, processing);
    const after = operating.usage(budgetKey, finishMs);
    return {
      ...outcome,
      time: restTime(startMs, finishMs, processing, after.seconds, after.resetAt),
    };
  }
}

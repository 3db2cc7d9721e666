import { setTimeout as sleep } from "node:timers/promises";
import { type B24Error, createClient, redactText } from "@b24im/core";
import type { DemoCommand } from "./args.js";
import { describeError } from "./describe-error.js";
import { count, seconds, stamp } from "./format.js";
import type { ViewOutput } from "./live-view.js";
import { summarizeRequest } from "./request-meter.js";
import { makeTransport } from "./transports.js";

type PortalCommand = Extract<DemoCommand, { kind: "portal" }>;

/**
 * Options of {@link runRealPortal}.
 *
 * @example
 * ```ts
 * if (command.kind === "portal") {
 *   const options: RealPortalOptions = { command, out: process.stdout, signal };
 *   process.exitCode = await runRealPortal(options);
 * }
 * ```
 */
export interface RealPortalOptions {
  command: PortalCommand;
  out: ViewOutput;
  /** Ctrl-C. */
  signal: AbortSignal;
  now?: () => number;
}

/**
 * Real-portal mode: keeps "typing…" alive in one dialog for the given seconds and says what
 * happens in plain words — each event the portal accepted, each retry, each error. The
 * webhook code never appears (the URL is printed redacted; errors and hooks are redacted by
 * `@b24im/core`). Resolves with the exit code: 0 when the portal accepted typing and nothing
 * permanent went wrong, 1 otherwise, 130 when `signal` aborted it.
 *
 * @example
 * ```ts
 * const code = await runRealPortal({ command, out: process.stdout, signal });
 * ```
 */
export async function runRealPortal(o: RealPortalOptions): Promise<number> {
  const { command, out } = o;
  const now = o.now ?? Date.now;
  const startedAt = now();
  const say = (line: string): void => {
    out.write(`${stamp(now() - startedAt)} ${line}\n`);
  };
  let sent = 0;
  let accepted = 0;
  let requests = 0;
  let fatal: B24Error | undefined;
  const stop = new AbortController();
  const signal = AbortSignal.any([o.signal, stop.signal]);
  const carriesTyping = (request: { url: string; body?: string }): boolean =>
    summarizeRequest(request).typing.some((sent) => sent.dialogId === command.dialogId);
  const label = (n: number): string => (n === 1 ? "first typing event" : `refresh ${n - 1}`);

  const client = createClient({
    webhook: command.webhook,
    transport: makeTransport(command.transport),
    rateLimit: "standard",
    typing: { refreshMs: command.refreshMs },
    hooks: {
      onRequest(event) {
        requests++;
        if (carriesTyping(event.request)) sent++;
      },
      onResponse(event) {
        if (!carriesTyping(event.request)) return;
        const { status } = event.response;
        const took = `HTTP ${status} in ${Math.round(event.durationMs)} ms`;
        if (status >= 200 && status < 300) {
          accepted++;
          say(`${label(sent)} sent to ${command.dialogId}: the portal accepted it (${took})`);
        } else {
          say(`${label(sent)} sent to ${command.dialogId}: the portal answered ${took}`);
        }
      },
      onRetry(event) {
        say(
          `trying ${event.method} again in ${seconds(event.delayMs)}: ${describeError(event.error)}`,
        );
      },
    },
  });

  out.write(
    [
      `b24im demo: keeping "typing…" alive on a real portal`,
      "",
      `  webhook    ${redactText(command.webhook)}`,
      `  dialog     ${command.dialogId}`,
      `  duration   ${command.seconds} s, a refresh every ${seconds(command.refreshMs)} (the indicator lives about 35 s)`,
      `  transport  ${command.transport}`,
      "",
      "Ctrl-C stops early.",
      "",
      "",
    ].join("\n"),
  );

  let failure: unknown;
  try {
    await client.whileTyping(
      command.dialogId,
      (jobSignal) =>
        sleep(command.seconds * 1000, undefined, { signal: AbortSignal.any([jobSignal, signal]) }),
      {
        refreshMs: command.refreshMs,
        signal,
        onError(error) {
          say(`typing error: ${describeError(error)}`);
          if (!error.retryable && fatal === undefined) {
            fatal = error;
            stop.abort(error);
          }
        },
      },
    );
  } catch (error) {
    if (!signal.aborted) failure = error;
  } finally {
    await client.close();
  }

  const held = seconds(now() - startedAt);
  const counts = `${count(sent, "typing event")} sent, ${accepted} accepted, ${count(requests, "request")} spent`;
  if (failure !== undefined) {
    say(`stopped: ${describeError(failure)} (${counts}).`);
    return 1;
  }
  if (o.signal.aborted) {
    say(`stopped by Ctrl-C after ${held}: typing released (${counts}).`);
    return 130;
  }
  if (fatal !== undefined) {
    say(`gave up after ${held}: that error will not pass by itself (${counts}).`);
    return 1;
  }
  if (accepted === 0) {
    say(`done after ${held}, but the portal accepted no typing event (${counts}).`);
    return 1;
  }
  say(
    `done: "typing…" was kept alive in ${command.dialogId} for ${held} (${counts}). ` +
      `It fades by itself within about 35 s: Bitrix24 has no "stop typing" call.`,
  );
  return 0;
}

// The runtime conformance suite, written once: Deno and Bun run this file as it is, workerd
// runs it bundled by esbuild. It imports the packages by name, so each runtime resolves them
// the way a user's app would: through their `exports` to the built `dist`.
import {
  AccessError,
  ApiError,
  B24Error,
  createClient,
  DialogIdError,
  imDialogWriting,
  parseWebhookUrl,
  TimeoutError,
  TransportError,
  ValidationError,
} from "@b24im/core";
import { createFetchTransport } from "@b24im/transport-fetch";
import { echoAgent, type Heard, webhookEvent } from "./bot-agent.ts";
import type { CheckResult, SuiteInput } from "./protocol.ts";
import { renderings } from "./renderings.ts";

/** A failed expectation; its message is the check's detail in the report. */
class CheckFailed extends Error {}

function expect(condition: unknown, message: string): asserts condition {
  if (!condition) throw new CheckFailed(message);
}

/** Resolves with what `promise` rejects with; a fulfilment fails the check. */
async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    const value = await promise;
    throw new CheckFailed(`expected a rejection, got ${JSON.stringify(value)}`);
  } catch (error) {
    if (error instanceof CheckFailed) throw error;
    return error;
  }
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return `a non-error: ${String(error)}`;
  const code = (error as { code?: unknown }).code;
  return `${error.name}${code === undefined ? "" : ` ${String(code)}`}: ${error.message}`;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function runtimeName(): string {
  const { Deno, Bun } = globalThis as { Deno?: unknown; Bun?: unknown };
  return Deno ? "Deno" : Bun ? "Bun" : "a Worker";
}

/** An answer from the server with this code, as the typed class the contract names. */
function expectApiError(
  error: unknown,
  type: typeof ValidationError | typeof AccessError,
  code: string,
  status: number,
): void {
  expect(error instanceof type, `expected ${type.name}, got ${describe(error)}`);
  expect(
    error instanceof ApiError && error instanceof B24Error && error instanceof Error,
    `${type.name} is not an ApiError / B24Error / Error here`,
  );
  expect(error.code === code, `code ${error.code}, expected ${code}`);
  expect(error.status === status, `status ${error.status}, expected ${status}`);
  expect(error.retryable === false, "a validation or access error is marked retryable");
  expect(error.method === "im.dialog.writing", `method ${error.method}`);
}

interface Check {
  name: string;
  run(): Promise<void>;
}

/**
 * Runs every check in order and reports each one as it ends. Never throws: a check that
 * throws is reported as failed, and the next one runs.
 */
export async function runSuite(
  input: SuiteInput,
  report: (result: CheckResult) => void,
): Promise<void> {
  const secret = parseWebhookUrl(input.webhookUrl).secret;
  // Every error the checks provoke, for the secrets check at the end.
  const errors: Array<[label: string, error: unknown]> = [];
  const transport = createFetchTransport();
  const client = createClient({ webhook: input.webhookUrl, transport });
  // No retries and a short limit: a hung request must end in a TimeoutError within a second.
  const impatient = createClient({
    webhook: input.webhookUrl,
    transport,
    retry: false,
    timeoutMs: 300,
  });
  const refused = createClient({ webhook: input.refusedWebhookUrl, transport, retry: false });

  const checks: Check[] = [
    {
      name: "writing(): im.dialog.writing answers true",
      async run() {
        const answer = await client.writing("chat1");
        expect(answer === true, `writing() resolved ${JSON.stringify(answer)}`);
      },
    },
    {
      name: "typing lease: held, seen by the recipient, stopped",
      async run() {
        const { dialogId, refreshMs, holdMs } = input.typing;
        const failures: unknown[] = [];
        const lease = client.typing(dialogId, {
          refreshMs,
          onError: (error) => failures.push(error),
        });
        try {
          await sleep(holdMs);
          const state = (await (await fetch(`${input.emulatorUrl}/_emulator/state`)).json()) as {
            dialogs: Array<{ id: string; typing: Array<{ senderId: number }> }>;
          };
          const lines = state.dialogs.find((dialog) => dialog.id === dialogId)?.typing ?? [];
          expect(lines.length > 0, `no typing line in ${dialogId} after ${holdMs} ms`);
        } finally {
          lease.stop();
        }
        expect(failures.length === 0, `onError: ${failures.map(describe).join("; ")}`);
        // The runner checks the emulator's statistics for a lapse once the suite has ended.
      },
    },
    {
      name: "batch(): per-command outcomes, typed",
      async run() {
        const outcome = await client.batch({
          general: imDialogWriting("chat1"),
          workgroup: imDialogWriting("sg1"),
          stranger: imDialogWriting("chat999"),
        });
        const statuses = outcome.map((entry) => `${entry.key}:${entry.status}`).join(", ");
        expect(
          statuses === "general:fulfilled, workgroup:fulfilled, stranger:rejected",
          `outcomes ${statuses}`,
        );
        const stranger = outcome[2];
        if (stranger?.status === "rejected") {
          errors.push(["batch ACCESS_ERROR", stranger.reason]);
          expect(stranger.reason instanceof AccessError, `got ${describe(stranger.reason)}`);
        }
      },
    },
    {
      name: "DIALOG_ID_EMPTY → ValidationError",
      async run() {
        // Not a form the server accepts; call() sends it as given (writing() would refuse it).
        const error = await rejectionOf(client.call("im.dialog.writing", { DIALOG_ID: "notify" }));
        errors.push(["DIALOG_ID_EMPTY", error]);
        expectApiError(error, ValidationError, "DIALOG_ID_EMPTY", 400);
      },
    },
    {
      name: "CHAT_ID_EMPTY → ValidationError",
      async run() {
        // The old numeric CHAT_ID parameter is the only way to this code.
        const error = await rejectionOf(client.call("im.dialog.writing", { CHAT_ID: 0 }));
        errors.push(["CHAT_ID_EMPTY", error]);
        expectApiError(error, ValidationError, "CHAT_ID_EMPTY", 400);
      },
    },
    {
      name: "ACCESS_ERROR → AccessError",
      async run() {
        const error = await rejectionOf(client.writing("chat999"));
        errors.push(["ACCESS_ERROR", error]);
        expectApiError(error, AccessError, "ACCESS_ERROR", 403);
      },
    },
    {
      name: "bad dialog id → DialogIdError, unsent",
      async run() {
        const error = await rejectionOf(client.writing("crm5"));
        errors.push(["DialogIdError", error]);
        expect(error instanceof DialogIdError, `got ${describe(error)}`);
      },
    },
    {
      name: "hung answer → TimeoutError",
      async run() {
        const started = Date.now();
        const error = await rejectionOf(impatient.call(input.hangingMethod));
        const elapsed = Date.now() - started;
        errors.push(["TimeoutError", error]);
        expect(error instanceof TimeoutError, `got ${describe(error)}`);
        expect(error.code === "TIMEOUT" && error.retryable, `code ${error.code}`);
        expect(elapsed < 5000, `took ${elapsed} ms for a 300 ms limit`);
      },
    },
    {
      name: "abort → rejects with the signal's reason",
      async run() {
        const controller = new AbortController();
        const reason = new Error("the caller gave up");
        const pending = rejectionOf(
          client.call(input.hangingMethod, {}, { signal: controller.signal }),
        );
        await sleep(100);
        controller.abort(reason);
        const error = await pending;
        expect(error === reason, `rejected with ${describe(error)}, not the reason`);
      },
    },
    {
      name: "refused connection → TransportError",
      async run() {
        const error = await rejectionOf(refused.writing("chat1"));
        errors.push(["TransportError", error]);
        expect(error instanceof TransportError, `got ${describe(error)}`);
        expect(error.code === "TRANSPORT" && error.retryable, `code ${error.code}`);
      },
    },
    {
      name: "bot.fetch: a signed webhook event verified, typed, answered; a forged one 401",
      async run() {
        const heard: Heard[] = [];
        const bot = echoAgent(client, input.bot, heard);
        const forged = await bot.fetch(webhookEvent(input.bot, "forged-token", "forged"));
        expect(forged.status === 401, `a forged token got ${forged.status}`);
        const text = `hello from ${runtimeName()}`;
        const answer = await bot.fetch(webhookEvent(input.bot, input.bot.applicationToken, text));
        expect(answer.status === 200, `a signed event got ${answer.status}`);
        const [only, ...more] = heard;
        expect(only !== undefined && more.length === 0, `handled ${heard.length} times`);
        expect(only.text === text, `heard ${JSON.stringify(only.text)}`);
        expect(
          only.messageId === 4242,
          `message id ${JSON.stringify(only.messageId)}, not a number`,
        );
        expect(only.userIsBot === false, `user.bot ${JSON.stringify(only.userIsBot)}, not false`);
        expect(typeof only.replyId === "number", `reply id ${JSON.stringify(only.replyId)}`);
        const state = (await (await fetch(`${input.emulatorUrl}/_emulator/state`)).json()) as {
          dialogs: Array<{ id: string; messages: Array<{ authorId: number; text: string }> }>;
        };
        const posted = state.dialogs
          .find((dialog) => dialog.id === input.bot.dialogId)
          ?.messages.filter((message) => message.authorId === input.bot.botId)
          .map((message) => message.text);
        expect(
          posted?.includes(`echo: ${text}`),
          `the bot's answer is not in ${input.bot.dialogId}`,
        );
      },
    },
    {
      name: "webhook code absent from every error rendering",
      async run() {
        expect(errors.length >= 6, `only ${errors.length} errors were collected`);
        let shown = 0;
        for (const [label, error] of errors) {
          for (const [where, text] of renderings(error)) {
            shown++;
            expect(!text.includes(secret), `${label}: the webhook code is in the ${where}`);
          }
        }
        expect(shown > errors.length * 4, `only ${shown} renderings looked at`);
      },
    },
    {
      name: "close() settles",
      async run() {
        await Promise.all([client.close(), impatient.close(), refused.close()]);
      },
    },
  ];

  for (const check of checks) {
    const started = Date.now();
    try {
      await check.run();
      report({ check: check.name, ok: true, ms: Date.now() - started });
    } catch (error) {
      const detail = error instanceof CheckFailed ? error.message : `threw ${describe(error)}`;
      report({ check: check.name, ok: false, ms: Date.now() - started, detail });
    }
  }
}

import type { BotEvent } from "../events/types.js";
import { decodePhpForm, type FormValue } from "./php-form.js";
import { readBody } from "./read-body.js";
import { sameSecret } from "./same-secret.js";
import { typedEventData } from "./typed-data.js";

/**
 * Options of `bot.fetch()`.
 *
 * @example
 * ```ts
 * // Cloudflare Workers: answer at once, let the handler finish in the background.
 * export default { fetch: (request, env, ctx) => bot.fetch(request, { waitUntil: (p) => ctx.waitUntil(p) }) };
 * ```
 */
export interface WebhookOptions {
  /**
   * Answer 200 at once and hand the handler's work here (a worker's `ctx.waitUntil`, or
   * `(work) => void work` on a server that stays up). Without it the answer waits until the
   * handlers settled. The promise never rejects.
   */
  waitUntil?: ((work: Promise<void>) => void) | undefined;
}

/**
 * The largest body a webhook event is read up to, in bytes; a bigger one gets 413. The
 * platform's events are a few kilobytes (a message is at most 20 000 characters).
 *
 * @example
 * ```ts
 * if (Number(request.headers.get("content-length")) > MAX_WEBHOOK_BODY_BYTES) console.warn("too large");
 * ```
 */
export const MAX_WEBHOOK_BODY_BYTES = 1_048_576;

/**
 * What webhook mode needs from the bot: the one token accepted, and where events go.
 *
 * @example
 * ```ts
 * const handle = createWebhookHandler({ applicationToken, dispatch: (event) => dispatcher.dispatch(event), report });
 * ```
 */
export interface WebhookParts {
  applicationToken: string | undefined;
  dispatch(event: BotEvent): Promise<void>;
  report(error: unknown): void;
}

/**
 * Makes the WHATWG `Request → Response` handler of webhook mode (Node 20, Deno, Bun,
 * Cloudflare Workers, Hono). It answers:
 * - 405 to anything but POST;
 * - 413 to a body over {@link MAX_WEBHOOK_BODY_BYTES};
 * - 401 when the top-level `auth[application_token]` is missing or wrong (compared in
 *   constant time) — and always when the bot was made without `applicationToken`; the
 *   handlers never run then;
 * - 400 to a verified body that is no event (no `event` name or no `data`);
 * - 200 otherwise, once the handlers settled (or at once, with `waitUntil`).
 * Never 500: anything unexpected is reported and answered 400. Handlers' throws go to
 * `onError`, not into the answer.
 *
 * @example
 * ```ts
 * const fetchHandler = createWebhookHandler(parts);
 * const response = await fetchHandler(request);
 * ```
 */
export function createWebhookHandler(
  parts: WebhookParts,
): (request: Request, options?: WebhookOptions) => Promise<Response> {
  return async (request, options) => {
    try {
      if (request.method !== "POST") return answer(405, "use POST", { allow: "POST" });
      const body = await readBody(request, MAX_WEBHOOK_BODY_BYTES);
      if ("refused" in body) return answer(body.refused, "unreadable or too large a body");
      const form = decodePhpForm(body.text);
      const token = field(field(form, "auth"), "application_token");
      const expected = parts.applicationToken;
      if (typeof token !== "string" || expected === undefined || !sameSecret(token, expected)) {
        return answer(401, "wrong or missing auth[application_token]");
      }
      const event = eventOf(form);
      if (event === undefined) return answer(400, "no event: expected event=… and data[…]");
      const work = parts.dispatch(event);
      if (options?.waitUntil) options.waitUntil(work);
      else await work;
      return answer(200, "ok");
    } catch (error) {
      parts.report(error);
      return answer(400, "the event could not be read");
    }
  };
}

function eventOf(form: Record<string, FormValue>): BotEvent | undefined {
  const type = form.event;
  const data = form.data;
  if (typeof type !== "string" || type === "" || typeof data !== "object" || Array.isArray(data)) {
    return undefined;
  }
  const event: BotEvent = { type, data: typedEventData(data) };
  const seconds = Number(form.ts);
  // Unix seconds; beyond what a Date can hold it is no time at all.
  if (
    typeof form.ts === "string" &&
    Number.isInteger(seconds) &&
    seconds > 0 &&
    seconds < 8.64e12
  ) {
    event.date = new Date(seconds * 1000).toISOString();
  }
  return event;
}

function field(value: FormValue | undefined, key: string): FormValue | undefined {
  return typeof value === "object" && !Array.isArray(value) && Object.hasOwn(value, key)
    ? value[key]
    : undefined;
}

function answer(status: number, message: string, headers: Record<string, string> = {}) {
  const body = JSON.stringify(status === 200 ? { ok: true } : { error: message });
  return new Response(body, {
    status,
    headers: { "content-type": "application/json", ...headers },
  });
}

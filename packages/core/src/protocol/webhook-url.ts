import { ConfigError } from "./errors.js";
import { REDACTED } from "./redact.js";
import { checkUrl, type WebhookTarget, withSecret } from "./target.js";

// A user id as a webhook URL carries it: 1 to 16 digits, no leading zero.
const USER_ID_DIGITS = "[1-9][0-9]{0,15}";
const USER_ID = new RegExp(`^${USER_ID_DIGITS}$`);
// Keeps scheme, host and `/rest/<user id>/` of what was typed; everything after is the code.
const SHOWN_PART = new RegExp(
  `^([a-z][\\w+.-]*:\\/\\/)(?:[^/?#@]*@)?([^/?#]*)(\\/rest\\/(?:${USER_ID_DIGITS}\\/)?)?`,
  "i",
);
const METHOD_SEGMENT = /^\w+(\.\w+)*$/;
const EXPECTED =
  "the whole URL of an inbound webhook as Bitrix24 shows it, e.g. https://your.bitrix24.ru/rest/1/<code>/";

/**
 * Reads an inbound webhook URL as the Bitrix24 UI shows it — `https://PORTAL/rest/1/CODE/`,
 * with or without the trailing slash, or with a trailing `METHOD` or `METHOD.json` — into a
 * {@link WebhookTarget} whose `secret` is non-enumerable. https is required except on
 * loopback hosts (127.0.0.0/8, ::1, localhost). Anything else throws
 * `ConfigError("webhook", …)`, whose message quotes the URL with the code redacted and says
 * what is expected.
 *
 * @example
 * ```ts
 * const target = parseWebhookUrl("https://x.bitrix24.ru/rest/1/abc123/profile.json");
 * // { origin: "https://x.bitrix24.ru", userId: 1 } and target.secret === "abc123"
 * parseWebhookUrl("http://x.bitrix24.ru/rest/1/abc123/"); // throws ConfigError: https required
 * ```
 */
export function parseWebhookUrl(url: string): WebhookTarget {
  const raw = typeof url === "string" ? url.trim() : "";
  const shown = `The webhook URL ${showWebhook(raw)}`;
  const parsed = checkUrl("webhook", raw, shown, EXPECTED);
  const segments = parsed.pathname.split("/");
  if (segments.at(-1) === "") segments.pop();
  const [, rest, user = "", code = "", method] = segments;
  let secret = "";
  try {
    secret = decodeURIComponent(code);
  } catch {
    // an undecodable code is reported below like a missing one
  }
  const problem =
    rest !== "rest" || segments.length > 5 || (method !== undefined && !METHOD_SEGMENT.test(method))
      ? "is not of the form https://PORTAL/rest/USER_ID/CODE/"
      : !USER_ID.test(user) || !Number.isSafeInteger(Number(user))
        ? "needs the numeric user id after /rest/"
        : !secret
          ? "lacks the webhook code after the user id"
          : "";
  if (problem) {
    throw new ConfigError("webhook", `${shown} ${problem}: expected ${EXPECTED}`, {
      secrets: [secret, code],
    });
  }
  return withSecret({ origin: parsed.origin, userId: Number(user) }, "secret", secret);
}

/** The URL as error messages may quote it: scheme, host and `/rest/<user id>/` only. */
function showWebhook(raw: string): string {
  const match = SHOWN_PART.exec(raw);
  if (!match) return JSON.stringify(REDACTED);
  const kept = `${match[1]}${match[2]}${match[3] ?? ""}`;
  if (kept.length === raw.length) return JSON.stringify(kept);
  return JSON.stringify(`${kept}${kept.endsWith("/") ? "" : "/"}${REDACTED}`);
}

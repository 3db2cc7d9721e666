import { DialogIdError } from "./errors.js";
import { redactText } from "./redact.js";

/**
 * A Bitrix24 dialog: a private dialog with a user, a group chat, or a workgroup's chat.
 *
 * @example
 * ```ts
 * const dialog: DialogId = { kind: "chat", id: 5 }; // "chat5"
 * ```
 */
export type DialogId =
  | { kind: "user"; id: number }
  | { kind: "chat"; id: number }
  | { kind: "group"; id: number };

/**
 * Every form an API taking a dialog id accepts: `"chat5"`, `13`, or a {@link DialogId}.
 *
 * @example
 * ```ts
 * const inputs: DialogIdInput[] = ["chat5", "sg7", "13", 13, { kind: "user", id: 13 }];
 * ```
 */
export type DialogIdInput = string | number | DialogId;

const PREFIX_BY_KIND = { user: "", chat: "chat", group: "sg" } as const;
const STRING_FORM = /^(chat|sg)?([1-9][0-9]*)$/i;
const MAX_QUOTED = 64;
const ACCEPTED =
  'expected a user id ("13" or 13), "chat" + a chat id ("chat5") or "sg" + a workgroup id ("sg7"), ids from 1 to 2^53 - 1';

/**
 * Reads a dialog id as Bitrix24 writes it. Strings: `"13"` (user), `"chat5"`, `"sg7"`, the
 * prefix in any case; numbers: a safe integer ≥ 1 (a user). Everything else — 0, leading
 * zeros, signs, decimals, exponents, whitespace, other prefixes such as `crm5`, ids above
 * `Number.MAX_SAFE_INTEGER`, non-string non-number values — throws {@link DialogIdError},
 * whose message quotes the input (cut to 64 characters) and names the accepted forms.
 *
 * @example
 * ```ts
 * parseDialogId("CHAT5"); // { kind: "chat", id: 5 }
 * parseDialogId(13);      // { kind: "user", id: 13 }
 * parseDialogId("crm5");  // throws DialogIdError
 * ```
 */
export function parseDialogId(input: string | number): DialogId {
  if (typeof input === "number") {
    if (isValidId(input)) return { kind: "user", id: input };
  } else if (typeof input === "string") {
    const match = STRING_FORM.exec(input);
    const id = Number(match?.[2]);
    if (match && isValidId(id)) {
      const prefix = match[1]?.toLowerCase();
      return { kind: prefix === "chat" ? "chat" : prefix === "sg" ? "group" : "user", id };
    }
  }
  throw dialogIdError(input, ACCEPTED);
}

/**
 * Writes a dialog id in the canonical form the server expects: `"13"`, `"chat5"`, `"sg7"`.
 * Throws {@link DialogIdError} for an object that is no valid {@link DialogId}.
 *
 * @example
 * ```ts
 * formatDialogId({ kind: "group", id: 7 }); // "sg7"
 * formatDialogId(parseDialogId("CHAT5")); // "chat5"
 * ```
 */
export function formatDialogId(id: DialogId): string {
  const valid = validObject(id);
  return `${PREFIX_BY_KIND[valid.kind]}${valid.id}`;
}

/**
 * Whether {@link toDialogId} would accept the value: a valid dialog id string, a safe
 * integer ≥ 1, or a valid {@link DialogId} object. Never throws.
 *
 * @example
 * ```ts
 * isDialogId("chat5"); // true
 * isDialogId({ kind: "user", id: 13 }); // true
 * isDialogId("chat05"); // false
 * isDialogId(null); // false
 * ```
 */
export function isDialogId(input: unknown): boolean {
  try {
    toDialogId(input as DialogIdInput);
    return true;
  } catch {
    return false;
  }
}

/**
 * Turns any accepted form into a fresh {@link DialogId}; objects are validated too. This is
 * what every b24im API taking a dialog id runs first, so a bad id throws
 * {@link DialogIdError} before anything is sent.
 *
 * @example
 * ```ts
 * toDialogId("sg7"); // { kind: "group", id: 7 }
 * toDialogId({ kind: "chat", id: 5 }); // { kind: "chat", id: 5 }
 * toDialogId({ kind: "chat", id: 0 }); // throws DialogIdError
 * ```
 */
export function toDialogId(input: DialogIdInput): DialogId {
  return typeof input === "object" && input !== null ? validObject(input) : parseDialogId(input);
}

function validObject(input: DialogId): DialogId {
  const { kind, id } = (input ?? {}) as Partial<DialogId>;
  if (typeof kind === "string" && Object.hasOwn(PREFIX_BY_KIND, kind) && isValidId(id)) {
    return { kind, id } as DialogId;
  }
  throw dialogIdError(
    input,
    'expected { kind: "user" | "chat" | "group", id: a safe integer ≥ 1 }',
  );
}

function isValidId(id: unknown): id is number {
  return Number.isSafeInteger(id) && (id as number) >= 1;
}

/**
 * The error for a dialog id that is not one of `accepted`, quoting the input. Also used where
 * a method accepts fewer forms (no workgroup chats), so every bad id is a `DialogIdError`.
 *
 * @example
 * ```ts
 * throw dialogIdError("sg7", 'expected "chat5" or "13"');
 * ```
 */
export function dialogIdError(input: unknown, accepted: string): DialogIdError {
  const text = asText(input);
  // A string is quoted in the message (so that "" and " 5" show what they are); `input` keeps it bare.
  const shown = typeof input === "string" ? JSON.stringify(text) : text;
  return new DialogIdError(`Invalid dialog id ${shown}: ${accepted}`, text);
}

function asText(input: unknown): string {
  if (typeof input === "string") {
    const text = redactText(input);
    const chars = Array.from(text);
    return chars.length > MAX_QUOTED ? `${chars.slice(0, MAX_QUOTED).join("")}…` : text;
  }
  if (typeof input === "bigint") return `${input}n`;
  if (typeof input === "object" && input !== null) {
    try {
      return (JSON.stringify(input) ?? "an object").slice(0, MAX_QUOTED);
    } catch {
      return Array.isArray(input) ? "an array" : "an object";
    }
  }
  return typeof input === "function" ? "a function" : String(input);
}

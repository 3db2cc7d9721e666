import type { BotEventData } from "../events/types.js";
import type { FormValue } from "./php-form.js";

// How a webhook's text leaf turns back into what FETCH mode sends. The platform serialises
// with http_build_query: integers arrive as "789", booleans as "1"/"0", `false` of a
// "string | false" field as "0", null as "" — and empty lists or maps not at all.
type Kind =
  | "int"
  | "int?" // integer or null
  | "bool"
  | "text"
  | "text?" // text or null
  | "dateOrFalse" // an ISO date or false
  | "ints" // integer[]
  | "record" // a map of its own, kept as sent
  | "recordOrFalse"
  | Shape // a known object
  | { nullable: Shape }; // a known object or null

interface Shape {
  readonly fields: { readonly [field: string]: Kind };
  /** What FETCH mode sends for a field the webhook left out: an empty list or map, or null. */
  readonly absent?: { readonly [field: string]: () => unknown };
}

const BOT: Shape = {
  fields: {
    id: "int",
    code: "text",
    type: "text",
    isHidden: "bool",
    isSupportOpenline: "bool",
    isReactionsEnabled: "bool",
    backgroundId: "text?",
    language: "text",
    moduleId: "text",
    eventMode: "text",
    countMessage: "int",
    countCommand: "int",
    countChat: "int",
    countUser: "int",
  },
};

const FORWARD: Shape = { fields: { id: "int", userId: "int", chatId: "int", date: "text?" } };

const MESSAGE: Shape = {
  fields: {
    id: "int",
    chatId: "int",
    authorId: "int",
    date: "text?",
    text: "text",
    isSystem: "bool",
    uuid: "text",
    forward: { nullable: FORWARD },
    params: "record",
    viewedByOthers: "bool",
    unread: "bool",
    viewed: "bool",
  },
  absent: { params: () => ({}), forward: () => null },
};

const CHAT: Shape = {
  fields: {
    id: "int",
    dialogId: "text",
    name: "text",
    type: "text",
    messageType: "text",
    owner: "int",
    color: "text?",
    avatar: "text",
    description: "text",
    extranet: "bool",
    containsCollaber: "bool",
    entityType: "text",
    entityId: "text",
    entityData1: "text",
    entityData2: "text",
    entityData3: "text",
    entityLink: "record",
    diskFolderId: "int?",
    permissions: "record",
    parentChatId: "int?",
    parentMessageId: "int?",
    isNew: "bool",
    textFieldEnabled: "text",
    backgroundId: "text?",
  },
};

const USER: Shape = {
  fields: {
    id: "int",
    active: "bool",
    name: "text",
    firstName: "text",
    lastName: "text",
    workPosition: "text",
    color: "text",
    avatar: "text",
    gender: "text",
    birthday: "text",
    extranet: "bool",
    bot: "bool",
    connector: "bool",
    externalAuthId: "text",
    status: "text",
    idle: "dateOrFalse",
    lastActivityDate: "dateOrFalse",
    mobileLastDate: "dateOrFalse",
    desktopLastDate: "dateOrFalse",
    absent: "dateOrFalse",
    departments: "ints",
    phones: "recordOrFalse",
    type: "text",
    website: "text",
    email: "text",
  },
  absent: { departments: () => [] },
};

const COMMAND: Shape = {
  fields: { id: "int", command: "text", params: "text", context: "text" },
};

/** The `data` of every event type, as the platform's event formats document it. */
const DATA: Shape = {
  fields: {
    bot: BOT,
    message: MESSAGE,
    chat: CHAT,
    user: USER,
    command: COMMAND,
    messageId: "int",
    dialogId: "text",
    context: "record",
    reaction: "text",
    action: "text",
    language: "text",
  },
};

const INTEGER = /^-?(0|[1-9][0-9]*)$/;

/**
 * Turns a webhook event's decoded `data` (every scalar a string) back into the typed shape
 * FETCH mode delivers for the same event: integers, booleans, `null`, `false`, and the empty
 * maps and lists http_build_query leaves out. Fields the platform does not document are
 * kept as they came; a documented field whose text does not fit its type is kept as text
 * too, so nothing is lost. The bot's OAuth tokens (`bot.auth`) are kept, not enumerable.
 *
 * @example
 * ```ts
 * typedEventData({ message: { id: "789", isSystem: "0", date: "" }, user: { id: "1", idle: "0" } });
 * // { message: { id: 789, isSystem: false, date: null, params: {}, forward: null }, user: { id: 1, idle: false, departments: [] } }
 * ```
 */
export function typedEventData(data: Record<string, FormValue>): BotEventData {
  const typed = shaped(data, DATA) as BotEventData;
  const auth = isRecord(data.bot) ? data.bot.auth : undefined;
  if (typed.bot && auth !== undefined) {
    Object.defineProperty(typed.bot, "auth", { value: auth, enumerable: false });
  }
  return typed;
}

function shaped(value: FormValue, shape: Shape): Record<string, unknown> {
  const source = isRecord(value) ? value : {};
  const out: Record<string, unknown> = {};
  for (const [field, raw] of Object.entries(source)) {
    if (field === "auth" && shape === BOT) continue;
    const kind = Object.hasOwn(shape.fields, field) ? shape.fields[field] : undefined;
    out[field] = kind === undefined ? raw : typed(raw, kind);
  }
  for (const [field, make] of Object.entries(shape.absent ?? {})) {
    if (!Object.hasOwn(out, field)) out[field] = make();
  }
  return out;
}

function typed(raw: FormValue, kind: Kind): unknown {
  if (typeof kind === "object") {
    if ("nullable" in kind) return raw === "" ? null : shaped(raw, kind.nullable);
    return isRecord(raw) ? shaped(raw, kind) : raw;
  }
  switch (kind) {
    case "int":
      return toInteger(raw) ?? raw;
    case "int?":
      return raw === "" ? null : (toInteger(raw) ?? raw);
    case "bool":
      return raw === "1" ? true : raw === "0" ? false : raw;
    case "text":
      return raw;
    case "text?":
      return raw === "" ? null : raw;
    case "dateOrFalse":
      return raw === "0" || raw === "" ? false : raw;
    case "ints":
      return Array.isArray(raw) ? raw.map((item) => toInteger(item) ?? item) : raw;
    case "record":
      return raw === "" ? {} : raw;
    case "recordOrFalse":
      return raw === "0" || raw === "" ? false : raw;
  }
}

function toInteger(raw: FormValue): number | undefined {
  if (typeof raw !== "string" || !INTEGER.test(raw)) return undefined;
  const number = Number(raw);
  return Number.isSafeInteger(number) ? number : undefined;
}

function isRecord(value: unknown): value is Record<string, FormValue> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

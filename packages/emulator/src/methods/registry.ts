import { imDialogWriting } from "./im-dialog-writing.js";
import { imMessageAdd } from "./im-message-add.js";
import { imbotChatSendTyping } from "./imbot-chat-send-typing.js";
import { imbotV2BotGet } from "./imbot-v2-bot-get.js";
import { imbotV2BotList } from "./imbot-v2-bot-list.js";
import { imbotV2BotRegister } from "./imbot-v2-bot-register.js";
import { imbotV2BotUnregister } from "./imbot-v2-bot-unregister.js";
import { imbotV2BotUpdate } from "./imbot-v2-bot-update.js";
import { imbotV2ChatMessageSend } from "./imbot-v2-chat-message-send.js";
import { imbotV2EventGet } from "./imbot-v2-event-get.js";
import { imbotV2InputActionNotify } from "./imbot-v2-input-action-notify.js";
import { imRevisionGet, profile, serverTime } from "./portal-info.js";
import type { RestMethod } from "./rest-method.js";

/**
 * Every method the emulator implements, besides `batch`.
 *
 * @example
 * ```ts
 * REST_METHODS.map((method) => method.name); // ["im.dialog.writing", "im.message.add", …]
 * ```
 */
export const REST_METHODS: readonly RestMethod[] = [
  imDialogWriting,
  imMessageAdd,
  imRevisionGet,
  imbotChatSendTyping,
  imbotV2InputActionNotify,
  imbotV2BotRegister,
  imbotV2BotUpdate,
  imbotV2BotGet,
  imbotV2BotList,
  imbotV2BotUnregister,
  imbotV2EventGet,
  imbotV2ChatMessageSend,
  serverTime,
  profile,
];

const exactNames = new Map<string, RestMethod>();
const lowerNames = new Map<string, RestMethod>();
for (const method of REST_METHODS) {
  if (method.caseSensitive) {
    exactNames.set(method.name, method);
    exactNames.set(method.name.toLowerCase(), method);
  } else lowerNames.set(method.name.toLowerCase(), method);
}

/**
 * Finds a method the way the server does: case-insensitively, except controller names
 * such as `imbot.v2.Chat.InputAction.notify`, which match only as written or lowercased.
 *
 * @example
 * ```ts
 * findMethod("IM.DIALOG.WRITING")?.name; // "im.dialog.writing"
 * findMethod("IMBOT.V2.CHAT.INPUTACTION.NOTIFY"); // undefined
 * ```
 */
export function findMethod(name: string): RestMethod | undefined {
  return exactNames.get(name) ?? lowerNames.get(name.toLowerCase());
}

import { type DialogIdInput, dialogIdError, formatDialogId, toDialogId } from "./dialog-id.js";
import { checkText, need } from "./option-check.js";

/**
 * A REST call before it has an address: the method name and its parameters. The method
 * builders below make them; `buildRequest` turns one into an HTTP request.
 *
 * @example
 * ```ts
 * const call: MethodCall = { method: "im.dialog.writing", params: { DIALOG_ID: "chat5" } };
 * ```
 */
export interface MethodCall {
  method: string;
  params: Record<string, unknown>;
}

/**
 * `im.dialog.writing`: shows "… is typing" to the other members of a dialog for about 35 s.
 * The id is validated first (`DialogIdError`), because the server answers `true` and does
 * nothing for some malformed ids.
 *
 * @example
 * ```ts
 * imDialogWriting("CHAT5"); // { method: "im.dialog.writing", params: { DIALOG_ID: "chat5" } }
 * ```
 */
export function imDialogWriting(dialogId: DialogIdInput): MethodCall {
  return {
    method: "im.dialog.writing",
    params: { DIALOG_ID: formatDialogId(toDialogId(dialogId)) },
  };
}

/**
 * `imbot.chat.sendTyping` (deprecated by Bitrix24, still served): a bot is typing. Webhooks
 * must pass the bot's `clientId` (`CLIENT_ID`), or the server answers `ACCESS_DENIED`.
 * `botId` must be a positive integer and `clientId` a non-empty string (`ConfigError`).
 *
 * @example
 * ```ts
 * imbotChatSendTyping({ dialogId: "chat5", botId: 7, clientId: "my-bot" });
 * // { method: "imbot.chat.sendTyping", params: { BOT_ID: 7, DIALOG_ID: "chat5", CLIENT_ID: "my-bot" } }
 * ```
 */
export function imbotChatSendTyping(o: {
  dialogId: DialogIdInput;
  botId?: number;
  clientId?: string;
}): MethodCall {
  const params: Record<string, unknown> = {};
  if (o?.botId !== undefined) params.BOT_ID = checkBotId(o.botId);
  params.DIALOG_ID = formatDialogId(toDialogId(o?.dialogId));
  if (o.clientId !== undefined) params.CLIENT_ID = checkText("clientId", o.clientId);
  return { method: "imbot.chat.sendTyping", params };
}

/**
 * `imbot.v2.Chat.InputAction.notify`: a bot shows an activity ("thinking", "typing") for
 * `duration` seconds (1–600). Its `dialogId` is a chat (`"chat5"`) or a user (`"13"`);
 * a workgroup chat (`"sg7"`) throws `DialogIdError`. A bad `botId`, `duration`, `botToken`
 * or `statusMessageCode` throws `ConfigError` naming that option. Webhooks pass `botToken`.
 *
 * @example
 * ```ts
 * imbotV2InputActionNotify({ dialogId: "chat5", botId: 7, statusMessageCode: "IMBOT_AGENT_ACTION_THINKING", duration: 60 });
 * // { method: "imbot.v2.Chat.InputAction.notify",
 * //   params: { botId: 7, dialogId: "chat5", statusMessageCode: "IMBOT_AGENT_ACTION_THINKING", duration: 60 } }
 * ```
 */
export function imbotV2InputActionNotify(o: {
  dialogId: DialogIdInput;
  botId: number;
  botToken?: string;
  statusMessageCode?: string;
  duration?: number;
}): MethodCall {
  const dialog = toDialogId(o?.dialogId);
  if (dialog.kind === "group") {
    throw dialogIdError(
      o.dialogId,
      'this bot method takes a chat ("chat5") or a user ("13"), not a workgroup chat',
    );
  }
  const params: Record<string, unknown> = {
    botId: checkBotId(o.botId),
    dialogId: formatDialogId(dialog),
  };
  if (o.botToken !== undefined) params.botToken = checkText("botToken", o.botToken);
  if (o.statusMessageCode !== undefined) {
    params.statusMessageCode = checkText("statusMessageCode", o.statusMessageCode);
  }
  if (o.duration !== undefined) {
    const duration = o.duration;
    need(
      Number.isInteger(duration) && duration >= 1 && duration <= 600,
      "duration",
      "an integer from 1 to 600 (seconds)",
      duration,
    );
    params.duration = duration;
  }
  return { method: "imbot.v2.Chat.InputAction.notify", params };
}

function checkBotId(botId: unknown): number {
  need(
    Number.isSafeInteger(botId) && (botId as number) >= 1,
    "botId",
    "the bot's id, an integer ≥ 1",
    botId,
  );
  return botId as number;
}

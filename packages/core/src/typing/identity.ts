import {
  imbotChatSendTyping,
  imbotV2InputActionNotify,
  imDialogWriting,
  type MethodCall,
} from "../protocol/methods.js";
import type { TypingIdentity } from "./options.js";

const MIN_V2_DURATION_S = 1;
const MAX_V2_DURATION_S = 600;
// A v2 bot's indicator lasts exactly `duration`; this margin covers a refresh that waits
// behind the rate limiter or a slow answer, so the indicator does not blink off between events.
const V2_DURATION_MARGIN_S = 15;

/**
 * The `duration` (seconds) a v2 bot's typing event asks for: the refresh interval plus a
 * margin, within the server's 1..600.
 *
 * @example
 * ```ts
 * botV2TypingDuration(20_000); // 35
 * botV2TypingDuration(300);    // 16
 * ```
 */
export function botV2TypingDuration(refreshMs: number): number {
  const seconds = Math.ceil(refreshMs / 1000) + V2_DURATION_MARGIN_S;
  return Math.min(MAX_V2_DURATION_S, Math.max(MIN_V2_DURATION_S, seconds));
}

/**
 * The key of a typing schedule: one per (identity, dialog). A user, each classic bot (with
 * its client id) and each v2 bot type independently in the same dialog; leases with equal
 * keys share one schedule. `dialogId` must be canonical (`formatDialogId`).
 *
 * @example
 * ```ts
 * typingScheduleKey("chat5", "user");                 // "chat5"
 * typingScheduleKey("chat5", { botId: 7, clientId: "c" }); // "bot:7:c:chat5"
 * typingScheduleKey("chat5", { botId: 7, v2: true });      // "botv2:7:chat5"
 * ```
 */
export function typingScheduleKey(dialogId: string, identity: TypingIdentity): string {
  if (identity === "user") return dialogId;
  // The dialog id, which has no colon, comes last, so a colon inside a client id cannot make two keys equal.
  if ("v2" in identity) return `botv2:${identity.botId}:${dialogId}`;
  return `bot:${identity.botId}:${identity.clientId ?? ""}:${dialogId}`;
}

/**
 * A typing schedule's key in a fleet (see `TypingCoordinator`): its sender and its dialog. A
 * bot's schedule key already names the bot; the user's gets `user` — `"user:1"` for a
 * webhook's user 1, `"user:oauth"` for an OAuth client, which does not know whose token it
 * holds — so that two users typing in one dialog never suppress each other.
 *
 * @example
 * ```ts
 * typingFleetKey("chat5", "user", "user:1");              // "user:1:chat5"
 * typingFleetKey("chat5", { botId: 7, v2: true }, "user:1"); // "botv2:7:chat5"
 * ```
 */
export function typingFleetKey(dialogId: string, identity: TypingIdentity, user: string): string {
  const key = typingScheduleKey(dialogId, identity);
  return identity === "user" ? `${user}:${key}` : key;
}

/**
 * The method call that shows `identity` typing in `dialogId`: `im.dialog.writing` for the
 * user, `imbot.chat.sendTyping` for a classic bot, `imbot.v2.Chat.InputAction.notify` (with a
 * `duration` outlasting `refreshMs`) for a v2 bot. Throws `DialogIdError` for a dialog the
 * method cannot take (a v2 bot in a workgroup chat).
 *
 * @example
 * ```ts
 * typingCall("chat5", { botId: 7, v2: true, botToken }, 20_000);
 * // { method: "imbot.v2.Chat.InputAction.notify", params: { botId: 7, dialogId: "chat5", botToken, duration: 35 } }
 * ```
 */
export function typingCall(
  dialogId: string,
  identity: TypingIdentity,
  refreshMs: number,
): MethodCall {
  if (identity === "user") return imDialogWriting(dialogId);
  if ("v2" in identity) {
    return imbotV2InputActionNotify({
      dialogId,
      botId: identity.botId,
      botToken: identity.botToken,
      statusMessageCode: identity.statusMessageCode,
      duration: botV2TypingDuration(refreshMs),
    });
  }
  return imbotChatSendTyping({ dialogId, botId: identity.botId, clientId: identity.clientId });
}

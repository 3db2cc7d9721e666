import type { BotPlatform } from "../bot-platform.js";
import type { Params } from "../php-query.js";
import type { PortalModel } from "../portal-model.js";
import type { TypingView } from "../typing-view.js";

/**
 * Who is calling: the user of a webhook or of an OAuth token.
 *
 * @example
 * ```ts
 * const caller: Caller = { userId: 1, kind: "webhook", credential: "webhook:h7x2k9q4w1m8v3zt" };
 * ```
 */
export interface Caller {
  userId: number;
  kind: "webhook" | "oauth";
  /** Key of the operating-time budget: one per webhook or per OAuth app. Never logged. */
  credential: string;
  /** The OAuth application's client id (OAuth callers only). */
  clientId?: string;
}

/**
 * What a method may read and change.
 *
 * @example
 * ```ts
 * const handle = (params: Params, { caller, portal, view, typingTtlMs }: MethodContext) => {
 *   const dialogId = requireDialogId(params.DIALOG_ID);
 *   view.typing(portal.dialogFor(caller.userId, dialogId), caller.userId, dialogId, typingTtlMs);
 *   return true;
 * };
 * ```
 */
export interface MethodContext {
  caller: Caller;
  portal: PortalModel;
  view: TypingView;
  /** The bot platform 2.0: bots, event queues and webhook delivery. */
  bots: BotPlatform;
  typingTtlMs: number;
  now: () => number;
}

/**
 * A REST method of the emulator.
 *
 * @example
 * ```ts
 * const serverTime: RestMethod = {
 *   name: "server.time",
 *   handle: (_params, context) => new Date(context.now()).toISOString(),
 * };
 * ```
 */
export interface RestMethod {
  /** The documented name, e.g. `im.dialog.writing`. */
  name: string;
  /** Controller names (`imbot.v2.Chat.InputAction.notify`) match only as written or lowercased. */
  caseSensitive?: boolean;
  /** `im`/`imbot` methods get their parameter keys upper-cased by the server. */
  upperCaseKeys?: boolean;
  /** The result, or a thrown `RestError`. */
  handle(params: Params, context: MethodContext): unknown;
}

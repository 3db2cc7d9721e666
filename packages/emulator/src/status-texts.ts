/**
 * What a recipient reads for each documented `statusMessageCode` of
 * `imbot.v2.Chat.InputAction.notify`: English renderings of the portal's Russian texts.
 *
 * @example
 * ```ts
 * STATUS_TEXTS.IMBOT_AGENT_ACTION_THINKING; // "Agent is thinking…"
 * ```
 */
export const STATUS_TEXTS: Readonly<Record<string, string>> = {
  IMBOT_AGENT_ACTION_THINKING: "Agent is thinking…",
  IMBOT_AGENT_ACTION_SEARCHING: "Agent is searching…",
  IMBOT_AGENT_ACTION_GENERATING: "Agent is preparing an answer…",
  IMBOT_AGENT_ACTION_ANALYZING: "Agent is analyzing the request…",
  IMBOT_AGENT_ACTION_PROCESSING: "Agent is processing data…",
  IMBOT_AGENT_ACTION_TRANSLATING: "Agent is translating the text…",
  IMBOT_AGENT_ACTION_CONNECTING: "Agent is connecting to a service…",
  IMBOT_AGENT_ACTION_CHECKING: "Agent is checking data…",
  IMBOT_AGENT_ACTION_CALCULATING: "Agent is calculating…",
  IMBOT_AGENT_ACTION_READING_DOCS: "Agent is studying documents…",
  IMBOT_AGENT_ACTION_COMPOSING: "Agent is composing an answer…",
};

/**
 * The text of a status line: the documented text of `statusMessageCode`, or
 * "<Name> is typing…" without a code (and for a code the docs do not list, which the portal
 * shows as its standard indicator too, as far as we know).
 *
 * @example
 * ```ts
 * typingText("Demo Bot", "IMBOT_AGENT_ACTION_THINKING"); // "Agent is thinking…"
 * typingText("Anna Admin"); // "Anna Admin is typing…"
 * ```
 */
export function typingText(senderName: string, statusMessageCode?: string): string {
  // Own keys only: a code such as "constructor" must not reach Object.prototype.
  if (statusMessageCode !== undefined && Object.hasOwn(STATUS_TEXTS, statusMessageCode)) {
    return STATUS_TEXTS[statusMessageCode] as string;
  }
  return `${senderName} is typing…`;
}

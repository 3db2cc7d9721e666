import { ConfigError } from "@b24im/core";

const STATUSES = [
  "THINKING",
  "SEARCHING",
  "GENERATING",
  "ANALYZING",
  "PROCESSING",
  "TRANSLATING",
  "CONNECTING",
  "CHECKING",
  "CALCULATING",
  "READING_DOCS",
  "COMPOSING",
] as const;

const PREFIX = "IMBOT_AGENT_ACTION_";

/**
 * What a bot shows while it works: one of the platform's agent actions ("Agent is
 * thinking…", "…searching…", "…composing…") by its short name, or any full
 * `IMBOT_AGENT_ACTION_…` code the platform may add.
 *
 * @example
 * ```ts
 * const status: AgentStatus = "SEARCHING"; // "Agent is searching…"
 * ```
 */
export type AgentStatus = (typeof STATUSES)[number] | `${typeof PREFIX}${string}`;

/**
 * The `statusMessageCode` of `imbot.v2.Chat.InputAction.notify` for a status. Anything else
 * throws `ConfigError` naming the accepted forms, so a typo never reaches the server.
 *
 * @example
 * ```ts
 * statusMessageCode("THINKING"); // "IMBOT_AGENT_ACTION_THINKING"
 * statusMessageCode("IMBOT_AGENT_ACTION_COMPOSING"); // as it is
 * ```
 */
export function statusMessageCode(status: unknown): string {
  if (typeof status === "string") {
    if ((STATUSES as readonly string[]).includes(status)) return PREFIX + status;
    if (/^IMBOT_AGENT_ACTION_[A-Z][A-Z0-9_]*$/.test(status)) return status;
  }
  throw new ConfigError(
    "status",
    `status must be one of ${STATUSES.join(", ")} or a full "${PREFIX}…" code; got ${
      typeof status === "string" ? JSON.stringify(status.slice(0, 40)) : typeof status
    }`,
  );
}

import { B24Error } from "@b24im/core";
import { MAX_BOT_TOKEN_LENGTH } from "./bot-token.js";

/**
 * What registering needs of a client: `call`. `@b24im/core`'s client fits.
 *
 * @example
 * ```ts
 * const client: RegisteringClient = createClient({ webhook, transport: createNodeTransport() });
 * await registerFetchBot(client, { code: PORTAL_BOT_CODE, botToken, tokenSource: "environment", name: PORTAL_BOT_NAME });
 * ```
 */
export interface RegisteringClient {
  call<T = unknown>(
    method: string,
    params?: Record<string, unknown>,
    options?: { signal?: AbortSignal },
  ): Promise<T>;
}

/**
 * Where the bot token came from: it decides what a refusal means.
 *
 * @example
 * ```ts
 * if (command.kind === "bot") {
 *   const tokenSource: TokenSource = command.botToken === undefined ? "generated" : "environment";
 *   await registerFetchBot(client, { code: PORTAL_BOT_CODE, botToken, tokenSource, name: PORTAL_BOT_NAME });
 * }
 * ```
 */
export type TokenSource = "environment" | "generated" | "scene";

/**
 * Options of {@link registerFetchBot}.
 *
 * @example
 * ```ts
 * const options: RegisterOptions = { code: PORTAL_BOT_CODE, botToken, tokenSource: "generated", name: PORTAL_BOT_NAME, signal };
 * const registration = await registerFetchBot(client, options);
 * ```
 */
export interface RegisterOptions {
  /** The fixed code the bot is known by on the portal. */
  code: string;
  botToken: string;
  tokenSource: TokenSource;
  /** The bot's name, used only when it is new. */
  name: string;
  workPosition?: string;
  /** Ctrl-C. */
  signal?: AbortSignal;
}

/**
 * The bot as the portal answered.
 *
 * @example
 * ```ts
 * const registration: BotRegistration = await registerFetchBot(client, options);
 * if (registration.switchedToFetch) console.log(`${registration.name} polls now instead of webhooks`);
 * ```
 */
export interface BotRegistration {
  id: number;
  code: string;
  /** Its full name as people see it. */
  name: string;
  /** Set when the bot had been registered for webhooks and was switched to polling. */
  switchedToFetch: boolean;
}

/**
 * The portal refused to register the bot for a reason a person can fix; the message says
 * how. It never quotes the token.
 *
 * @example
 * ```ts
 * catch (error) { if (error instanceof RegistrationError) console.log(error.message); }
 * ```
 */
export class RegistrationError extends Error {
  override get name(): string {
    return "RegistrationError";
  }
}

interface RegisterAnswer {
  bot?: { id?: unknown; code?: unknown; eventMode?: unknown };
  users?: Array<{ id?: unknown; name?: unknown }>;
}

/**
 * Registers a bot platform 2.0 bot in fetch mode (it polls `imbot.v2.Event.get`, so it
 * needs no public URL) with `imbot.v2.Bot.register`, which is idempotent by `code`: the same
 * code and token give the same bot back, unchanged, on every run. A bot of that code that was
 * registered for webhooks is switched to polling (`imbot.v2.Bot.update`). Refusals a person
 * can fix — the code taken by a bot with another token, a token that is another bot's —
 * reject with a {@link RegistrationError} saying what to do; anything else rejects as the
 * client did.
 *
 * @example
 * ```ts
 * const bot = await registerFetchBot(client, { code: "b24im_demo_agent", botToken, tokenSource: "environment", name: "b24im Demo Agent" });
 * bot.id; // 101
 * ```
 */
export async function registerFetchBot(
  client: RegisteringClient,
  o: RegisterOptions,
): Promise<BotRegistration> {
  let answer: RegisterAnswer;
  try {
    answer = await client.call<RegisterAnswer>(
      "imbot.v2.Bot.register",
      {
        fields: {
          code: o.code,
          botToken: o.botToken,
          eventMode: "fetch",
          properties: { name: o.name, ...(o.workPosition ? { workPosition: o.workPosition } : {}) },
        },
      },
      { signal: o.signal },
    );
  } catch (error) {
    throw refusal(error, o) ?? error;
  }
  const id = Number(answer?.bot?.id);
  if (!Number.isSafeInteger(id) || id <= 0) {
    throw new RegistrationError("the portal answered imbot.v2.Bot.register without a bot id");
  }
  const user = answer.users?.find((u) => Number(u.id) === id);
  const registration: BotRegistration = {
    id,
    code: typeof answer.bot?.code === "string" ? answer.bot.code : o.code,
    name: typeof user?.name === "string" && user.name !== "" ? user.name : o.name,
    switchedToFetch: false,
  };
  if (answer.bot?.eventMode !== undefined && answer.bot.eventMode !== "fetch") {
    await client.call(
      "imbot.v2.Bot.update",
      {
        botId: id,
        botToken: o.botToken,
        fields: { eventMode: "fetch" },
      },
      { signal: o.signal },
    );
    registration.switchedToFetch = true;
  }
  return registration;
}

function refusal(error: unknown, o: RegisterOptions): RegistrationError | undefined {
  if (!(error instanceof B24Error)) return undefined;
  switch (error.code.toUpperCase()) {
    case "BOT_CODE_ALREADY_TAKEN":
      return new RegistrationError(
        o.tokenSource === "environment"
          ? `the portal already has a bot with the code ${o.code}, and B24_BOT_TOKEN is not its token. ` +
              "Set B24_BOT_TOKEN to the token that was printed when that bot was registered."
          : `the portal already has a bot with the code ${o.code}, registered with another token ` +
              "(by an earlier run of this demo?). Run again with B24_BOT_TOKEN set to the token that run " +
              "printed. If it is lost, the bot must be deleted on the portal first: nothing can act for " +
              "it without its token.",
      );
    case "BOT_REGISTER_FAILED":
      return new RegistrationError(
        "the portal refused to register the bot: the token already belongs to another bot there " +
          "(a token stands for one bot). Unset B24_BOT_TOKEN to have a new one made.",
      );
    case "BOT_TOKEN_INVALID_LENGTH":
      return new RegistrationError(
        `the portal refused the bot token as too long: B24_BOT_TOKEN must be at most ${MAX_BOT_TOKEN_LENGTH} characters.`,
      );
    default:
      return undefined;
  }
}

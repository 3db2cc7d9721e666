// The agent every runtime serves in the bot checks: it thinks for a moment and echoes the
// message, through @b24im/bot on a client of @b24im/core over transport-fetch.
import { type Bot, createBot } from "@b24im/bot";
import type { B24Client } from "@b24im/core";
import type { BotInput } from "./protocol.ts";

/** What the agent saw of the last message: the typed fields a handler relies on. */
export interface Heard {
  text: string;
  messageId: unknown;
  userIsBot: unknown;
  replyId: unknown;
}

export function echoAgent(client: B24Client, input: BotInput, heard: Heard[]): Bot {
  return createBot({
    client,
    botId: input.botId,
    botToken: input.botToken,
    applicationToken: input.applicationToken,
    onError: () => {},
  }).on("message", async (ctx) => {
    const answer = await ctx.think(async (_signal, status) => {
      status("COMPOSING");
      return `echo: ${ctx.message.text}`;
    });
    const replyId = await ctx.reply(answer);
    heard.push({
      text: ctx.message.text,
      messageId: ctx.message.id,
      userIsBot: ctx.user.bot,
      replyId,
    });
  });
}

/** A webhook POST of ONIMBOTV2MESSAGEADD as the platform encodes it: PHP keys, string scalars. */
export function webhookEvent(input: BotInput, token: string, text: string): Request {
  const fields: Record<string, string> = {
    event: "ONIMBOTV2MESSAGEADD",
    "data[bot][id]": String(input.botId),
    "data[bot][code]": "runtime_bot",
    "data[bot][auth][access_token]": "not-used-by-the-agent",
    "data[message][id]": "4242",
    "data[message][chatId]": input.dialogId.replace("chat", ""),
    "data[message][authorId]": "1",
    "data[message][date]": "2026-11-30T10:00:00+00:00",
    "data[message][text]": text,
    "data[message][isSystem]": "0",
    "data[chat][id]": input.dialogId.replace("chat", ""),
    "data[chat][dialogId]": input.dialogId,
    "data[chat][type]": "chat",
    "data[chat][name]": "General",
    "data[user][id]": "1",
    "data[user][name]": "Anna Admin",
    "data[user][bot]": "0",
    "auth[domain]": "127.0.0.1",
    "auth[application_token]": token,
    ts: "1780000000",
  };
  return new Request("http://127.0.0.1/bot", {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams(fields).toString(),
  });
}

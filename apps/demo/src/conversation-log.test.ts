import type { MessageContext } from "@b24im/bot";
import { expect, it } from "vitest";
import { ConversationLog, statusWords } from "./conversation-log.js";

const ctx = {
  dialogId: "2",
  event: { eventId: 7, type: "ONIMBOTV2MESSAGEADD", data: {} },
  user: { id: 2, name: "Boris Petrov", bot: false },
  message: { id: 11, chatId: 9, authorId: 2, text: "[USER=5]Helper[/USER]\nhello there", date: "" },
} as unknown as MessageContext;

it("tells a conversation in plain, stamped lines", () => {
  const lines: string[] = [];
  let now = 1_000;
  const log = new ConversationLog({
    write: (line) => lines.push(line),
    botName: "Helper",
    where: () => "private dialog with Boris Petrov",
    now: () => now,
  });
  log.received(ctx);
  now += 1_200;
  log.status(ctx, "READING_DOCS");
  now += 2_000;
  log.answered(ctx, { messageId: 12, text: "Done.", tookMs: 3_200 });
  log.interrupted(ctx, true);
  log.trouble(new Error("boom"));
  expect(lines).toEqual([
    "[  0.0 s] private dialog with Boris Petrov · Boris Petrov wrote: “@Helper hello there” (event #7)",
    "[  1.2 s] private dialog with Boris Petrov · Helper is reading docs…",
    "[  3.2 s] private dialog with Boris Petrov · Helper answered after 3.2 s: Done.",
    "[  3.2 s] private dialog with Boris Petrov · Helper was stopped before answering and said so",
    "[  3.2 s] trouble: boom",
  ]);
  expect(log.answers).toBe(1);
  expect(statusWords("IMBOT_AGENT_ACTION_COMPOSING")).toBe("composing");
});

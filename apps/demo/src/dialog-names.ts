/**
 * The id the emulator's page (and its state) gives a dialog the bot answers in. A bot answers
 * a private dialog under the person's id (`"3"`); the page lists it as `"3-5"`, the two ids
 * lower first (documented in the emulator's README). A chat keeps its id (`"chat1"`).
 *
 * @example
 * ```ts
 * pageDialogId("3", 5); // "3-5"
 * pageDialogId("chat1", 5); // "chat1"
 * ```
 */
export function pageDialogId(botDialogId: string, botId: number): string {
  if (!/^\d+$/.test(botDialogId)) return botDialogId.toLowerCase();
  const other = Number(botDialogId);
  return `${Math.min(other, botId)}-${Math.max(other, botId)}`;
}

/**
 * How the demo names a dialog in the terminal, the summary and its logs: exactly as the
 * emulator's page heads it, title then id, so one dialog reads the same everywhere.
 *
 * @example
 * ```ts
 * dialogName("General", "chat1"); // "General (chat1)"
 * dialogName("Clara Ivanova & Helper", "3-5"); // "Clara Ivanova & Helper (3-5)"
 * ```
 */
export function dialogName(title: string, pageId: string): string {
  return `${title} (${pageId})`;
}

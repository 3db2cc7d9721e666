import type { ViewEvent } from "@b24im/emulator";

/**
 * A line that went out in the recipients' view: nobody refreshed it within its life.
 *
 * @example
 * ```ts
 * const lapses: Expiry[] = watch.expiries.filter((e) => e.senderId === senderId && e.at < endedAt);
 * ```
 */
export interface Expiry {
  dialogId: string;
  senderId: number;
  /** When it went out, on the emulator's clock (epoch ms). */
  at: number;
}

/**
 * The expiries seen so far, while the watch runs.
 *
 * @example
 * ```ts
 * const watch: ExpiryWatch = await watchExpiries(emulator.url);
 * const expiries = [...watch.expiries]; // the lines that went out so far
 * watch.close();
 * ```
 */
export interface ExpiryWatch {
  readonly expiries: readonly Expiry[];
  close(): void;
}

/**
 * Listens to an emulator's live view (`GET /_emulator/events`, server-sent events) and keeps
 * every `typing.expired` event: when and where an indicator went out.
 *
 * @example
 * ```ts
 * const watch = await watchExpiries(emulator.url);
 * // … type for a while …
 * watch.close();
 * console.log(watch.expiries.length);
 * ```
 */
export async function watchExpiries(url: string): Promise<ExpiryWatch> {
  const controller = new AbortController();
  const response = await fetch(`${url}/_emulator/events`, { signal: controller.signal });
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  const expiries: Expiry[] = [];
  let buffered = "";
  const read = async () => {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      buffered += decoder.decode(value, { stream: true });
      const frames = buffered.split("\n\n");
      buffered = frames.pop() ?? "";
      for (const frame of frames) {
        if (!frame.startsWith("data: ")) continue;
        const event = JSON.parse(frame.slice("data: ".length)) as ViewEvent;
        if (event.type === "typing.expired") {
          expiries.push({
            dialogId: event.dialogId,
            senderId: event.senderId,
            at: event.expiresAt,
          });
        }
      }
    }
  };
  // Ends when closed (an abort) or when the emulator goes: either way the watch is over.
  void read().catch(() => undefined);
  return { expiries, close: () => controller.abort() };
}

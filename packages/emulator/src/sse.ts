import type { ServerResponse } from "node:http";
import { CORS_HEADERS } from "./http-answers.js";
import type { TypingView, ViewEvent } from "./typing-view.js";

/**
 * How much one event-stream reader may fall behind before it is disconnected.
 *
 * @example
 * ```ts
 * new EventStream(view, MAX_STREAM_BACKLOG_BYTES);
 * ```
 */
const MAX_STREAM_BACKLOG_BYTES = 1024 * 1024;

/**
 * The server-sent event stream of `GET /_emulator/events`: every {@link ViewEvent} as one
 * `data: <json>` message. It listens to the view only while someone is connected, so the
 * hot path builds no events when nobody watches. A reader that stops reading is disconnected
 * once more than `maxBacklogBytes` wait for it: without that a paused reader held every event
 * in memory (about 36 MB per 2,000). An `EventSource` reconnects by itself (`retry: 1000`),
 * and the page then reloads the whole state.
 *
 * @example
 * ```ts
 * const stream = new EventStream(view);
 * stream.attach(res); // in the request handler
 * ```
 */
export class EventStream {
  readonly #clients = new Set<ServerResponse>();
  readonly #broadcast = (event: ViewEvent): void => {
    const frame = `data: ${JSON.stringify(event)}\n\n`;
    for (const client of this.#clients) {
      if (client.writableLength > this.maxBacklogBytes) {
        this.#detach(client);
        client.destroy();
      } else client.write(frame);
    }
  };

  constructor(
    readonly view: TypingView,
    readonly maxBacklogBytes = MAX_STREAM_BACKLOG_BYTES,
  ) {}

  attach(res: ServerResponse): void {
    res.writeHead(200, {
      ...CORS_HEADERS,
      "content-type": "text/event-stream; charset=utf-8",
      "cache-control": "no-cache",
      connection: "keep-alive",
    });
    res.write("retry: 1000\n\n");
    if (this.#clients.size === 0) this.view.events.on("event", this.#broadcast);
    this.#clients.add(res);
    res.on("close", () => this.#detach(res));
  }

  /** Ends every stream, telling each page first (an `end` event) that the emulator stopped. */
  closeAll(): void {
    for (const client of this.#clients) client.end("event: end\ndata: {}\n\n");
    this.#clients.clear();
    this.view.events.off("event", this.#broadcast);
  }

  #detach(res: ServerResponse): void {
    this.#clients.delete(res);
    if (this.#clients.size === 0) this.view.events.off("event", this.#broadcast);
  }
}

import { joinBytes } from "../webhook/bytes.js";
import { MAX_WEBHOOK_BODY_BYTES, type WebhookOptions } from "../webhook/webhook-handler.js";

/**
 * The parts of Node's `IncomingMessage` (and Express's `req`) the listener reads: typed here
 * so that this entry needs no `@types/node`.
 *
 * @example
 * ```ts
 * const request: NodeRequestLike = incomingMessage; // from node:http
 * ```
 */
export interface NodeRequestLike extends AsyncIterable<Uint8Array | string> {
  method?: string | undefined;
  url?: string | undefined;
  headers: Record<string, string | string[] | undefined>;
}

/**
 * The parts of Node's `ServerResponse` (and Express's `res`) the listener writes.
 *
 * @example
 * ```ts
 * const response: NodeResponseLike = serverResponse; // from node:http
 * ```
 */
export interface NodeResponseLike {
  writeHead(status: number, headers: Record<string, string>): unknown;
  end(body?: Uint8Array | string): unknown;
}

/**
 * What the listener needs of a bot: its WHATWG `fetch` handler.
 *
 * @example
 * ```ts
 * const handler: FetchHandler = createBot({ client, botId, botToken, applicationToken });
 * ```
 */
export interface FetchHandler {
  fetch(request: Request, options?: WebhookOptions): Promise<Response>;
}

/**
 * Serves a bot's webhook on `node:http`, `node:https` or Express: a `(req, res)` listener that
 * turns Node's request into a WHATWG `Request` for `bot.fetch()` and writes its `Response`
 * back. Mount it before any body parser (`express.urlencoded()` would consume the body).
 *
 * @example
 * ```ts
 * import { createServer } from "node:http";
 * import { nodeListener } from "@b24im/bot/node";
 *
 * createServer(nodeListener(bot)).listen(3000);      // node:http
 * app.post("/bitrix24/events", nodeListener(bot));    // Express
 * ```
 */
export function nodeListener(
  bot: FetchHandler,
  options?: WebhookOptions,
): (req: NodeRequestLike, res: NodeResponseLike) => Promise<void> {
  return async (req, res) => {
    let response: Response;
    try {
      const method = req.method ?? "GET";
      const headers = new Headers();
      for (const [name, value] of Object.entries(req.headers)) {
        if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(", ") : value);
      }
      const body = method === "GET" || method === "HEAD" ? undefined : await readAll(req);
      if (body === undefined && method === "POST") {
        res.writeHead(413, { "content-type": "application/json", connection: "close" });
        res.end('{"error":"body too large"}');
        return;
      }
      const url = new URL(req.url ?? "/", `http://${headers.get("host") ?? "localhost"}`);
      response = await bot.fetch(new Request(url, { method, headers, body }), options);
    } catch {
      // A request Node could read but WHATWG cannot hold (a bad header, a broken body).
      response = new Response('{"error":"unreadable request"}', { status: 400 });
    }
    const answer: Record<string, string> = {};
    response.headers.forEach((value, name) => {
      answer[name] = value;
    });
    res.writeHead(response.status, answer);
    res.end(new Uint8Array(await response.arrayBuffer()));
  };
}

// The body, or undefined past the webhook's limit: a huge POST is never held whole.
async function readAll(req: NodeRequestLike): Promise<Uint8Array<ArrayBuffer> | undefined> {
  const encoder = new TextEncoder();
  const chunks: Uint8Array[] = [];
  let length = 0;
  for await (const chunk of req) {
    const bytes = typeof chunk === "string" ? encoder.encode(chunk) : chunk;
    length += bytes.byteLength;
    if (length > MAX_WEBHOOK_BODY_BYTES) return undefined;
    chunks.push(bytes);
  }
  return joinBytes(chunks, length);
}

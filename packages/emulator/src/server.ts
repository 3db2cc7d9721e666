import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import type { AddressInfo, Socket } from "node:net";
import { EmulatorCore } from "./emulator-core.js";
import { checkEmulatorOptions } from "./emulator-options.js";
import type { Emulator, EmulatorOptions } from "./emulator-types.js";
import { CORS_HEADERS, sendJson, sendText } from "./http-answers.js";
import { BodyTooLargeError, readBody } from "./request-body.js";
import {
  collapseSlashes,
  handleRest,
  handleTokenRefresh,
  parseRestPath,
  requestEntry,
} from "./rest-endpoint.js";
import { say } from "./say.js";
import { EventStream } from "./sse.js";
import { WEB_PAGE } from "./web-page.js";

interface Routing {
  core: EmulatorCore;
  events: EventStream;
  movedTo: string | undefined;
}

function answerMoved(
  routing: Routing,
  req: IncomingMessage,
  res: ServerResponse,
  url: string,
  pathname: string,
) {
  const method = pathname.startsWith("/rest/") ? (parseRestPath(pathname)?.method ?? "") : "";
  const entry = requestEntry(req, routing.core.now(), routing.core.loggedPath(pathname), method);
  entry.status = 302;
  routing.core.record(entry);
  const location = `${(routing.movedTo ?? "").replace(/\/+$/, "")}${url}`;
  sendText(res, 302, "text/plain; charset=utf-8", "", { location });
}

async function route(routing: Routing, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = req.url ?? "/";
  // Preflights are answered even by a moved portal: a browser refuses a redirected preflight
  // outright, and then no script could ever see that the portal moved.
  if (req.method === "OPTIONS") {
    res.writeHead(204, { ...CORS_HEADERS, "access-control-max-age": "86400" });
    res.end();
    return;
  }
  const question = url.indexOf("?");
  // A portal's web server collapses repeated slashes before routing.
  const pathname = collapseSlashes(question < 0 ? url : url.slice(0, question));
  if (routing.movedTo !== undefined) return answerMoved(routing, req, res, url, pathname);
  const query = question < 0 ? "" : url.slice(question + 1);
  const { core } = routing;
  if (pathname.startsWith("/rest/")) return handleRest(core, req, res, pathname, query);
  if (pathname === "/oauth/token/" || pathname === "/oauth/token") {
    return handleTokenRefresh(core, req, res, pathname, query);
  }
  if (pathname === "/") return sendText(res, 200, "text/html; charset=utf-8", WEB_PAGE);
  if (pathname === "/_emulator/state") return sendJson(res, 200, core.state());
  if (pathname === "/_emulator/events") return routing.events.attach(res);
  if (pathname === "/_emulator/say") return handleSay(core, req, res);
  sendText(res, 404, "text/plain; charset=utf-8", "Not found");
}

const SAY_BODY_LIMIT = 256 * 1024;

// The page's message box: POST {from, dialogId, text} as JSON → {result: id} or 400.
async function handleSay(core: EmulatorCore, req: IncomingMessage, res: ServerResponse) {
  if (req.method !== "POST") {
    return sendJson(res, 405, { error: "METHOD_NOT_ALLOWED", error_description: "POST only" });
  }
  let body: unknown;
  try {
    body = JSON.parse(await readBody(req, SAY_BODY_LIMIT));
  } catch (error) {
    if (error instanceof BodyTooLargeError) {
      res.setHeader("connection", "close");
      return sendJson(res, 413, { error: "REQUEST_TOO_LARGE", error_description: error.message });
    }
    return sendJson(res, 400, { error: "INVALID_REQUEST", error_description: "JSON expected" });
  }
  try {
    return sendJson(res, 200, { result: say(core, body as never) });
  } catch (error) {
    return sendJson(res, 400, {
      error: "INVALID_REQUEST",
      error_description: (error as Error).message,
    });
  }
}

function listen(server: Server, port: number, host: string): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve(server.address() as AddressInfo);
    });
  });
}

/**
 * Starts a local Bitrix24 REST emulator.
 *
 * @example
 * ```ts
 * const emulator = await startEmulator({ typingTtlMs: 5_000 });
 * await fetch(`${emulator.webhookUrl()}im.dialog.writing`, {
 *   method: "POST",
 *   headers: { "content-type": "application/json" },
 *   body: JSON.stringify({ DIALOG_ID: "chat1" }),
 * });
 * emulator.state().dialogs.find((d) => d.id === "chat1")?.typing; // [{ senderId: 1, … }]
 * await emulator.close();
 * ```
 */
export async function startEmulator(given?: EmulatorOptions): Promise<Emulator> {
  const options = checkEmulatorOptions(given);
  let url = "";
  const core = new EmulatorCore(options, () => url);
  const routing: Routing = { core, events: new EventStream(core.view), movedTo: options.movedTo };
  const handler = (req: IncomingMessage, res: ServerResponse): void => {
    route(routing, req, res).catch(() => {
      if (res.headersSent) res.destroy();
      else sendJson(res, 500, { error: "INTERNAL_SERVER_ERROR", error_description: "" });
    });
  };
  const server: Server = options.https
    ? (createHttpsServer(options.https, handler) as unknown as Server)
    : createServer(handler);
  server.keepAliveTimeout = 65_000;
  const sockets = new Set<Socket>();
  server.on("connection", (socket: Socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  const host = options.host ?? "127.0.0.1";
  const address = await listen(server, options.port ?? 0, host);
  const shownHost = host.includes(":") ? `[${host}]` : host;
  url = `${options.https ? "https" : "http"}://${shownHost}:${address.port}`;
  const webhooks = core.portal.seed.webhooks ?? [];
  let closing: Promise<void> | undefined;

  return {
    url,
    webhookUrl(userId?: number): string {
      const hook = webhooks.find(
        (candidate) => userId === undefined || candidate.userId === userId,
      );
      if (hook === undefined) throw new Error(`No webhook is seeded for user ${userId}`);
      return `${url}/rest/${hook.userId}/${hook.code}/`;
    },
    faults: core.faults,
    oauth: core.oauth,
    state: () => core.state(),
    typingStats: () => core.view.stats(),
    get log() {
      return core.log.entries();
    },
    get counters() {
      return { ...core.counters };
    },
    reset: () => core.reset(),
    say: (options) => say(core, options),
    get deliveries() {
      return core.webhooks.records();
    },
    deliveriesSettled: () => core.webhooks.settled(),
    applicationToken(botId: number): string {
      const bot = core.bots.registry.getEvenRemoved(botId);
      if (bot === undefined) throw new Error(`No bot ${botId} is registered`);
      return core.bots.registry.applicationToken(bot);
    },
    close(): Promise<void> {
      closing ??= new Promise((resolve) => {
        core.close();
        routing.events.closeAll();
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      });
      return closing;
    },
  };
}

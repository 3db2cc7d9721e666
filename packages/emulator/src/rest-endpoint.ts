import type { IncomingMessage, ServerResponse } from "node:http";
import { runBatch } from "./batch.js";
import type { EmulatorCore } from "./emulator-core.js";
import type { Fault } from "./faults.js";
import { sendJson, sendProxyErrorPage } from "./http-answers.js";
import type { Caller } from "./methods/rest-method.js";
import type { Params } from "./php-query.js";
import { BodyTooLargeError, readBody } from "./request-body.js";
import type { RequestLogEntry } from "./request-log.js";
import { readParams } from "./request-params.js";
import { methodNotFoundError, RestError, wrongAuthError } from "./rest-error.js";
import type { TimeEnvelope } from "./time-envelope.js";

/**
 * A parsed `/rest/…` path: the method and, for webhooks, the user and code.
 *
 * @example
 * ```ts
 * const route: RestRoute | undefined = parseRestPath("/rest/1/abc/profile");
 * // { method: "profile", webhook: { userId: 1, code: "abc" } }
 * ```
 */
export interface RestRoute {
  method: string;
  webhook?: { userId: number; code: string };
}

/**
 * Parses `/rest/METHOD[.json]` and `/rest/USER/CODE/METHOD[.json]`, each with or without a
 * trailing slash (a portal serves `/rest/1/CODE/profile/`). Repeated slashes must already be
 * collapsed ({@link collapseSlashes}).
 *
 * @example
 * ```ts
 * parseRestPath("/rest/1/abc/im.dialog.writing.json");
 * // { method: "im.dialog.writing", webhook: { userId: 1, code: "abc" } }
 * parseRestPath("/rest/profile/"); // { method: "profile" }
 * ```
 */
export function parseRestPath(pathname: string): RestRoute | undefined {
  const path = pathname.endsWith("/") ? pathname.slice(0, -1) : pathname;
  const parts = path.slice("/rest/".length).split("/");
  let method: string | undefined;
  let webhook: RestRoute["webhook"];
  if (parts.length === 1) method = parts[0];
  else if (parts.length === 3) {
    webhook = { userId: Number(parts[0]), code: parts[1] ?? "" };
    method = parts[2];
  }
  if (method === undefined) return undefined;
  if (method.endsWith(".json")) method = method.slice(0, -5);
  if (method === "") return undefined;
  return webhook === undefined ? { method } : { method, webhook };
}

/**
 * The log entry of a request that arrived at `at`, not yet answered (status 0).
 *
 * @example
 * ```ts
 * const entry = requestEntry(req, core.now(), core.loggedPath(pathname), "server.time");
 * ```
 */
export function requestEntry(
  req: IncomingMessage,
  at: number,
  path: string,
  method: string,
): RequestLogEntry {
  return { at, httpMethod: req.method ?? "GET", path, method, status: 0 };
}

// The rest of a refused body is never read: the answer goes out, the client gets a moment to
// read it, then the connection is cut (a client still sending would otherwise hold it open).
function closeAfterAnswer(req: IncomingMessage, res: ServerResponse): void {
  res.once("finish", () => {
    const socket = req.socket;
    const timer = setTimeout(() => socket.destroy(), 1_000);
    timer.unref();
    socket.once("close", () => clearTimeout(timer));
  });
}

/**
 * Reads the request's parameters (query and body), or answers for it: 413 with an error
 * envelope for a body past `maxBodyBytes` (the connection is closed after it, the rest of the
 * body never read into memory), nothing for a client that went away mid-body.
 */
async function readRequestParams(
  core: EmulatorCore,
  req: IncomingMessage,
  res: ServerResponse,
  entry: RequestLogEntry,
  query: string,
): Promise<Params | undefined> {
  let body: string;
  try {
    body = await readBody(req, core.maxBodyBytes);
  } catch (error) {
    if (error instanceof BodyTooLargeError) {
      res.setHeader("connection", "close");
      closeAfterAnswer(req, res);
      const description = `The request body is larger than ${error.limitBytes} bytes`;
      answer(core, res, entry, 413, {
        error: "REQUEST_ENTITY_TOO_LARGE",
        error_description: description,
        time: core.plainTime(entry.at),
      });
    } else {
      entry.error = "aborted";
      core.record(entry);
      res.destroy();
    }
    return undefined;
  }
  return readParams(query, body, req.headers["content-type"]);
}

function answer(
  core: EmulatorCore,
  res: ServerResponse,
  entry: RequestLogEntry,
  status: number,
  body: Record<string, unknown>,
  cut = false,
): void {
  entry.status = status;
  if (typeof body.error === "string" || typeof body.error === "number") {
    entry.error = String(body.error);
  }
  sendJson(res, status, body, cut);
  core.record(entry);
}

function answerError(
  core: EmulatorCore,
  res: ServerResponse,
  entry: RequestLogEntry,
  error: RestError,
  time: TimeEnvelope,
  cut = false,
): void {
  const body = { error: error.code, error_description: error.description, time };
  answer(core, res, entry, error.status, body, cut);
}

/**
 * Shows a scheduled fault. Returns `"answered"` when the request is done (or abandoned),
 * `"cut"` when the normal answer must be cut, `"continue"` otherwise.
 */
async function showFault(
  core: EmulatorCore,
  fault: Fault,
  req: IncomingMessage,
  res: ServerResponse,
  entry: RequestLogEntry,
  params: Params,
): Promise<"answered" | "cut" | "continue"> {
  switch (fault.kind) {
    case "reset":
    case "hang":
      entry.error = `fault:${fault.kind}`;
      core.record(entry);
      if (fault.kind === "reset") req.socket.destroy();
      return "answered";
    case "delay":
      await core.timers.sleep(fault.ms);
      return "continue";
    case "cutJson":
      return "cut";
    case "html": {
      const status = fault.status ?? 502;
      entry.status = status;
      entry.error = "fault:html";
      sendProxyErrorPage(res, status);
      core.record(entry);
      return "answered";
    }
    case "status":
      answer(core, res, entry, fault.status, {
        error: fault.error,
        error_description: fault.description ?? "",
      });
      return "answered";
    case "expireToken": {
      const token = accessTokenOf(req, params);
      if (typeof token === "string") core.oauth.expire(token);
      answer(core, res, entry, 401, {
        error: "expired_token",
        error_description: "The access token provided has expired.",
      });
      return "answered";
    }
  }
}

/**
 * Collapses repeated slashes in a path, as a portal's web server does before routing: the
 * official JS SDK calls `/rest//METHOD` in OAuth mode.
 *
 * @example
 * ```ts
 * collapseSlashes("//rest//profile"); // "/rest/profile"
 * ```
 */
export function collapseSlashes(pathname: string): string {
  return pathname.includes("//") ? pathname.replace(/\/{2,}/g, "/") : pathname;
}

/**
 * The OAuth access token of a request, where a portal looks for it: the `Authorization:
 * Bearer` header first, then the `auth` parameter, then `access_token` (query or body).
 *
 * @example
 * ```ts
 * accessTokenOf(req, { access_token: "abc" }); // "abc"
 * ```
 */
function accessTokenOf(req: IncomingMessage, params: Params): unknown {
  const header = req.headers.authorization;
  if (typeof header === "string") {
    const match = /^\s*bearer\s+(\S+)\s*$/i.exec(header);
    if (match) return match[1];
  }
  if (params.auth !== undefined && params.auth !== "") return params.auth;
  return params.access_token;
}

function authenticate(
  core: EmulatorCore,
  route: RestRoute,
  req: IncomingMessage,
  params: Params,
): Caller {
  if (route.webhook === undefined) return core.oauth.authenticate(accessTokenOf(req, params));
  const caller = core.webhookCallers.get(route.webhook.code);
  if (caller === undefined || caller.userId !== route.webhook.userId) {
    throw wrongAuthError();
  }
  return caller;
}

/**
 * Serves one `/rest/…` request: faults, the leaky bucket (503), authentication (401), then
 * the method or `batch`, logging and counting the outcome.
 *
 * @example
 * ```ts
 * if (pathname.startsWith("/rest/")) await handleRest(core, req, res, pathname, query);
 * ```
 */
export async function handleRest(
  core: EmulatorCore,
  req: IncomingMessage,
  res: ServerResponse,
  pathname: string,
  query: string,
): Promise<void> {
  const startMs = core.now();
  const route = parseRestPath(pathname);
  const method = route?.method ?? "";
  const entry = requestEntry(req, startMs, core.loggedPath(pathname), method);
  const params = await readRequestParams(core, req, res, entry, query);
  if (params === undefined) return;
  const lowerMethod = method.toLowerCase();
  const fault = core.faults.take(lowerMethod);
  const shown =
    fault === undefined ? "continue" : await showFault(core, fault, req, res, entry, params);
  if (shown === "answered") return;
  const cut = shown === "cut";
  if (core.bucket !== undefined && !core.bucket.take(req.socket.remoteAddress ?? "", startMs)) {
    const error = new RestError(503, "QUERY_LIMIT_EXCEEDED", "Too many requests");
    return answerError(core, res, entry, error, core.plainTime(startMs));
  }
  if (route === undefined) {
    return answerError(core, res, entry, methodNotFoundError(), core.plainTime(startMs));
  }
  let caller: Caller;
  try {
    caller = authenticate(core, route, req, params);
  } catch (error) {
    if (!(error instanceof RestError)) throw error;
    return answerError(core, res, entry, error, core.plainTime(startMs));
  }
  if (lowerMethod === "batch") {
    const { result, commands } = await runBatch(params, caller, core.runner);
    entry.commands = commands;
    return answer(core, res, entry, 200, { result, time: core.plainTime(startMs) }, cut);
  }
  const outcome = await core.runner.run(method, params, caller);
  if (outcome.ok) {
    return answer(core, res, entry, 200, { result: outcome.result, time: outcome.time }, cut);
  }
  answerError(core, res, entry, outcome.error, outcome.time, cut);
}

/**
 * Serves `/oauth/token/`: the refresh grant, with faults scheduled for `"oauth.token"`.
 *
 * @example
 * ```ts
 * if (pathname === "/oauth/token/") await handleTokenRefresh(core, req, res, pathname, query);
 * ```
 */
export async function handleTokenRefresh(
  core: EmulatorCore,
  req: IncomingMessage,
  res: ServerResponse,
  pathname: string,
  query: string,
): Promise<void> {
  const entry = requestEntry(req, core.now(), pathname, "oauth.token");
  const params = await readRequestParams(core, req, res, entry, query);
  if (params === undefined) return;
  const fault = core.faults.take("oauth.token");
  const shown =
    fault === undefined ? "continue" : await showFault(core, fault, req, res, entry, {});
  if (shown === "answered") return;
  const { status, body } = core.oauth.refresh(params);
  answer(core, res, entry, status, body as Record<string, unknown>, shown === "cut");
}

import type { ServerResponse } from "node:http";

/**
 * The CORS headers the portal sends with every answer.
 *
 * @example
 * ```ts
 * res.writeHead(204, { ...CORS_HEADERS, "access-control-max-age": "86400" }); // a preflight
 * res.end();
 * ```
 */
export const CORS_HEADERS = {
  "access-control-allow-origin": "*",
  "access-control-allow-headers": "origin, content-type, accept",
  "access-control-allow-methods": "GET, POST, OPTIONS",
} as const;

const JSON_TYPE = "application/json; charset=utf-8";

/**
 * Answers with a JSON body; `cut` sends only its first half (the `cutJson` fault).
 *
 * @example
 * ```ts
 * sendJson(res, 200, { result: true });
 * ```
 */
export function sendJson(res: ServerResponse, status: number, body: unknown, cut = false): void {
  const text = JSON.stringify(body);
  const sent = cut ? text.slice(0, Math.max(1, Math.floor(text.length / 2))) : text;
  sendText(res, status, JSON_TYPE, sent);
}

/**
 * Answers like an nginx proxy in front of a portal that is down.
 *
 * @example
 * ```ts
 * sendProxyErrorPage(res, 504);
 * ```
 */
export function sendProxyErrorPage(res: ServerResponse, status: 502 | 504): void {
  const title = status === 502 ? "502 Bad Gateway" : "504 Gateway Time-out";
  const html = [
    "<html>",
    `<head><title>${title}</title></head>`,
    "<body>",
    `<center><h1>${title}</h1></center>`,
    "<hr><center>nginx</center>",
    "</body>",
    "</html>",
    "",
  ].join("\r\n");
  res.writeHead(status, {
    "content-type": "text/html",
    "content-length": Buffer.byteLength(html),
    server: "nginx",
  });
  res.end(html);
}

/**
 * Answers with any other body (the web page, 404s, redirects).
 *
 * @example
 * ```ts
 * sendText(res, 404, "text/plain; charset=utf-8", "Not found");
 * ```
 */
export function sendText(
  res: ServerResponse,
  status: number,
  contentType: string,
  text: string,
  extraHeaders?: Record<string, string>,
): void {
  res.writeHead(status, {
    ...CORS_HEADERS,
    ...extraHeaders,
    "content-type": contentType,
    "content-length": Buffer.byteLength(text),
  });
  res.end(text);
}

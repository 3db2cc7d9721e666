import type { HttpRequest, HttpResponse, Transport } from "@b24im/core";

const JSON_HEADERS = { "content-type": "application/json; charset=utf-8" };
const TIME = { start: 0, finish: 0, duration: 0, processing: 0, date_start: "", date_finish: "" };

function batchAnswer(request: HttpRequest): string {
  const { cmd } = JSON.parse(request.body ?? "{}") as { cmd?: Record<string, string> | string[] };
  const keys = cmd === undefined ? [] : Object.keys(cmd);
  const result = Array.isArray(cmd)
    ? keys.map(() => true)
    : Object.fromEntries(keys.map((key) => [key, true]));
  return JSON.stringify({
    result: { result, result_error: [], result_total: [], result_next: [], result_time: [] },
    time: TIME,
  });
}

/**
 * A transport that answers every call `true` at once, without I/O: for measuring what the
 * client itself holds and does. `batch` gets a `true` per command.
 *
 * @example
 * ```ts
 * const client = createClient({ webhook, transport: instantTransport(), rateLimit: false });
 * ```
 */
export function instantTransport(): Transport & { requests: number } {
  const transport = {
    requests: 0,
    async send(request: HttpRequest): Promise<HttpResponse> {
      transport.requests++;
      const isBatch = /\/batch(\.json)?(\?|$)/.test(request.url);
      return {
        status: 200,
        headers: JSON_HEADERS,
        body: isBatch ? batchAnswer(request) : JSON.stringify({ result: true, time: TIME }),
      };
    },
  };
  return transport;
}
